"""Masking petitioner data for every generated output.

DOMAIN.md "Privacy": a name keeps its first character, a phone its first 3 and
last 4 digits, an ID number its first 6 and last 4, an address is cut to the
town. For 检举控告类 nothing of the reporter is shown, masked or not, even in an
internal build.

Every free-text value that reaches an output is screened (v3), in two groups:
text about the matter (:meth:`Privacy.case_text`, :meth:`Privacy.text`) and
officials' names (:meth:`Privacy.official`). A phone or ID number is masked
within its digits only; the characters around it are screened on their own.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from xfgen.figures.office_work import Activities, OfficeWork
from xfgen.records.models import Case

if TYPE_CHECKING:
    from xfgen.figures.compute import PeriodFigures

T = TypeVar("T")

HIDDEN = "—"
REPORTER_HIDDEN = "不公开"  # the ledgers explain it in their note
# The town part of an address ends with 镇, 乡 or 街道 after at least one character
# of name, and not where the character is part of a city or county name
# (镇江市, 新乡县): 平安县河口乡西湾村 → 平安县河口乡. A bare street (人民街) is not a
# town, so an address without one shows nothing.
_TOWN_END = re.compile(r"^.+?(镇|乡|街道)(?![市县区])")


def mask_name(name: str) -> str:
    """The first character and a fixed "**", which does not give away the name's length."""
    return name[0] + "**"


def mask_phone(phone: str) -> str:
    """Digits of one phone: the first 3 and last 4 kept (7 or fewer: none)."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(number: str) -> str:
    """Digits of one ID number: the first 6 and last 4 kept (10 or fewer: none)."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_address(address: str) -> str:
    match = _TOWN_END.match(address)
    return match.group(0) if match else "***"


@dataclass(frozen=True)
class PetitionerView:
    """What an output may show of a case's petitioner."""

    name: str
    phone: str
    id_number: str
    address: str


def mask_phone_field(value: str) -> str:
    """A ``petitioner.phone`` as written: every number in it masked within its digits
    ("15375434073号码" → "153****4073号码"), the other characters left as they are."""
    return _FIELD_PHONE.sub(lambda m: mask_phone(_national(m.group(0))), value)


def mask_id_field(value: str) -> str:
    """A ``petitioner.id_number`` as written: every number in it masked within its digits."""
    return _RUN.sub(lambda m: mask_id_number(_digits(m.group(0)).upper()), value)


def petitioner_view(case: Case, internal: bool = False) -> PetitionerView:
    """Masked by default; unmasked only for an internal build; never for 检举控告类.

    The text around a number in the phone or ID field is left as written here;
    :meth:`Privacy.petitioner` screens it like free text too."""
    if case.is_reporting:
        return PetitionerView(REPORTER_HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    p = case.petitioner
    if internal:
        return PetitionerView(
            p.name or HIDDEN, p.phone or HIDDEN, p.id_number or HIDDEN, p.address or HIDDEN
        )
    return PetitionerView(
        mask_name(p.name) if p.name else HIDDEN,
        mask_phone_field(p.phone) if p.phone else HIDDEN,
        mask_id_field(p.id_number) if p.id_number else HIDDEN,
        mask_address(p.address) if p.address else HIDDEN,
    )


# Free text (DOMAIN.md "Privacy"): a summary or place typed by staff may hold a
# phone or ID number, or a petitioner's name. ID numbers first: 18 digits (the
# last may be X) or the old 15; then mainland mobiles (spaces or hyphens
# allowed, +86 too) and landlines with an area code. Never inside a longer run
# of digits or letters, so amounts and case ids are left alone.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}[- ]?\d{7,8})(?![0-9A-Za-z])"
)
_SEPARATORS = re.compile(r"[\s\-+]")
_RUN = re.compile(r"\d(?:[- ]?\d)*[Xx]?")  # digits, single hyphens or spaces between
_FIELD_PHONE = re.compile(r"\+?\d(?:[- ]?\d)*")  # a number in a phone field, +86 too
NAME_MIN = 2  # a one-character "name" would mask that character everywhere
VALUE_MIN = 7  # digits: a shorter "phone" would mask dates and counts
OMITTED = "（略）"  # a 检举控告类 reporter's own name, phone or ID number in free text


@dataclass(frozen=True)
class Privacy:
    """What one build may show: masked (public) or not (internal), and the free-text
    screen, which needs every petitioner name, phone and ID number of the tree, and
    every 检举控告类 reporter's (never shown, in either build)."""

    internal: bool
    names: frozenset[str] = frozenset()
    values: frozenset[str] = frozenset()  # phones and ID numbers, digits only
    lengths: tuple[int, ...] = ()  # of the values
    reporter_names: frozenset[str] = frozenset()
    reporter_values: frozenset[str] = frozenset()  # digits only
    reporter_lengths: tuple[int, ...] = ()
    # what each case's texts were shown as, by (use, case, text): a case is in many ledgers
    # of a build, its texts screened once (the case is kept with it: its id is not reused)
    _shown: dict[tuple[str, int, str], tuple[Case, Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, cases: Iterable[Case], internal: bool) -> Privacy:
        names: set[str] = set()
        values: set[str] = set()
        reporter_names: set[str] = set()
        reporter_values: set[str] = set()
        for case in cases:
            p = case.petitioner
            if p.name and len(p.name) >= NAME_MIN:
                names.add(p.name)
                if case.is_reporting:
                    reporter_names.add(p.name)
            for value in (p.phone, p.id_number):
                for run in _RUN.findall(value or ""):
                    digits = _digits(run).upper()
                    if len(digits) >= VALUE_MIN:
                        values.add(digits)
                        if case.is_reporting:
                            reporter_values.add(digits)
        return cls(
            internal,
            frozenset(names),
            frozenset(values),
            tuple(sorted({len(v) for v in values})),
            frozenset(reporter_names),
            frozenset(reporter_values),
            tuple(sorted({len(v) for v in reporter_values})),
        )

    def petitioner(self, case: Case) -> PetitionerView:
        return self._once("petitioner", case, "", self._petitioner)

    def _petitioner(self, case: Case, _: str) -> PetitionerView:
        view = petitioner_view(case, self.internal)
        if self.internal or case.is_reporting:
            return view
        # Around a number, a phone or ID field may hold other words: screened on their own.
        return replace(view, phone=self.text(view.phone), id_number=self.text(view.id_number))

    def case_text(self, text: str, case: Case) -> str:
        """A case's text about the matter (summary, not_accepted.reason, extension.reason,
        progress[].action) as it may be shown."""
        return self._once("text", case, text, lambda c, t: self._screen(self._omit_own(t, c)))

    def _once(self, use: str, case: Case, text: str, show: Callable[[Case, str], T]) -> T:
        """``show(case, text)``, worked out once per case and text."""
        key = (use, id(case), text)
        try:
            return cast(T, self._shown[key][1])
        except KeyError:
            shown = show(case, text)
            self._shown[key] = (case, shown)
            return shown

    def text(self, text: str) -> str:
        """Text about the matter not tied to one case (an activity's summary or place)."""
        return self._screen(text)

    def official(self, text: str, case: Case | None = None) -> str:
        """An official's name (a case's leader, supervision[].by, an activity's leader):
        numbers masked, every 检举控告类 reporter's name and numbers replaced by "（略）",
        the case's own petitioner's name masked; other petitioner names left as written
        (officials share names with petitioners)."""
        if case is not None:
            return self._once("official", case, text, self._official)
        return self._official(None, text)

    def _official(self, case: Case | None, text: str) -> str:
        text = self._omit_reporters(self._omit_own(text, case) if case else text)
        if self.internal:
            return text
        text = self._mask_numbers(text)
        if case is not None and not case.is_reporting:
            name = case.petitioner.name
            if name and len(name) >= NAME_MIN:
                text = text.replace(name, mask_name(name))
        return text

    def figures(self, f: PeriodFigures) -> PeriodFigures:
        """The period's figures with each leader label screened as an official's name
        (the summary names leaders); leaders that read the same once screened are added up."""
        return replace(f, office_work=self.office_work(f.office_work))

    def office_work(self, work: OfficeWork) -> OfficeWork:
        return replace(
            work,
            by_leader=self._leaders(work.by_leader),
            leader_levels=MappingProxyType(
                {level: self._leaders(leaders) for level, leaders in work.leader_levels.items()}
            ),
        )

    def _leaders(self, tallies: Mapping[str, Activities]) -> Mapping[str, Activities]:
        merged: defaultdict[str, Activities] = defaultdict(Activities)
        for leader, a in tallies.items():
            shown = self.official(leader)
            b = merged[shown]
            merged[shown] = Activities(
                b.events + a.events, b.batches + a.batches, b.people + a.people
            )
        return MappingProxyType(dict(sorted(merged.items())))

    def _omit_own(self, text: str, case: Case) -> str:
        """In a 检举控告类 case, its reporter's own name, phone or ID number (of any length)."""
        if not case.is_reporting:
            return text
        p = case.petitioner
        return _replace_values(
            text, frozenset(v for v in (p.name, p.phone, p.id_number) if v), OMITTED
        )

    def _screen(self, text: str) -> str:
        text = self._omit_reporters(text)
        if self.internal:
            return text
        return _mask_names(self._mask_numbers(text), self.names)

    def _mask_numbers(self, text: str) -> str:
        text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
        text = _PHONE.sub(lambda m: mask_phone(_national(m.group(0))), text)
        if self.values:  # a known value the patterns missed (a local number, odd spacing)
            text = _RUN.sub(self._mask_run, text)
        return text

    def _omit_reporters(self, text: str) -> str:
        """Every 检举控告类 reporter's name and number of the tree, wherever it appears."""
        if self.reporter_values:
            text = _RUN.sub(self._omit_run, text)
        if self.reporter_names:
            text = _replace_names(text, self.reporter_names, lambda name: OMITTED)
        return text

    def _mask_run(self, match: re.Match[str]) -> str:
        digits = _digits(match.group(0)).upper()
        if _holds(digits, self.values, self.lengths):
            return mask_id_number(digits) if len(digits) >= 15 else mask_phone(digits)
        return match.group(0)

    def _omit_run(self, match: re.Match[str]) -> str:
        digits = _digits(match.group(0)).upper()
        return (
            OMITTED
            if _holds(digits, self.reporter_values, self.reporter_lengths)
            else match.group(0)
        )


def _holds(digits: str, values: frozenset[str], lengths: tuple[int, ...]) -> bool:
    return any(
        digits[start : start + size] in values
        for size in lengths
        for start in range(len(digits) - size + 1)
    )


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", value)


def _national(phone: str) -> str:
    """The phone's digits without a +86 / 0086 country code."""
    digits = _digits(phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (10, 11, 12):
            return digits[len(prefix) :]
    return digits


def _replace_values(text: str, values: frozenset[str], replacement: str) -> str:
    """Replace each of a few ``values`` found in ``text`` by ``replacement``: names as
    written, a phone or ID number also written with spaces or hyphens."""
    for value in sorted(values, key=len, reverse=True):
        digits = _digits(value)
        if digits.isdigit() or (digits[:-1].isdigit() and digits[-1] in "Xx"):
            pattern = r"[- ]?".join(re.escape(c) for c in digits)
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
        else:
            text = text.replace(value, replacement)
    return text


def _mask_names(text: str, names: frozenset[str]) -> str:
    """Every petitioner name in ``text`` masked like a name."""
    return _replace_names(text, names, mask_name)


@functools.lru_cache(maxsize=8)
def _lengths(names: frozenset[str]) -> tuple[int, ...]:
    """The lengths of ``names``, longest first: worked out once per set, not once per
    text (a ledger screens thousands of texts against every petitioner's name)."""
    return tuple(sorted({len(n) for n in names}, reverse=True))


def _replace_names(text: str, names: frozenset[str], shown: Callable[[str], str]) -> str:
    """Every one of ``names`` in ``text`` replaced by ``shown(name)``, longest match
    first; a scan by position, so thousands of names cost little."""
    if not names:
        return text
    lengths = _lengths(names)
    out: list[str] = []
    i = 0
    while i < len(text):
        for length in lengths:
            if text[i : i + length] in names:
                out.append(shown(text[i : i + length]))
                i += length
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
