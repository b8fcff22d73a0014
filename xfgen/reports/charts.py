"""Chart geometry for static SVG charts; the templates draw what is computed here.

Charts are plain SVG in the page, so the HTML and the PDF show the same
picture, with the same CJK font as the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from xfgen.reports.formatting import percent

_NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed beside the bar
    x: float
    y: float
    width: float
    height: float
    series: int = 0


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: float
    height: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Tick, ...]  # category labels along the axis
    legend: tuple[str, ...] = ()
    plot_left: float = 0
    plot_top: float = 0
    plot_width: float = 0
    plot_height: float = 0
    # The visible caption: what each series counts, its unit, the date it goes by, and
    # whether cases registered before the period are in it (DOMAIN.md "What a summary says").
    note: str = ""


def _nice_max(value: float) -> tuple[float, float]:
    """An axis maximum at or above ``value`` and a tick step giving about 4–5 ticks."""
    if value <= 0:
        return 1, 1
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    while True:
        for step in _NICE_STEPS:
            size = step * magnitude / 2 if magnitude >= 2 else step * magnitude
            size = max(size, 1)
            if value / size <= 5:
                top = size * -(-value // size)
                return top, size
        magnitude *= 10


LABEL_FONT_SIZE = 12  # as the templates draw labels


def text_width(text: str, size: float = LABEL_FONT_SIZE) -> float:
    """At most how wide ``text`` is drawn: a full em a character (CJK characters are;
    Latin letters and digits are narrower, so a label never overflows its room)."""
    return size * len(text)


def fit_label(text: str, room: float) -> str:
    """``text``, shortened with "…" if it would not fit in ``room``."""
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def horizontal_bars(title: str, items: Sequence[tuple[str, int]], width: float = 640) -> Chart:
    """One bar per label, longest first as given; the value printed at the bar's end.

    The label column is as wide as the longest label, up to 40% of the chart;
    a longer label is shortened with "…" rather than cut off at the edge.
    """
    row, right, top, gap = 24.0, 50.0, 8.0, 10.0
    widest = max((text_width(label) for label, _ in items), default=0)
    left = min(max(widest, 4 * LABEL_FONT_SIZE) + gap, width * 0.4)
    height = top * 2 + row * max(len(items), 1) + 18
    plot_width = width - left - right
    largest = max((value for _, value in items), default=0)
    axis_max, step = _nice_max(largest)
    bars = []
    labels = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        bars.append(
            Bar(label, value, str(value), left, y + 4, plot_width * value / axis_max, row - 8)
        )
        labels.append(Tick(y + row / 2, fit_label(label, left - gap)))
    ticks = tuple(
        Tick(left + plot_width * (k * step) / axis_max, str(int(k * step)))
        for k in range(int(axis_max // step) + 1)
    )
    return Chart(title, width, height, tuple(bars), ticks, tuple(labels),
                 plot_left=left, plot_top=top, plot_width=plot_width, plot_height=row * len(items))  # fmt: skip


def monthly_columns(
    title: str,
    months: Sequence[str],
    series: Sequence[Sequence[int]],
    legend: Sequence[str],
    width: float = 640,
) -> Chart:
    """Grouped columns per month (e.g. received and closed), with a value axis."""
    largest = max((v for values in series for v in values), default=0)
    axis_max, step = _nice_max(largest)
    texts = [[str(v) for v in values] for values in series]
    return grouped_columns(title, months, series, texts, legend, axis_max, step, width)


def rate_columns(
    title: str,
    groups: Sequence[str],
    series: Sequence[Sequence[Fraction | None]],
    legend: Sequence[str],
    width: float = 640,
) -> Chart:
    """Grouped columns of rates in percent on a 0–100 axis; a rate without data has no column."""
    values = [[None if r is None else float(r) * 100 for r in rates] for rates in series]
    texts = [
        [percent(r).removesuffix("%") if r is not None else "" for r in rates] for rates in series
    ]
    return grouped_columns(title, groups, values, texts, legend, 100, 20, width)


def grouped_columns(
    title: str,
    groups: Sequence[str],
    series: Sequence[Sequence[float | None]],
    texts: Sequence[Sequence[str]],
    legend: Sequence[str],
    axis_max: float,
    step: float,
    width: float = 640,
) -> Chart:
    """Columns grouped along the axis (months, years), one colour a series."""
    left, right, top, bottom = 40.0, 10.0, 26.0, 26.0
    height = 240.0
    plot_width, plot_height = width - left - right, height - top - bottom
    slot = plot_width / max(len(groups), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    bars = []
    for s, values in enumerate(series):
        for m, value in enumerate(values):
            if value is None:
                continue
            h = plot_height * value / axis_max
            x = left + m * slot + slot * 0.1 + s * bar_width
            bars.append(
                Bar(groups[m], value, texts[s][m], x, top + plot_height - h, bar_width, h, s)
            )
    ticks = tuple(
        Tick(top + plot_height - plot_height * (k * step) / axis_max, str(int(k * step)))
        for k in range(int(axis_max // step) + 1)
    )
    labels = tuple(Tick(left + m * slot + slot / 2, label) for m, label in enumerate(groups))
    return Chart(title, width, height, tuple(bars), ticks, labels, tuple(legend),
                 plot_left=left, plot_top=top, plot_width=plot_width, plot_height=plot_height)  # fmt: skip
