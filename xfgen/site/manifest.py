"""What a published site holds and what each of its pages was made from.

The manifest is written into every site (``.xfgen-manifest.json``). The next
build reads it to keep the periods it does not rebuild (the index lists them
all) and to reuse every derived file (PDF, ...) of a page whose inputs did not
change. A missing, corrupt or foreign manifest is ignored: the build then
renders everything, which is always correct.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from xfgen import __version__
from xfgen.errors import PeriodError
from xfgen.figures.periods import Period, parse_period
from xfgen.site.gitinfo import DataVersion

MANIFEST = ".xfgen-manifest.json"
FORMAT = 2


@dataclass(frozen=True)
class Link:
    title: str
    path: str  # the HTML page; the PDF sits beside it
    formats: tuple[str, ...] = ()  # office formats beside it too: "xlsx", "docx"


@dataclass(frozen=True)
class PeriodEntry:
    """One period of the site, as the index lists it."""

    period: Period
    as_of: date
    links: tuple[Link, ...]
    unit_links: tuple[Link, ...]


@dataclass(frozen=True)
class PageRecord:
    """What a page's derived files were made from."""

    key: str  # hash of the page's print HTML, the stylesheet, the font and xfgen's version
    # derived file (site path) → length of its content before the build stamp (0: none)
    outputs: dict[str, int] = field(default_factory=dict)
    source: str = ""  # hash of the page's HTML (its office files are made from it), likewise
    # hash of what the page's HTML is made from (its data, the templates, xfgen), when it
    # can be known without rendering the page: see Renderer.fingerprint
    inputs: str = ""


@dataclass(frozen=True)
class Manifest:
    kind: str  # "public" or "internal"
    periods: tuple[PeriodEntry, ...] = ()
    pages: dict[str, PageRecord] = field(default_factory=dict)
    version: str = __version__
    # the records it was built from (a commit, uncommitted changes); None: not recorded
    data: DataVersion | None = None


def period_order(entry: PeriodEntry) -> tuple[date, int]:
    """Oldest first; of periods ending the same day the shorter first (2026H2 before 2026)."""
    return entry.period.end, -entry.period.start.toordinal()


def read_manifest(site: Path, kind: str) -> Manifest | None:
    """The manifest of the site at ``site``, or None if there is none we can trust."""
    try:
        data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        if data["format"] != FORMAT or data["kind"] != kind:
            return None
        periods = tuple(_entry(item) for item in data["periods"])
        pages = {
            str(path): PageRecord(
                str(record["key"]),
                {str(k): int(v) for k, v in record["outputs"].items()},
                str(record["source"]),
                str(record.get("inputs", "")),
            )
            for path, record in data["pages"].items()
        }
        return Manifest(
            str(data["kind"]), periods, pages, str(data["version"]), _data(data.get("data"))
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, PeriodError):
        return None


def write_manifest(site: Path, manifest: Manifest) -> None:
    data = {
        "format": FORMAT,
        "version": manifest.version,
        "kind": manifest.kind,
        "periods": [_entry_json(entry) for entry in manifest.periods],
        "pages": {
            path: {"key": record.key, "outputs": record.outputs, "source": record.source}
            | ({"inputs": record.inputs} if record.inputs else {})
            for path, record in sorted(manifest.pages.items())
        },
    }
    if manifest.data is not None:
        data["data"] = {"commit": manifest.data.commit, "dirty": manifest.data.dirty}
    (site / MANIFEST).write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _data(item: Any) -> DataVersion | None:
    """The data version a manifest records; None when it records none (an older xfgen)."""
    if item is None:
        return None
    commit, dirty = item["commit"], item["dirty"]
    if not (commit is None or type(commit) is str) or type(dirty) is not bool:
        raise ValueError(item)
    return DataVersion(commit, dirty)


def _entry(item: dict[str, Any]) -> PeriodEntry:
    period = parse_period(str(item["period"]))
    if period.label != item["period"]:
        raise ValueError(item["period"])
    links = tuple(_link(link, period) for link in item["links"])
    unit_links = tuple(_link(link, period) for link in item["unit_links"])
    return PeriodEntry(period, date.fromisoformat(item["as_of"]), links, unit_links)


def _link(item: list[Any], period: Period) -> Link:
    title, path = str(item[0]), str(item[1])
    formats = tuple(str(f) for f in item[2]) if len(item) > 2 else ()
    # A kept period's pages all live in its own folder; anything else is not ours.
    if not path.startswith(f"{period.label}/") or ".." in path.split("/"):
        raise ValueError(path)
    return Link(title, path, formats)


def _entry_json(entry: PeriodEntry) -> dict[str, Any]:
    return {
        "period": entry.period.label,
        "as_of": entry.as_of.isoformat(),
        "links": [[link.title, link.path, list(link.formats)] for link in entry.links],
        "unit_links": [[link.title, link.path, list(link.formats)] for link in entry.unit_links],
    }
