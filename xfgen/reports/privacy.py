"""Masking petitioner data for every generated output.

DOMAIN.md "Privacy": a name keeps its first character, a phone its first 3 and
last 4 digits, an ID number its first 6 and last 4, an address is cut to the
town. For 检举控告类 nothing of the reporter is shown, masked or not, even in an
internal build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from xfgen.records.models import Case

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
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(number: str) -> str:
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


def petitioner_view(case: Case, internal: bool = False) -> PetitionerView:
    """Masked by default; unmasked only for an internal build; never for 检举控告类."""
    if case.is_reporting:
        return PetitionerView(REPORTER_HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    p = case.petitioner
    if internal:
        return PetitionerView(
            p.name or HIDDEN, p.phone or HIDDEN, p.id_number or HIDDEN, p.address or HIDDEN
        )
    return PetitionerView(
        mask_name(p.name) if p.name else HIDDEN,
        mask_phone(p.phone) if p.phone else HIDDEN,
        mask_id_number(p.id_number) if p.id_number else HIDDEN,
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
NAME_MIN = 2  # a one-character "name" would mask that character everywhere
VALUE_MIN = 7  # digits: a shorter "phone" would mask dates and counts
OMITTED = "（略）"  # a 检举控告类 reporter's own name, phone or ID number in free text


@dataclass(frozen=True)
class Privacy:
    """What one build may show: masked (public) or not (internal), and the free-text
    screen, which needs every petitioner name, phone and ID number of the tree."""

    internal: bool
    names: frozenset[str] = frozenset()
    values: frozenset[str] = frozenset()  # phones and ID numbers, digits only
    lengths: tuple[int, ...] = ()  # of the values

    @classmethod
    def of(cls, cases: Iterable[Case], internal: bool) -> Privacy:
        names: set[str] = set()
        values: set[str] = set()
        for case in cases:
            p = case.petitioner
            if p.name and len(p.name) >= NAME_MIN:
                names.add(p.name)
            for value in (p.phone, p.id_number):
                digits = _digits(value or "").upper()
                if len(digits) >= VALUE_MIN:
                    values.add(digits)
        lengths = tuple(sorted({len(v) for v in values}))
        return cls(internal, frozenset(names), frozenset(values), lengths)

    def petitioner(self, case: Case) -> PetitionerView:
        return petitioner_view(case, self.internal)

    def case_text(self, text: str, case: Case) -> str:
        """A case's free text (its summary) as it may be shown."""
        own: frozenset[str] = frozenset()
        if case.is_reporting:  # the reporter: never shown, masked or not, even internally
            p = case.petitioner
            own = frozenset(v for v in (p.name, p.phone, p.id_number) if v)
        return self._screen(text, own)

    def text(self, text: str) -> str:
        """Free text not tied to one case (an activity's summary or place)."""
        return self._screen(text, frozenset())

    def _screen(self, text: str, own: frozenset[str]) -> str:
        if own:
            text = _replace_values(text, own, OMITTED)
        if self.internal:
            return text
        text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
        text = _PHONE.sub(lambda m: mask_phone(_national(m.group(0))), text)
        if self.values:  # a known value the patterns missed (a local number, odd spacing)
            text = _RUN.sub(self._mask_run, text)
        return _mask_names(text, self.names)

    def _mask_run(self, match: re.Match[str]) -> str:
        digits = _digits(match.group(0)).upper()
        for size in self.lengths:
            for start in range(len(digits) - size + 1):
                if digits[start : start + size] in self.values:
                    return mask_id_number(digits) if len(digits) >= 15 else mask_phone(digits)
        return match.group(0)


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
    """Every petitioner name in ``text`` masked like a name, longest match first;
    a scan by position, so thousands of names cost little."""
    if not names:
        return text
    lengths = sorted({len(n) for n in names}, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(text):
        for length in lengths:
            if text[i : i + length] in names:
                out.append(mask_name(text[i : i + length]))
                i += length
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
