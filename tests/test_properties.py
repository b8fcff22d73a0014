"""Property tests of the loader and validator: whatever a case file holds, `xfgen check`
ends with exit 0 or 1 and a message, never a traceback, an internal error or a hang."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from conftest import CONFIG, VALID_CASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xfgen.cli import main

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to YAML and to our checks: structure, quotes, tags, anchors,
# digits and dates, CJK, control characters, bidi overrides and line separators.
YAMLISH = st.lists(
    st.sampled_from(
        list("id: received channel people\n -#&*!|>'\"{}[],?%@`0123456789.e+")
        + ["XF2026-0001", "2026-02-30", "来访", "王某某", "\t", "\r", "\x00", "\x1b", "\x85"]
        + ["\u202e", "\u2028", "\ufeff", "~", "null", "yes", "1e999", "!!python/object:os.system"]
    ),
    max_size=80,
).map("".join)


def check(case: bytes) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
        (root / "cases" / "2026").mkdir(parents=True)
        (root / "cases" / "2026" / "XF2026-0001.yaml").write_bytes(case)
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(["-C", str(root), "--today", "2026-11-25", "check"])
            except SystemExit as done:
                code = int(done.code or 0)
        return code, out.getvalue() + err.getvalue()


def assert_handled(code: int, text: str) -> None:
    assert code in (0, 1), text
    assert text.strip(), "no message"
    assert "Traceback" not in text and "内部错误" not in text, text


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_get_a_verdict(case: bytes) -> None:
    assert_handled(*check(case))


@SETTINGS
@given(YAMLISH)
def test_any_yaml_like_text_gets_a_verdict(text: str) -> None:
    assert_handled(*check(text.encode("utf-8", "surrogatepass")))


@SETTINGS
@given(st.integers(min_value=0, max_value=len(VALID_CASE)), YAMLISH)
def test_a_valid_case_with_anything_spliced_in_gets_a_verdict(at: int, text: str) -> None:
    case = VALID_CASE[:at] + text + VALID_CASE[at:]
    assert_handled(*check(case.encode("utf-8", "surrogatepass")))


def test_the_valid_case_itself_passes() -> None:
    code, text = check(VALID_CASE.encode())
    assert (code, text) == (0, "共检查 1 个文件，全部通过。\n")
