"""The strict YAML loader: what plain PyYAML would silently accept, refused."""

from __future__ import annotations

import pytest

from xfgen.records.loading import (
    LoadFailed,
    Mapping,
    Scalar,
    Sequence,
    decode,
    implicit_type,
    parse,
)


def fail(text: str) -> str:
    with pytest.raises(LoadFailed) as caught:
        parse(decode(text.encode("utf-8")))
    p = caught.value.problem
    return f"{p.pos.line}:{p.pos.column}:{p.message}"


def test_parses_nested_values_with_positions() -> None:
    root = parse("a: 1\nb:\n  - x\n  - 'y'\nc:\n  d: 2026-01-05\n")
    assert isinstance(root, Mapping)
    (ka, va), (kb, vb), (kc, vc) = root.items
    assert (ka.text, va) == ("a", Scalar("1", plain=True, pos=va.pos))
    assert (va.pos.line, va.pos.column) == (1, 4)
    assert isinstance(vb, Sequence) and [i.text for i in vb.items] == ["x", "y"]  # type: ignore[union-attr]
    assert [i.plain for i in vb.items] == [True, False]  # type: ignore[union-attr]
    assert isinstance(vc, Mapping) and vc.items[0][1].pos.line == 6


def test_duplicate_key_is_an_error_naming_both_lines() -> None:
    assert fail("id: A\nreceived: 2026-01-01\nid: B\n").startswith(
        "3:1:键 “id” 重复出现（第 1 行已有）"
    )


def test_anchors_and_aliases_are_refused() -> None:
    assert "锚点" in fail("a: &x [1, 2]\nb: *x\n")
    # the classic "billion laughs" expansion never gets built
    bomb = "a: &a ['x','x']\nb: &b [*a,*a]\nc: &c [*b,*b]\n"
    assert "锚点" in fail(bomb)


def test_explicit_tags_are_refused_except_str() -> None:
    assert "标签" in fail("a: !!python/object:os.system x\n")
    root = parse("a: !!str 0012\n")
    assert isinstance(root, Mapping)
    assert root.items[0][1] == Scalar("0012", plain=False, pos=root.items[0][1].pos)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("0012", "int"),
        ("12", "int"),
        ("no", "bool"),
        ("yes", "bool"),
        ("on", "bool"),
        ("1.5", "float"),
        ("2026-01-05", "date"),
        ("~", "null"),
        ("XF2026-0001", "str"),
        ("王某某", "str"),
    ],
)
def test_implicit_types_of_plain_scalars(text: str, kind: str) -> None:
    assert implicit_type(Scalar(text, plain=True, pos=None)) == kind  # type: ignore[arg-type]
    assert implicit_type(Scalar(text, plain=False, pos=None)) == "str"  # type: ignore[arg-type]


def test_utf8_bom_is_accepted() -> None:
    assert decode("\ufeffid: 甲".encode()) == "id: 甲"


def test_gbk_file_gets_a_clear_message() -> None:
    with pytest.raises(LoadFailed) as caught:
        decode("id: XF1\nsummary: 反映问题\n".encode("gbk"))
    message = caught.value.problem.message
    assert "GBK" in message and "UTF-8" in message and "另存为" in message
    assert caught.value.problem.pos.line == 2


def test_empty_file_and_second_document() -> None:
    assert "文件是空的" in fail("")
    assert "文件是空的" in fail("# only a comment\n")
    assert "第二个" in fail("a: 1\n---\nb: 2\n")


def test_tab_indentation_is_explained() -> None:
    assert fail("a:\n\tb: 1\n").startswith("2:1:") and "Tab" in fail("a:\n\tb: 1\n")


def test_syntax_errors_are_in_chinese_with_position() -> None:
    assert fail("summary: 问题: 原因\n").startswith("1:12:YAML 格式错误：这里不能出现冒号")
    assert fail('summary: "未闭合\nid: x\n').startswith("1:10:YAML 格式错误：文件意外结束")


# Values a one-line text or a date may be written as: the usual ones a check reads
# in a few calls, and every near miss that must still get the full reader's answer.
ODD_VALUES = [
    "反映拖欠工资",
    "'反映拖欠工资'",
    '"  前后有空格  "',
    "3月未发工资",
    "３月未发工资",
    "yes",
    "'yes'",
    "0012",
    "'0012'",
    "~x",
    ".5元",
    '"一行\\t有 Tab"',
    '"两行\\n文字"',
    '"控制字符\\x1b"',
    '"\\u202e反向"',
    "|\n  块文字\n",
    "|\n  两行\n  文字\n",
    '"   "',
    "x" * 500,
    "x" * 501,
    "2026-01-05",
    "'2026-01-05'",
    "2026-02-30",
    "2026-1-5",
    "20260105",
    "２０２６-01-05",
    "2026-01-05 ",
    "'2026-01-05\\n'",
    '"2026-01-05\\n"',
]


@pytest.mark.parametrize("written", ODD_VALUES)
@pytest.mark.parametrize("kind", ["text", "date"])
def test_the_quick_reading_of_usual_values_agrees_with_the_full_readers(
    written: str, kind: str
) -> None:
    """Reader.read_scalar takes usual texts and dates by a short path; every value,
    usual or not, gives exactly the value and the message of its kind's full reader."""
    from xfgen.records.schema import _SCALAR_READERS, Field, Reader

    node = parse(f"v: {written}\n")
    assert isinstance(node, Mapping)
    scalar = node.items[0][1]
    assert isinstance(scalar, Scalar)
    spec = Field("v", kind, "值")
    quick, full = Reader("x.yaml", {}, []), Reader("x.yaml", {}, [])
    assert quick.read_scalar(scalar, spec, "v") == _SCALAR_READERS[kind](full, scalar, spec, "v")
    assert quick.problems == full.problems
