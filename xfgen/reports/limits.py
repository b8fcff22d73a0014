"""Limits on what the office's own templates and narratives may cost.

Both run in Jinja2's sandbox, which keeps them away from Python internals but not
from looping or growing without end. Here: a template may not build a string or
list larger than ``MAX_ITEMS`` by ``*``/``+``, nor raise a number to a power beyond
``MAX_EXPONENT``; and a render that runs longer than its time limit is stopped (a
timer signal, which interrupts the template's Python code between any two steps).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Sized
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

MAX_ITEMS = 1_000_000  # characters or items one expression may produce
MAX_EXPONENT = 1_000
USER_RENDER_SECONDS = 60  # one page or narrative of the office's own


class RenderLimit(Exception):
    """A template went past one of the limits above."""


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with ``*``, ``+`` and ``**`` checked before they are computed."""

    intercepted_binops = frozenset({"*", "+", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise RenderLimit(f"乘方的指数太大（超过 {MAX_EXPONENT}）")
        if _size(operator, left, right) > MAX_ITEMS:
            raise RenderLimit(f"生成的文字或列表太长（超过 {MAX_ITEMS:,} 个字符或项）")
        return super().call_binop(context, operator, left, right)


def _size(operator: str, left: Any, right: Any) -> int:
    """How many characters or items ``left operator right`` would hold (0 if not a sequence)."""
    if operator == "+" and isinstance(left, Sized) and isinstance(right, Sized):
        return len(left) + len(right)
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, Sized) and isinstance(times, int):
                return len(seq) * times
    return 0


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`RenderLimit` in the block once ``seconds`` have passed.

    Only where signals can be delivered (the main thread, on a system with
    ``setitimer``); elsewhere the block runs unlimited, as before.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise RenderLimit(f"运行超过 {seconds:g} 秒仍未完成（模板中可能有过大的循环）")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
