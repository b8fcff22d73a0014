"""Generate the fictional example data set: `xfgen.yaml`, `cases/<year>/<id>.yaml` and
`activities/<year>/<id>.yaml` (领导接访、下访、约访).

Every office, unit, person, phone and ID number in it is invented. The data is
deterministic (fixed seed, fixed cutoff date), so the same files come out on
every run. Regenerate from the repository root with:

    python scripts/make_example.py          # the example county (平安县信访局) at the root
    python scripts/make_example.py --city   # the city example in examples/city

For each office it writes, the script deletes the case and activity files it
generated before (`cases/*/XF????-????.yaml`, `activities/*/HD????-????.yaml`),
writes the configuration, the cases and the activities again, re-reads them to
check the consistency rules of DOMAIN.md, and prints a short summary. Office work
(supervision on cases, activities) draws on a random stream of its own, so the
cases themselves come out as they did before office work was added.

`--city` writes the roll-up example of a city (平安市信访局, DOMAIN.md "Roll-up"):
`examples/city/xfgen.yaml` and two smaller counties, `examples/city/offices/hekou`
(河口县信访局) and `examples/city/offices/qingshui` (清水县信访局, deadlines in
working days), each with its own seed and officials (see `CITY_OFFICES`). The
third member, the county at the root, is read from its export, which is not
committed: make it at the root with

    xfgen export --format parquet --out examples/city/exports/pingan

(`make demo` does this and builds the city).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260104
CUTOFF = date(2026, 11, 20)  # no date in the data lies after this day
CASES_PER_YEAR = {2024: 286, 2025: 318, 2026: 271}  # 2026 runs to CUTOFF only

OFFICE = "平安县信访局"
CHANNELS = {"来信": 25, "来访": 20, "来电": 10, "网上信访": 45}
SOURCES = {"本级受理": 60, "上级交办": 25, "上级转送": 15}
KINDS = {"建议意见类": 14, "检举控告类": 10, "申诉求决类": 76}
OUTCOMES = {"解决": 42, "部分解决": 20, "解释疏导": 28, "不予支持": 10}
REVIEW_RESULTS = {"维持": 75, "撤销": 10, "变更": 15}
COLLECTIVE_THRESHOLD = 5
ACCEPT_DAYS = 15
HANDLE_DAYS = 60
MAX_EXTENSION_DAYS = 30
MIN_CASES = 3  # leaderboard: fewer cases than this are listed apart as 样本不足

# Rates of the events that make a case more than "received, accepted, closed".
WEEKEND_WEIGHT = 0.4  # fewer petitions are registered on weekends
COLLECTIVE_VISIT_RATE = 0.15  # of visits
JOINT_LETTER_RATE = 0.08  # of letters, signed by several people
SKIP_LEVEL_RATE = 0.10  # of cases raised at a higher level
REPEAT_RATE = 0.10
REPEAT_WINDOW_DAYS = 540
NOT_ACCEPTED_RATE = 0.06
LEADER_RATE = 0.35
PROGRESS_RATE = 0.70
NOTES_RATE = 0.22  # of accepted cases
REVIEW_RATE_DISSATISFIED = 0.55
REVIEW_RATE_REJECTED = 0.15  # outcome 不予支持 but not rated 不满意
RECHECK_RATE = 0.35  # of reviews decided 维持

# Long-running cases stay open past their deadline, and after 365 days become backlog (积案).
LONG_RUNNING_RATE = 0.035
LONG_RUNNING_DAYS = (380, 1400)

# Units work better from year to year: late rates are scaled by this factor.
LATE_FACTOR = {2024: 1.3, 2025: 1.0, 2026: 0.8}


@dataclass(frozen=True)
class Profile:
    """How a unit handles its cases."""

    late_acceptance_rate: float
    extension_rate: float
    late_closure_rate: float
    min_days: int  # fewest handling days
    usual_days: int  # most common handling days
    satisfaction: dict[str, int]


PROFILES = {
    "fast": Profile(
        0.03, 0.04, 0.03, 5, 18, {"满意": 62, "基本满意": 24, "不满意": 5, "未评价": 9}
    ),
    "average": Profile(
        0.07, 0.08, 0.08, 8, 35, {"满意": 48, "基本满意": 30, "不满意": 10, "未评价": 12}
    ),
    "slow": Profile(
        0.14, 0.14, 0.20, 15, 52, {"满意": 34, "基本满意": 32, "不满意": 19, "未评价": 15}
    ),
}
REJECTED_SATISFACTION = {"满意": 8, "基本满意": 22, "不满意": 55, "未评价": 15}

# Towns: the weight is the share of petitioners living there.
TOWNS = {
    "城关镇": (34, ["东关村", "西关村", "南街社区", "北街社区", "新华社区"]),
    "河口镇": (24, ["河口村", "渡口村", "沙湾村", "杨庄村"]),
    "青山镇": (21, ["青山村", "石门村", "松林村", "马家沟村"]),
    "柳林乡": (19, ["柳林村", "前营村", "后营村", "榆树湾村"]),
    "白石乡": (1.5, ["白石村", "上坪村", "下坪村"]),
}
TOWN_WEIGHTS = {name: weight for name, (weight, _) in TOWNS.items()}
DEPARTMENTS = [
    "县人社局",
    "县住建局",
    "县自然资源局",
    "县市场监管局",
    "县教育局",
    "县卫健委",
    "县生态环境局",
]
UNITS = list(TOWNS) + DEPARTMENTS
UNIT_PROFILES = {
    "城关镇": "average",
    "河口镇": "fast",
    "青山镇": "slow",
    "柳林乡": "average",
    "白石乡": "average",
    "县人社局": "slow",
    "县住建局": "slow",
    "县自然资源局": "average",
    "县市场监管局": "fast",
    "县教育局": "fast",
    "县卫健委": "average",
    "县生态环境局": "average",
}
LEADERS = {
    "城关镇": ["李明（副镇长）", "周红（镇党委副书记）"],
    "河口镇": ["张卫东（副镇长）"],
    "青山镇": ["陈立新（副镇长）", "王芳（镇人大主席）"],
    "柳林乡": ["刘海涛（副乡长）"],
    "白石乡": ["赵永平（副乡长）"],
    "县人社局": ["孙建华（副局长）"],
    "县住建局": ["吴志刚（副局长）", "郑丽（党组成员）"],
    "县自然资源局": ["何鹏（副局长）"],
    "县市场监管局": ["马晓燕（副局长）"],
    "县教育局": ["杨帆（副局长）"],
    "县卫健委": ["高俊（副主任）"],
    "县生态环境局": ["黄磊（副局长）"],
}
HOME_TOWN = "乡镇"  # in CATEGORIES, stands for the petitioner's own town

# Category: (weight, responsible units with weights, summaries by kind).
# Summaries may use {village}, {town}, {company}, {school}, {hospital}, {months}, {amount}, {year}.
CATEGORIES = {
    "城乡建设/征地拆迁": (
        14,
        {HOME_TOWN: 60, "县自然资源局": 20, "县住建局": 20},
        {
            "申诉求决类": [
                "反映{village}征地补偿款未足额发放",
                "反映{village}拆迁安置房逾期{months}个月未交付",
                "要求提高{village}青苗补偿标准",
                "反映拆迁过渡费已停发{months}个月",
            ],
            "检举控告类": ["举报{village}村干部截留征地补偿款"],
            "建议意见类": ["建议公开{village}征地补偿分配方案"],
        },
    ),
    "城乡建设/物业管理": (
        10,
        {"县住建局": 70, HOME_TOWN: 30},
        {
            "申诉求决类": [
                "反映所住小区物业公司乱收停车费",
                "反映所住小区电梯长期故障无人维修",
                "反映小区供暖温度不达标，物业推诿",
                "要求退还多收的物业费",
            ],
            "建议意见类": ["建议规范老旧小区物业服务", "建议在小区增设电动车充电桩"],
        },
    ),
    "城乡建设/住房保障": (
        5,
        {"县住建局": 100},
        {
            "申诉求决类": [
                "反映申请公租房多次未获答复",
                "反映棚户区改造安置房办证难",
                "对保障性住房分配结果有异议",
            ],
            "检举控告类": ["举报有人违规占用保障性住房"],
        },
    ),
    "劳动社保/工资拖欠": (
        14,
        {"县人社局": 80, HOME_TOWN: 20},
        {
            "申诉求决类": [
                "反映{company}拖欠{months}个月工资共{amount}",
                "反映工程项目拖欠农民工工资{amount}",
                "反映劳务公司克扣工资",
            ],
            "检举控告类": ["举报{company}恶意欠薪后转移财产"],
        },
    ),
    "劳动社保/社会保险": (
        8,
        {"县人社局": 100},
        {
            "申诉求决类": [
                "反映原单位未为其缴纳养老保险",
                "反映工伤认定久拖不决",
                "反映失业保险金申领受阻",
                "要求补缴{year}年以前的养老保险",
            ],
            "建议意见类": ["建议简化城乡居民医保转移接续手续"],
        },
    ),
    "农村农业/土地承包": (
        10,
        {HOME_TOWN: 100},
        {
            "申诉求决类": [
                "反映{village}承包地被他人侵占",
                "反映土地流转租金{months}个月未兑付",
                "反映{village}调整承包地时未分到土地",
            ],
            "检举控告类": ["举报{village}村委会违规发包集体土地"],
        },
    ),
    "农村农业/惠农补贴": (
        5,
        {HOME_TOWN: 100},
        {
            "申诉求决类": ["反映耕地地力保护补贴未发放", "反映农村危房改造补助未到位"],
            "检举控告类": ["举报{village}村干部冒领惠农补贴"],
            "建议意见类": ["建议公开{village}惠农补贴发放名单"],
        },
    ),
    "教育文体/学校管理": (
        7,
        {"县教育局": 100},
        {
            "申诉求决类": [
                "反映{school}违规收取资料费",
                "反映孩子就近入学被拒",
                "反映{school}校车存在安全隐患",
            ],
            "检举控告类": ["举报{school}教师有偿补课"],
            "建议意见类": ["建议在{village}附近增设幼儿园", "建议延长{school}课后服务时间"],
        },
    ),
    "卫生健康/医疗纠纷": (
        6,
        {"县卫健委": 100},
        {
            "申诉求决类": [
                "反映在{hospital}就医时发生医疗损害，要求赔偿",
                "反映{hospital}收费不透明",
                "对{hospital}医疗纠纷调解结果不满",
            ],
            "检举控告类": ["举报{hospital}医生收受红包"],
            "建议意见类": ["建议{hospital}增设夜间门诊"],
        },
    ),
    "市场监管/消费维权": (
        8,
        {"县市场监管局": 100},
        {
            "申诉求决类": [
                "反映健身房预付卡无法退费",
                "反映所购电动车质量问题商家拒绝退换",
                "反映装修公司收取定金后拒不履约",
            ],
            "检举控告类": ["举报{town}某超市销售过期食品", "举报{town}某加油站计量不准"],
            "建议意见类": ["建议加强校园周边食品摊点监管"],
        },
    ),
    "自然资源/违法占地": (
        6,
        {"县自然资源局": 60, HOME_TOWN: 40},
        {
            "申诉求决类": ["反映邻居建房占用其宅基地", "反映宅基地确权登记面积有误"],
            "检举控告类": ["举报{village}有人违法占用耕地建房", "举报{village}河道非法采砂"],
        },
    ),
    "纪检监察/干部作风": (
        5,
        {HOME_TOWN: 100},
        {
            "申诉求决类": ["反映到{town}便民服务中心办事多次被推诿"],
            "检举控告类": [
                "举报{village}村干部优亲厚友评定低保",
                "举报{town}某站所工作人员办事吃拿卡要",
                "举报{village}村务财务长期不公开",
            ],
            "建议意见类": ["建议加强对村级财务的监督"],
        },
    ),
    "生态环境/污染防治": (
        0.8,
        {"县生态环境局": 85, HOME_TOWN: 15},
        {
            "申诉求决类": ["反映{village}附近养殖场臭味扰民", "反映夜间施工噪音扰民"],
            "检举控告类": ["举报{company}偷排污水"],
        },
    ),
}
COMPANIES = [
    "宏达建筑公司",
    "顺通物流公司",
    "鑫源食品厂",
    "恒基房地产开发公司",
    "兴旺砖厂",
    "绿源养殖场",
]
SCHOOLS = ["城关镇第一小学", "河口镇中心小学", "县第二中学", "青山镇中学", "柳林乡中心小学"]
HOSPITALS = ["县人民医院", "县中医院", "{town}卫生院"]

NOT_ACCEPTED_REASONS = [
    "依法分流至人民法院",
    "依法分流至行政复议机关",
    "不属于信访事项",
    "信访事项已经终结",
]
LABOUR_NOT_ACCEPTED_REASON = "属于劳动仲裁受理范围"
EXTENSION_DAYS = [7, 10, 15, 15, 20, 30, 30]  # 1..MAX_EXTENSION_DAYS
EXTENSION_REASONS = [
    "涉及多个部门，需联合调查",
    "需委托第三方鉴定",
    "信访人补充新材料，需重新核实",
    "涉及历史遗留问题，情况复杂",
]
INVESTIGATION_NOTES = [
    "实地走访核查",
    "调取相关合同及票据",
    "召集村（居）委会了解情况",
    "听取信访人陈述",
]
MEETING_NOTES = ["约谈相关责任人", "组织双方当面协商"]
HEARING_NOTE = "召开听证会，邀请人大代表参加"
NOTES = [
    "内部备注：已电话回访，信访人对答复意见无异议。",
    "内部备注：涉及多个部门职责，已由{unit}牵头召开协调会。",
    "内部备注：\n\n- 已调取相关合同及付款凭证\n- 待{unit}补充书面调查报告",
    "内部备注：信访人希望通过短信接收办理进展。",
    "内部备注：同类问题本月已有多件，建议{unit}集中研究。",
    "内部备注：\n\n1. 第一次协调未达成一致\n2. 第二次协调由包案领导主持",
]

SURNAMES = {
    "王": 9,
    "李": 9,
    "张": 8,
    "刘": 7,
    "陈": 6,
    "杨": 5,
    "赵": 4,
    "黄": 3,
    "周": 3,
    "吴": 3,
    "徐": 2,
    "孙": 2,
    "胡": 2,
    "朱": 2,
    "高": 2,
    "林": 1,
    "何": 1,
    "郭": 1,
    "马": 1,
    "罗": 1,
}
GIVEN_NAMES = [
    "建国",
    "秀英",
    "桂兰",
    "志强",
    "丽",
    "伟",
    "敏",
    "军",
    "海燕",
    "玉兰",
    "春生",
    "德明",
    "红梅",
    "国庆",
    "建华",
    "小红",
    "永刚",
    "淑珍",
    "文斌",
    "晓东",
    "金凤",
    "长林",
    "翠花",
    "保国",
    "凤英",
    "明",
    "磊",
    "静",
    "家兴",
    "素芬",
]
PHONE_PREFIXES = [
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "153",
    "158",
    "159",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "199",
]
PHONE_RATE = 0.85
ID_NUMBER_RATE = 0.70
REGION_CODE = "990123"  # not a real region: no province has code 99
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_DIGITS = "10X98765432"

CASE_KEYS = [
    "id",
    "received",
    "channel",
    "source",
    "people",
    "skip_level",
    "repeat_of",
    "kind",
    "category",
    "summary",
    "petitioner",
    "unit",
    "leader",
    "accepted",
    "not_accepted",
    "extension",
    "progress",
    "closed",
    "outcome",
    "satisfaction",
    "review",
    "recheck",
    "supervision",
    "notes",
]
QUOTED_KEYS = {"phone", "id_number"}
CASE_FILE_PATTERN = "*/XF????-????.yaml"

# ---------------------------------------------------------------- office work (DOMAIN.md "Office work")
# Officials only: no name below is built from SURNAMES, so none is also a petitioner's name.
ACTIVITY_KINDS = ["接访", "下访", "约访"]
LEADER_LEVELS = ["县级领导", "乡镇领导", "部门领导"]
SUPERVISION_KINDS = ["督办", "挂牌督办"]
COUNTY_LEADERS = {  # leader: weight (the county's heads receive most often)
    "钟立群（县委书记）": 3,
    "邓文杰（县长）": 4,
    "谢振宇（常务副县长）": 2,
    "韩雪梅（副县长）": 2,
    "唐国栋（县委副书记）": 1,
}
# The county's protocol order (排名顺序): the summary names them so, not by how many they met.
PROTOCOL_LEADERS = [
    "钟立群（县委书记）",
    "邓文杰（县长）",
    "唐国栋（县委副书记）",
    "谢振宇（常务副县长）",
    "韩雪梅（副县长）",
]
TOWN_LEADERS = {
    "城关镇": "冯建军（城关镇镇长）",
    "河口镇": "曹志远（河口镇党委书记）",
    "青山镇": "彭海（青山镇镇长）",
    "柳林乡": "蒋文（柳林乡乡长）",
    "白石乡": "沈浩（白石乡乡长）",
}
DEPARTMENT_LEADERS = {
    "县人社局": "袁红（县人社局局长）",
    "县住建局": "潘伟民（县住建局局长）",
    "县自然资源局": "董晓（县自然资源局局长）",
}
ACTIVITIES_PER_YEAR = {2024: 36, 2025: 36, 2026: 30}  # 2026 runs to CUTOFF only
# Of each year's activities: (kind, level, weight).
ACTIVITY_MIX = [
    ("接访", "县级领导", 30),
    ("下访", "县级领导", 15),
    ("约访", "县级领导", 10),
    ("接访", "乡镇领导", 15),
    ("下访", "乡镇领导", 10),
    ("接访", "部门领导", 10),
    ("约访", "部门领导", 10),
]
RECEPTION_CENTRE = "县群众来访接待中心"
RECEPTION_TOPICS = ["征地补偿", "工资拖欠", "物业管理", "土地承包", "社会保险", "学校管理"]
VISIT_TOPICS = ["征地拆迁安置", "农民工工资支付", "惠农补贴发放", "农村土地承包", "养殖场污染"]
ACTIVITY_NOTES = [
    "内部备注：部分来访群众情绪激动，已安排专人跟进。",
    "内部备注：接访中发现的共性问题已转县政府办研究。",
    "内部备注：约访前已调阅全部办理材料。",
]
ACTIVITY_NOTES_RATE = 0.2
SUPERVISION_RATE = {"long": 0.8, "collective": 0.4, "assigned": 0.08}  # of accepted cases
SUPERVISORS = {"市信访局": 6, "市委督查室": 2, "省信访局": 1}
ACTIVITY_KEYS = ["id", "date", "kind", "leader", "level", "batches", "people", "cases", "place",
                 "summary", "notes"]  # fmt: skip
ACTIVITY_FILE_PATTERN = "*/HD????-????.yaml"


# ---------------------------------------------------------------- the offices


@dataclass(frozen=True)
class Office:
    """One fictional office the generator writes: what differs from one office to another.
    Units, towns, vocabularies and the rates above are the same in every office."""

    name: str
    seed: int  # the cases' random stream; office work draws on seed + 11
    cases_per_year: dict[int, int]  # the last year runs to CUTOFF only
    activities_per_year: dict[int, int]
    county_leaders: dict[str, int]  # leader: weight
    protocol_leaders: list[str]  # the county leaders in protocol order
    town_leaders: dict[str, str]  # town: its leader (keys: the TOWNS)
    department_leaders: dict[str, str]  # department: its leader (keys as DEPARTMENT_LEADERS)
    calendar: str = "natural"  # deadlines.calendar: natural or workdays


# The example county at the repository root.
EXAMPLE = Office(
    OFFICE,
    SEED,
    CASES_PER_YEAR,
    ACTIVITIES_PER_YEAR,
    COUNTY_LEADERS,
    PROTOCOL_LEADERS,
    TOWN_LEADERS,
    DEPARTMENT_LEADERS,
)

# The city example (examples/city): a roll-up of the example county, read from its export,
# and two smaller counties written here, each with its own seed and officials. 清水县 counts
# its deadlines in working days (calendar: workdays), the others in calendar days.
CITY = ROOT / "examples" / "city"
CITY_OFFICE = "平安市信访局"
CITY_SITES = "http://intranet.example.invalid"
CITY_BACKLOG_TARGET = 0.6
CITY_OFFICES = {
    "hekou": Office(
        "河口县信访局",
        20260211,
        {2025: 138, 2026: 117},
        {2025: 16, 2026: 14},
        {
            "方志诚（县委书记）": 3,
            "石永年（县长）": 4,
            "姚立峰（副县长）": 2,
            "谭慧（县委副书记）": 1,
        },
        ["方志诚（县委书记）", "石永年（县长）", "谭慧（县委副书记）", "姚立峰（副县长）"],
        {
            "城关镇": "廖振东（城关镇镇长）",
            "河口镇": "邹平（河口镇党委书记）",
            "青山镇": "熊立（青山镇镇长）",
            "柳林乡": "金一鸣（柳林乡乡长）",
            "白石乡": "陆川（白石乡乡长）",
        },
        {
            "县人社局": "郝雯（县人社局局长）",
            "县住建局": "孔祥瑞（县住建局局长）",
            "县自然资源局": "白桦（县自然资源局局长）",
        },
    ),
    "qingshui": Office(
        "清水县信访局",
        20260319,
        {2025: 127, 2026: 109},
        {2025: 14, 2026: 12},
        {
            "崔正阳（县委书记）": 3,
            "康宁（县长）": 4,
            "毛远航（常务副县长）": 2,
            "邱岚（副县长）": 2,
        },
        ["崔正阳（县委书记）", "康宁（县长）", "毛远航（常务副县长）", "邱岚（副县长）"],
        {
            "城关镇": "秦朗（城关镇镇长）",
            "河口镇": "江涛（河口镇镇长）",
            "青山镇": "史可（青山镇党委书记）",
            "柳林乡": "顾晨（柳林乡乡长）",
            "白石乡": "侯亮（白石乡乡长）",
        },
        {
            "县人社局": "邵琳（县人社局局长）",
            "县住建局": "孟凡（县住建局局长）",
            "县自然资源局": "龙飞（县自然资源局局长）",
        },
        calendar="workdays",
    ),
}


# ---------------------------------------------------------------- helpers


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def date_between(rng: random.Random, first: date, last: date) -> date:
    return days_after(first, rng.randint(0, (last - first).days))


def received_dates(rng: random.Random, year: int, count: int) -> list[date]:
    first, last = date(year, 1, 1), min(date(year, 12, 31), CUTOFF)
    days = [days_after(first, n) for n in range((last - first).days + 1)]
    weights = [WEEKEND_WEIGHT if day.weekday() >= 5 else 1 for day in days]
    return sorted(rng.choices(days, weights=weights, k=count))


# ---------------------------------------------------------------- petitioner and matter


def make_phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def make_id_number(rng: random.Random) -> str:
    birth = date_between(rng, date(1950, 1, 1), date(2002, 12, 31))
    body = REGION_CODE + birth.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
    checksum = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK_DIGITS[checksum % 11]


def make_address(rng: random.Random, town: str, village: str) -> str:
    if village.endswith("社区"):
        return f"{town}{village}{rng.randint(1, 24)}号楼"
    return f"{town}{village}{rng.randint(1, 9)}组"


def make_petitioner(rng: random.Random, town: str, village: str) -> dict:
    petitioner = {"name": pick(rng, SURNAMES) + rng.choice(GIVEN_NAMES)}
    if rng.random() < PHONE_RATE:
        petitioner["phone"] = make_phone(rng)
    if rng.random() < ID_NUMBER_RATE:
        petitioner["id_number"] = make_id_number(rng)
    petitioner["address"] = make_address(rng, town, village)
    return petitioner


def pick_category(rng: random.Random, kind: str) -> str:
    weights = {name: spec[0] for name, spec in CATEGORIES.items() if kind in spec[2]}
    return pick(rng, weights)


def make_summary(
    rng: random.Random, category: str, kind: str, town: str, village: str, received: date
) -> str:
    template = rng.choice(CATEGORIES[category][2][kind])
    return template.format(
        village=village,
        town=town,
        company=rng.choice(COMPANIES),
        school=rng.choice(SCHOOLS),
        hospital=rng.choice(HOSPITALS).format(town=town),
        months=rng.randint(2, 14),
        amount=f"{rng.randint(8, 160) / 10:g}万元",
        year=received.year - rng.randint(3, 12),
    )


def pick_unit(rng: random.Random, category: str, town: str) -> str:
    unit = pick(rng, CATEGORIES[category][1])
    return town if unit == HOME_TOWN else unit


def pick_people(rng: random.Random, channel: str) -> int:
    if channel == "来访":
        if rng.random() < COLLECTIVE_VISIT_RATE:
            return rng.randint(COLLECTIVE_THRESHOLD, 30)
        return rng.choice([1, 1, 1, 1, 2, 2, 3, 4])
    if channel == "来信" and rng.random() < JOINT_LETTER_RATE:
        return rng.randint(2, 8)
    return 1


def pick_original(rng: random.Random, received: date, earlier: list[dict]) -> dict | None:
    """An earlier accepted case this petition repeats, or None for a first petition."""
    if rng.random() >= REPEAT_RATE:
        return None
    candidates = [
        case
        for case in earlier
        if "accepted" in case and 0 < (received - case["received"]).days <= REPEAT_WINDOW_DAYS
    ]
    if not candidates:
        return None
    weights = [3 if case.get("satisfaction") == "不满意" else 1 for case in candidates]
    return rng.choices(candidates, weights=weights)[0]


def repeat_summary(summary: str) -> str:
    if summary.startswith(("再次", "重复信访：")):
        return summary  # the earlier case was itself a repeat
    return f"再次{summary}" if summary.startswith("反映") else f"重复信访：{summary}"


# ---------------------------------------------------------------- handling


def decision_delay(rng: random.Random, profile: Profile, late_factor: float) -> int:
    if rng.random() < profile.late_acceptance_rate * late_factor:
        return rng.randint(ACCEPT_DAYS + 1, 25)
    return rng.randint(0, 12)


def not_accepted_reason(rng: random.Random, category: str) -> str:
    if category.startswith("劳动社保/") and rng.random() < 0.6:
        return LABOUR_NOT_ACCEPTED_REASON
    return rng.choice(NOT_ACCEPTED_REASONS)


def make_extension(rng: random.Random, accepted: date) -> dict:
    return {
        "days": rng.choice(EXTENSION_DAYS),
        "approved": days_after(accepted, rng.randint(35, HANDLE_DAYS)),
        "reason": rng.choice(EXTENSION_REASONS),
    }


def planned_closing(
    rng: random.Random,
    accepted: date,
    deadline: date,
    extension: dict | None,
    profile: Profile,
    late_factor: float,
    long_running: bool,
) -> date:
    """The day the case will be closed, which may lie after CUTOFF (then it is still open)."""
    if long_running:
        return days_after(accepted, rng.randint(*LONG_RUNNING_DAYS))
    if rng.random() < profile.late_closure_rate * late_factor:
        return days_after(deadline, rng.randint(1, 90))
    if extension:
        return date_between(rng, extension["approved"], deadline)
    return days_after(
        accepted, round(rng.triangular(profile.min_days, HANDLE_DAYS, profile.usual_days))
    )


def make_progress(rng: random.Random, unit: str, accepted: date, closed: date | None) -> list[dict]:
    """Steps from assignment to the written reply, dates non-decreasing and never after CUTOFF."""
    last = closed or CUTOFF
    assigned = min(days_after(accepted, rng.randint(0, 2)), last)
    middle = [("调查", rng.choice(INVESTIGATION_NOTES))]
    if rng.random() < 0.3:
        middle.append(("约谈", rng.choice(MEETING_NOTES)))
    if rng.random() < 0.05:
        middle.append(("听证", HEARING_NOTE))
    dates = sorted(date_between(rng, assigned, last) for _ in middle)
    steps = [{"date": assigned, "action": "交办", "note": f"交{unit}办理"}]
    steps += [
        {"date": day, "action": action, "note": note}
        for day, (action, note) in zip(dates, middle, strict=True)
    ]
    if closed:
        steps.append({"date": closed, "action": "答复", "note": "出具书面答复意见"})
    return steps


def wants_review(rng: random.Random, case: dict) -> bool:
    if case["satisfaction"] == "不满意":
        return rng.random() < REVIEW_RATE_DISSATISFIED
    return case["outcome"] == "不予支持" and rng.random() < REVIEW_RATE_REJECTED


def make_appeal(rng: random.Random, after: date) -> dict | None:
    """A review or re-review asked for after `after`: None if not asked by CUTOFF, pending if not decided."""
    requested = days_after(after, rng.randint(3, 28))
    if requested > CUTOFF:
        return None
    appeal: dict[str, Any] = {"requested": requested}
    decided = days_after(requested, rng.randint(15, 30))
    if decided <= CUTOFF:
        appeal["decided"] = decided
        appeal["result"] = pick(rng, REVIEW_RESULTS)
    return appeal


def add_reviews(rng: random.Random, case: dict) -> None:
    if not wants_review(rng, case):
        return
    review = make_appeal(rng, case["closed"])
    if review is None:
        return
    case["review"] = review
    if review.get("result") == "维持" and rng.random() < RECHECK_RATE:
        recheck = make_appeal(rng, review["decided"])
        if recheck is not None:
            case["recheck"] = recheck


def add_closing(rng: random.Random, case: dict, closed: date, profile: Profile) -> None:
    case["closed"] = closed
    case["outcome"] = pick(rng, OUTCOMES)
    weights = REJECTED_SATISFACTION if case["outcome"] == "不予支持" else profile.satisfaction
    case["satisfaction"] = pick(rng, weights)
    add_reviews(rng, case)


def add_handling(
    rng: random.Random, case: dict, unit: str, late_factor: float, long_running: bool
) -> None:
    """Acceptance decision, extension, progress, closing and reviews, as far as they happen by CUTOFF."""
    profile = PROFILES[UNIT_PROFILES[unit]]
    decided = days_after(case["received"], decision_delay(rng, profile, late_factor))
    if decided > CUTOFF:
        return  # still undecided
    if rng.random() < NOT_ACCEPTED_RATE:
        case["not_accepted"] = {
            "date": decided,
            "reason": not_accepted_reason(rng, case["category"]),
        }
        return

    case["unit"] = unit
    if long_running or case["people"] >= COLLECTIVE_THRESHOLD or rng.random() < LEADER_RATE:
        case["leader"] = rng.choice(LEADERS[unit])
    case["accepted"] = decided

    deadline = days_after(decided, HANDLE_DAYS)
    extension = None
    if long_running or rng.random() < profile.extension_rate:
        extension = make_extension(rng, decided)
        deadline = days_after(deadline, extension["days"])
    planned = planned_closing(rng, decided, deadline, extension, profile, late_factor, long_running)
    closed = planned if planned <= CUTOFF else None
    # A closed case has its extension approved before closing, so only open cases can lose theirs here.
    if extension and extension["approved"] <= CUTOFF:
        case["extension"] = extension
    if rng.random() < PROGRESS_RATE:
        case["progress"] = make_progress(rng, unit, decided, closed)
    if closed:
        add_closing(rng, case, closed, profile)


# ---------------------------------------------------------------- cases


def make_case(rng: random.Random, case_id: str, received: date, earlier: list[dict]) -> dict:
    original = pick_original(rng, received, earlier)
    channel = pick(rng, CHANNELS)
    source = pick(rng, SOURCES)
    case: dict[str, Any] = {
        "id": case_id,
        "received": received,
        "channel": channel,
        "source": source,
        "people": pick_people(rng, channel),
    }
    if source != "本级受理" and rng.random() < SKIP_LEVEL_RATE:
        case["skip_level"] = True
    if original:
        case["repeat_of"] = original["id"]
        case["kind"] = original["kind"]
        case["category"] = original["category"]
        case["summary"] = repeat_summary(original["summary"])
        case["petitioner"] = dict(original["petitioner"])
        unit = original["unit"]
    else:
        town = pick(rng, TOWN_WEIGHTS)
        village = rng.choice(TOWNS[town][1])
        case["kind"] = pick(rng, KINDS)
        case["category"] = pick_category(rng, case["kind"])
        case["summary"] = make_summary(rng, case["category"], case["kind"], town, village, received)
        case["petitioner"] = make_petitioner(rng, town, village)
        unit = pick_unit(rng, case["category"], town)
    long_running = rng.random() < LONG_RUNNING_RATE
    add_handling(rng, case, unit, LATE_FACTOR[received.year], long_running)
    if "accepted" in case and rng.random() < NOTES_RATE:
        case["notes"] = rng.choice(NOTES).format(unit=unit) + "\n"
    return case


def generate_cases(rng: random.Random, office: Office) -> list[dict]:
    cases: list[dict] = []
    for year, count in office.cases_per_year.items():
        for number, received in enumerate(received_dates(rng, year, count), start=1):
            cases.append(make_case(rng, f"XF{year}-{number:04d}", received, cases))
    return cases


# ---------------------------------------------------------------- office work


def add_supervision(rng: random.Random, cases: list[dict]) -> None:
    """督办 by a higher office on a few dozen accepted cases: long-running ones (挂牌督办 mostly),
    collective visits and some assigned by a higher office; dates after receipt, by CUTOFF."""
    for case in cases:
        if "accepted" not in case:
            continue
        long_running = "closed" not in case and (CUTOFF - case["accepted"]).days > 200
        if long_running:
            rate, reason = SUPERVISION_RATE["long"], "long"
        elif case["channel"] == "来访" and case["people"] >= COLLECTIVE_THRESHOLD:
            rate, reason = SUPERVISION_RATE["collective"], "collective"
        elif case["source"] == "上级交办":
            rate, reason = SUPERVISION_RATE["assigned"], "assigned"
        else:
            continue
        if rng.random() >= rate:
            continue
        last = min(case.get("closed", CUTOFF), CUTOFF)
        first = days_after(case["received"], 5)
        if first > last:
            continue
        entries = [date_between(rng, first, last)]
        if reason == "long" and rng.random() < 0.6:
            entries.append(date_between(rng, entries[0], last))
        case["supervision"] = [
            {
                "date": day,
                "by": pick(rng, SUPERVISORS),
                "kind": "挂牌督办"
                if reason == "long" and (i > 0 or rng.random() < 0.5)
                else "督办",
            }
            for i, day in enumerate(entries)
        ]


def activity_dates(rng: random.Random, year: int, count: int) -> list[date]:
    first, last = date(year, 1, 1), min(date(year, 12, 31), CUTOFF)
    days = [days_after(first, n) for n in range((last - first).days + 1)]
    workdays = [day for day in days if day.weekday() < 5]
    return sorted(rng.sample(workdays, count))


def make_activity(
    rng: random.Random, activity_id: str, day: date, cases: list[dict], office: Office
) -> dict[str, Any]:
    kind, level = rng.choices(
        [(k, lv) for k, lv, _ in ACTIVITY_MIX], weights=[w for _, _, w in ACTIVITY_MIX]
    )[0]
    if level == "县级领导":
        leader = pick(rng, office.county_leaders)
        unit = rng.choice(list(TOWNS))
    elif level == "乡镇领导":
        unit = pick(rng, TOWN_WEIGHTS)
        leader = office.town_leaders[unit]
    else:
        unit = rng.choice(list(office.department_leaders))
        leader = office.department_leaders[unit]
    activity: dict[str, Any] = {"id": activity_id, "date": day, "kind": kind, "leader": leader,
                                "level": level}  # fmt: skip
    if kind == "接访":
        batches = rng.randint(1, 6)
        people = batches + rng.randint(0, batches * 3)
        place = RECEPTION_CENTRE if level == "县级领导" else f"{unit}信访接待室"
        summary = f"集中接待{rng.choice(RECEPTION_TOPICS)}等问题来访群众"
    elif kind == "下访":
        batches = rng.randint(0, 4)
        people = batches + rng.randint(0, batches * 2)
        place = unit
        summary = f"到{unit}下访，听取群众对{rng.choice(VISIT_TOPICS)}问题的意见"
    else:
        batches = 1
        people = rng.randint(1, 3)
        place = f"{unit}会议室" if unit in office.department_leaders else "县信访局会议室"
        summary = "约见信访人，当面答复办理意见"
    activity |= {"batches": batches, "people": people}
    if kind == "约访":
        # A case of the leader's reach, already registered and accepted by that day.
        pool = [
            case["id"]
            for case in cases
            if "accepted" in case
            and case["accepted"] <= day
            and (level == "县级领导" or case.get("unit") == unit)
            and 0 <= (day - case["received"]).days <= 365
        ]
        if pool:
            activity["cases"] = sorted(rng.sample(pool, min(len(pool), rng.choice([1, 1, 2]))))
    activity["place"] = place
    activity["summary"] = summary
    if rng.random() < ACTIVITY_NOTES_RATE:
        activity["notes"] = rng.choice(ACTIVITY_NOTES) + "\n"
    return activity


def generate_activities(rng: random.Random, cases: list[dict], office: Office) -> list[dict]:
    activities = []
    for year, count in office.activities_per_year.items():
        for number, day in enumerate(activity_dates(rng, year, count), start=1):
            activities.append(make_activity(rng, f"HD{year}-{number:04d}", day, cases, office))
    return activities


# ---------------------------------------------------------------- writing


def scalar(key: str, value: Any) -> str:
    """One YAML scalar: plain where YAML reads it back unchanged, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, date)):
        return str(value)
    if key not in QUOTED_KEYS:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def yaml_lines(mapping: dict, indent: int = 0) -> list[str]:
    """Block-style YAML for the nested dicts, lists of dicts and scalars of a case."""
    pad = " " * indent
    lines = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += yaml_lines(value, indent + 2)
        elif isinstance(value, list) and not any(isinstance(item, dict) for item in value):
            lines.append(f"{pad}{key}: [" + ", ".join(scalar(key, v) for v in value) + "]")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for item in value:
                item_lines = yaml_lines(item, indent + 4)
                item_lines[0] = f"{pad}  - {item_lines[0].lstrip()}"
                lines += item_lines
        elif isinstance(value, str) and "\n" in value:
            lines.append(f"{pad}{key}: |")
            lines += [f"{pad}  {line}" if line else "" for line in value.rstrip("\n").split("\n")]
        else:
            lines.append(f"{pad}{key}: {scalar(key, value)}")
    return lines


def case_text(case: dict) -> str:
    ordered = {key: case[key] for key in CASE_KEYS if key in case}
    return "\n".join(yaml_lines(ordered)) + "\n"


def activity_text(activity: dict) -> str:
    ordered = {key: activity[key] for key in ACTIVITY_KEYS if key in activity}
    return "\n".join(yaml_lines(ordered)) + "\n"


def flow_list(items: Mapping[str, Any] | list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def config_text(office: Office) -> str:
    return f"""\
# Example configuration: a fictional county office (generated by scripts/make_example.py).
office: {office.name}
channels: {flow_list(CHANNELS)}
sources: {flow_list(SOURCES)}
categories:
{chr(10).join(f"  - {name}" for name in CATEGORIES)}
units:
{chr(10).join(f"  - {name}" for name in UNITS)}
outcomes: {flow_list(OUTCOMES)}
collective_threshold: {COLLECTIVE_THRESHOLD}
deadlines: {{accept_days: {ACCEPT_DAYS}, handle_days: {HANDLE_DAYS}, max_extension_days: {MAX_EXTENSION_DAYS}, calendar: {office.calendar}}}
leaderboard:
  min_cases: {MIN_CASES}
  weights: {{on_time_closure: 0.4, satisfaction: 0.3, timely_acceptance: 0.2, closure: 0.1}}
# Office work (these are the defaults; the summary names the leaders of the first level).
activity_kinds: {flow_list(ACTIVITY_KINDS)}
leader_levels: {flow_list(LEADER_LEVELS)}
supervision_kinds: {flow_list(SUPERVISION_KINDS)}
# The county leaders in protocol order (排名顺序), as written on the records.
leaders: {flow_list(office.protocol_leaders)}
"""


def remove_old_cases(cases_dir: Path, pattern: str = CASE_FILE_PATTERN) -> None:
    if not cases_dir.is_dir():
        return
    for path in cases_dir.glob(pattern):
        path.unlink()
    for year_dir in cases_dir.glob("*"):
        if year_dir.is_dir() and not any(year_dir.iterdir()):
            year_dir.rmdir()


def write_activities(folder: Path, activities: list[dict]) -> None:
    for activity in activities:
        path = folder / str(activity["date"].year) / f"{activity['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(activity_text(activity), encoding="utf-8")


def write_cases(cases_dir: Path, cases: list[dict]) -> None:
    for case in cases:
        path = cases_dir / str(case["received"].year) / f"{case['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case_text(case), encoding="utf-8")


# ---------------------------------------------------------------- self-check


def case_problems(case: dict, path: Path, config: dict) -> list[str]:
    """The consistency rules of DOMAIN.md that one case file breaks."""
    problems = []
    unknown = set(case) - set(CASE_KEYS)
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    if case["id"] != path.stem:
        problems.append("id differs from the file name")
    for key, vocabulary in [
        ("channel", "channels"),
        ("source", "sources"),
        ("category", "categories"),
        ("unit", "units"),
        ("outcome", "outcomes"),
    ]:
        if key in case and case[key] not in config[vocabulary]:
            problems.append(f"{key} {case[key]} not in the configuration")
    if case["kind"] not in KINDS:
        problems.append("unknown kind")
    for key in ["phone", "id_number"]:
        if key in case["petitioner"] and not isinstance(case["petitioner"][key], str):
            problems.append(f"petitioner.{key} is not a string")

    received = case["received"]
    accepted = case.get("accepted")
    closed = case.get("closed")
    decided = accepted or case.get("not_accepted", {}).get("date")
    if accepted and "not_accepted" in case:
        problems.append("both accepted and not_accepted")
    if decided and decided < received:
        problems.append("decided before received")
    if accepted and "unit" not in case:
        problems.append("accepted without unit")
    if closed and not (accepted and "outcome" in case and accepted <= closed):
        problems.append("closed without acceptance or outcome, or before acceptance")
    if "satisfaction" in case and not closed:
        problems.append("satisfaction without closed")
    if "extension" in case:
        extension = case["extension"]
        if not accepted or not 1 <= extension["days"] <= MAX_EXTENSION_DAYS:
            problems.append("extension without acceptance or with bad days")
        elif not accepted <= extension["approved"] <= days_after(accepted, HANDLE_DAYS):
            problems.append("extension approved outside the original deadline")
        elif closed and extension["approved"] > closed:
            problems.append("extension approved after closing")
    steps = [step["date"] for step in case.get("progress", [])]
    if steps != sorted(steps) or (
        steps and (steps[0] < accepted or steps[-1] > (closed or CUTOFF))
    ):
        problems.append("progress dates out of order or outside handling")
    review, recheck = case.get("review"), case.get("recheck")
    if review and not (closed and review["requested"] >= closed):
        problems.append("review requested before closing")
    if review and review.get("decided", review["requested"]) < review["requested"]:
        problems.append("review decided before requested")
    if recheck and not (
        review and "decided" in review and recheck["requested"] >= review["decided"]
    ):
        problems.append("recheck without a decided review before it")
    entries = [entry["date"] for entry in case.get("supervision", [])]
    if entries != sorted(entries) or (entries and entries[0] < received):
        problems.append("supervision dates out of order or before receipt")
    if any(entry["kind"] not in SUPERVISION_KINDS for entry in case.get("supervision", [])):
        problems.append("unknown supervision kind")
    if any(day > CUTOFF for day in dates_in(case)):
        problems.append("date after the cutoff")
    return problems


def activity_problems(activity: dict, path: Path, cases: Mapping[str, dict]) -> list[str]:
    """The rules of DOMAIN.md "Office work" that one activity file breaks."""
    problems = []
    if set(activity) - set(ACTIVITY_KEYS):
        problems.append(f"unknown keys {sorted(set(activity) - set(ACTIVITY_KEYS))}")
    if activity["id"] != path.stem:
        problems.append("id differs from the file name")
    if activity["kind"] not in ACTIVITY_KINDS or activity["level"] not in LEADER_LEVELS:
        problems.append("kind or level not in the configuration")
    if not 0 <= activity["batches"] <= activity["people"]:
        problems.append("batches below 0 or above people")
    if activity["date"] > CUTOFF:
        problems.append("date after the cutoff")
    for case_id in activity.get("cases", []):
        if case_id not in cases or cases[case_id]["received"] > activity["date"]:
            problems.append(f"{case_id} is not a case received by the activity's date")
    return problems


def dates_in(value: Any) -> list[date]:
    if isinstance(value, date):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [day for item in value for day in dates_in(item)]
    return []


def check_output(root: Path) -> int:
    """Re-read what was written and assert every consistency rule; return the number of cases."""
    config = yaml.safe_load((root / "xfgen.yaml").read_text(encoding="utf-8"))
    problems = []
    cases = {}
    for path in sorted((root / "cases").glob(CASE_FILE_PATTERN)):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        problems += [f"{path.name}: {problem}" for problem in case_problems(case, path, config)]
        if case["id"] in cases:
            problems.append(f"{path.name}: duplicate id")
        cases[case["id"]] = case
    for case in cases.values():
        original = cases.get(case.get("repeat_of"))
        if "repeat_of" in case and not (original and original["received"] < case["received"]):
            problems.append(f"{case['id']}: repeat_of does not name an earlier case")
    activities = set()
    for path in sorted((root / "activities").glob(ACTIVITY_FILE_PATTERN)):
        activity = yaml.safe_load(path.read_text(encoding="utf-8"))
        problems += [f"{path.name}: {p}" for p in activity_problems(activity, path, cases)]
        if activity["id"] in activities:
            problems.append(f"{path.name}: duplicate id")
        activities.add(activity["id"])
    assert not problems, "\n".join(problems)
    return len(cases)


# ---------------------------------------------------------------- summary


def is_open_at(case: dict, day: date) -> bool:
    return "accepted" in case and "closed" not in case and case["accepted"] <= day


def deadline_of(case: dict) -> date:
    return days_after(case["accepted"], HANDLE_DAYS + case.get("extension", {}).get("days", 0))


def half_year(day: date) -> str:
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def print_summary(cases: list[dict], office: Office) -> None:
    print(
        f"{office.name}: wrote xfgen.yaml and {len(cases)} case files under cases/ (cutoff {CUTOFF})"
    )
    print("year  cases accepted not_acc undecided closed open")
    for year in office.cases_per_year:
        of_year = [case for case in cases if case["received"].year == year]
        accepted = sum("accepted" in case for case in of_year)
        not_accepted = sum("not_accepted" in case for case in of_year)
        closed = sum("closed" in case for case in of_year)
        print(
            f"{year}  {len(of_year):5} {accepted:8} {not_accepted:7} "
            f"{len(of_year) - accepted - not_accepted:9} {closed:6} {accepted - closed:4}"
        )
    open_cases = [case for case in cases if is_open_at(case, CUTOFF)]
    counts = {
        "collective visits": sum(
            c["channel"] == "来访" and c["people"] >= COLLECTIVE_THRESHOLD for c in cases
        ),
        "skip_level": sum(c.get("skip_level", False) for c in cases),
        "repeat": sum("repeat_of" in c for c in cases),
        "extension": sum("extension" in c for c in cases),
        "reviews (pending)": sum("review" in c and "decided" not in c["review"] for c in cases),
        "reviews (decided)": sum("decided" in c.get("review", {}) for c in cases),
        "rechecks": sum("recheck" in c for c in cases),
        "closed after deadline": sum("closed" in c and c["closed"] > deadline_of(c) for c in cases),
        "overdue open at cutoff": sum(deadline_of(c) < CUTOFF for c in open_cases),
        "backlog at cutoff": sum((CUTOFF - c["accepted"]).days > 365 for c in open_cases),
        "closed after 365 days": sum(
            "closed" in c and (c["closed"] - c["accepted"]).days > 365 for c in cases
        ),
    }
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    per_half = Counter((half_year(c["received"]), c["unit"]) for c in cases if "unit" in c)
    few = [f"{half} {unit} {n}" for (half, unit), n in sorted(per_half.items()) if n < MIN_CASES]
    print(f"units with fewer than {MIN_CASES} cases in a half year: " + ", ".join(few))


def print_office_work(cases: list[dict], activities: list[dict]) -> None:
    supervised = [case for case in cases if "supervision" in case]
    listed = sum(1 for case in supervised for e in case["supervision"] if e["kind"] == "挂牌督办")
    print(
        f"wrote {len(activities)} activity files under activities/; supervision on "
        f"{len(supervised)} cases ({listed} 挂牌督办 entries)"
    )
    per_year = Counter(
        (activity["date"].year, activity["kind"], activity["level"]) for activity in activities
    )
    print(", ".join(f"{y} {k} {lv}: {n}" for (y, k, lv), n in sorted(per_year.items())))


def city_config_text() -> str:
    """The roll-up's xfgen.yaml: the example county from its export, the two others in place."""
    members = "".join(
        f"""\
    # {office.name}：它的仓库（检出目录或 git 子模块），原地读取，按它自己的 xfgen.yaml 检查
    - path: offices/{folder}
      site: {CITY_SITES}/{folder}/
"""
        for folder, office in CITY_OFFICES.items()
    )
    return f"""\
# 示例：市信访局的汇总仓库（由 scripts/make_example.py --city 生成）。
# 汇总仓库没有自己的事项，全市的数字由下列各单位的数字汇总而来。
office: {CITY_OFFICE}  # 本级机关名称；总结开头据此写“全市”
rollup:
  offices:  # 参加汇总的单位，按此顺序列出；每项写 path 或 export 之一，site 可选
    # {OFFICE}：它的导出目录（推荐的方式），在该县仓库中运行
    # xfgen export --format parquet --out examples/city/exports/pingan 生成（make demo 会做）
    - export: exports/pingan
      site: {CITY_SITES}/pingan/  # 该单位自己的网站，汇总网站链接到这里
{members}\
leaderboard: {{min_cases: {MIN_CASES}}}  # 各单位排名：本期登记少于 {MIN_CASES} 件的单位不排名（样本不足）
backlog_target: {CITY_BACKLOG_TARGET}  # 期初积案到期末应化解的比例，总结据此写全市的序时进度
"""


def write_office(root: Path, office: Office) -> None:
    """Write one office's xfgen.yaml, cases/ and activities/ under root, check them and
    print a short summary."""
    rng = random.Random(office.seed)
    cases = generate_cases(rng, office)
    work = random.Random(office.seed + 11)  # its own stream: the cases above do not change
    add_supervision(work, cases)
    activities = generate_activities(work, cases, office)
    cases_dir = root / "cases"
    root.mkdir(parents=True, exist_ok=True)
    (root / "xfgen.yaml").write_text(config_text(office), encoding="utf-8")
    remove_old_cases(cases_dir)
    remove_old_cases(root / "activities", ACTIVITY_FILE_PATTERN)
    write_cases(cases_dir, cases)
    write_activities(root / "activities", activities)
    checked = check_output(root)
    assert checked == len(cases), "cases/ holds files this run did not write"
    print_summary(cases, office)
    print_office_work(cases, activities)


def write_city(city: Path) -> None:
    """The city example: its xfgen.yaml and the offices kept in it (offices/<folder>)."""
    for folder, office in CITY_OFFICES.items():
        write_office(city / "offices" / folder, office)
    (city / "xfgen.yaml").write_text(city_config_text(), encoding="utf-8")
    print(f"wrote {city / 'xfgen.yaml'}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the fictional example data set.")
    parser.add_argument(
        "--city",
        action="store_true",
        help="write the city example (examples/city) instead of the county at the root",
    )
    if parser.parse_args().city:
        write_city(CITY)
    else:
        write_office(ROOT, EXAMPLE)


if __name__ == "__main__":
    main()
