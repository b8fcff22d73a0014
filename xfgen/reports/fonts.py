"""The fonts of the 公文 (GB/T 9704-2012): which face prints each role.

The .docx names the 公文 fonts themselves (Word and WPS on an office PC have
them); the PDF embeds what this machine has, the 公文 font where it is installed
and otherwise the closest free face (DOMAIN.md, "Print and Word").
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

# fontconfig's weight for Bold and Black (CSS 700 and 900)
_FC_BOLD, _FC_BLACK = 200, 210


@dataclass(frozen=True)
class Role:
    key: str  # the name the stylesheet uses
    name: str  # what doctor calls it
    official: str  # the 公文 font, as the .docx names it (w:eastAsia)
    # fontconfig family names of the 公文 font and its usual Windows/macOS twins
    families: tuple[str, ...]
    # free fallbacks, best first: (family, CSS weight); "Black" is tried before Bold
    fallbacks: tuple[tuple[str, int], ...]


SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
ROLES = (
    Role("title", "标题", "方正小标宋简体",
         ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05"),
         ((SERIF, 900), (SERIF, 700), ("Source Han Serif SC", 700))),
    Role("body", "正文", "仿宋_GB2312",
         ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong"),
         ((SERIF, 400), ("Source Han Serif SC", 400))),
    Role("heading1", "一级标题", "黑体",
         ("黑体", "SimHei", "方正黑体简体", "FZHei-B01S"),
         ((SANS, 400), ("Source Han Sans SC", 400))),
    Role("heading2", "二级标题", "楷体_GB2312",
         ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti"),
         (("AR PL UKai CN", 400), ("LXGW WenKai", 400), ("LXGW WenKai GB", 400), (SERIF, 400))),
    Role("page_number", "页码", "宋体",
         ("宋体", "SimSun", "NSimSun"),
         ((SERIF, 400), ("Source Han Serif SC", 400))),
)  # fmt: skip


@dataclass(frozen=True)
class Face:
    family: str
    weight: int  # CSS font-weight
    official: bool  # the 公文 font itself, not a fallback

    @property
    def label(self) -> str:
        return self.family + {900: " Black", 700: " Bold"}.get(self.weight, "")


@dataclass(frozen=True)
class PrintFonts:
    """The face for each role, found once per build; pages carry it in their CSS."""

    faces: tuple[tuple[Role, Face], ...]

    def __getitem__(self, key: str) -> Face:
        return next(face for role, face in self.faces if role.key == key)

    def css(self) -> str:
        """The stylesheet lines that set each role's face (gongwen.css has the rest)."""
        rules = [
            ("body.gongwen", self["body"]),
            ("body.gongwen h1", self["title"]),
            ("body.gongwen h2", self["heading1"]),
            ("body.gongwen h3", self["heading2"]),
        ]
        lines = ["@media print {"]
        lines += [
            f'  {selector} {{ font-family: "{face.family}"; font-weight: {face.weight}; }}'
            for selector, face in rules
        ]
        # the margin boxes inherit from the root, not from body: each is set here
        boxes = {"bottom-center": self["page_number"]}
        boxes |= dict.fromkeys(("top-left", "top-right", "bottom-right"), self["body"])
        lines += ["}", "@page gongwen {"]
        lines += [f'  @{box} {{ font-family: "{face.family}"; }}' for box, face in boxes.items()]
        lines.append("}")
        return "\n".join(lines)


def choose_fonts(installed: dict[str, set[int]], any_cjk: str) -> PrintFonts:
    """Each role's face from ``installed`` (family → fontconfig weights): the 公文 font,
    else its first fallback present, else ``any_cjk`` (a CJK font known to exist)."""
    faces = []
    for role in ROLES:
        official = next((f for f in role.families if f in installed), None)
        if official is not None:
            faces.append((role, Face(official, 400, True)))
            continue
        face = Face(any_cjk, 700 if role.key == "title" else 400, False)
        for family, weight in role.fallbacks:
            weights = installed.get(family, set())
            wanted = {900: _FC_BLACK, 700: _FC_BOLD}.get(weight)
            if weights and (wanted is None or max(weights) >= wanted):
                face = Face(family, weight, False)
                break
        faces.append((role, face))
    return PrintFonts(tuple(faces))


def installed_fonts() -> dict[str, set[int]]:
    """Every Chinese font family fontconfig knows, with the weights it has."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family", "weight"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
    except OSError:
        listed = ""
    found: dict[str, set[int]] = {}
    for line in listed.splitlines():
        names, _, weight = line.partition(":weight=")
        # one weight, or a variable font's range "[0 210]"
        weights = {int(float(w)) for w in weight.strip("[] \n").split()} or {80}
        for name in names.split(","):
            if name.strip():
                found.setdefault(name.strip(), set()).update(weights)
    return found


def print_fonts(any_cjk: str) -> PrintFonts:
    """The faces this machine prints the 公文 with."""
    return choose_fonts(installed_fonts(), any_cjk)
