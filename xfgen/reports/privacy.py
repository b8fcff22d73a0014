"""Masking petitioner data for every generated output.

DOMAIN.md "Privacy": a name keeps its first character, a phone its first 3 and
last 4 digits, an ID number its first 6 and last 4, an address is cut to the
town. For 检举控告类 nothing of the reporter is shown, masked or not, even in an
internal build.
"""

from __future__ import annotations

import re
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
