"""GST facts for invoices: the states and their codes, GSTIN validation, and which tax applies.

A GSTIN is 15 characters: the state's two-digit code, the holder's PAN (five letters,
four digits, a letter), the registration's number in that state (1-9, A-Z), 'Z', and a
check character computed from the first 14 (the GSTN's mod-36 scheme).

Place of supply for an online subscription is the buyer's state when the buyer names
it (or their GSTIN does); the tax is IGST when that differs from the publication's
state and CGST + SGST when it is the same. A buyer who names no state is billed as
before: the publication's state (MASTHEAD_GST_INTER_STATE can say otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

STATES = {
    "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
    "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh",
    "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur",
    "15": "Mizoram", "16": "Tripura", "17": "Meghalaya", "18": "Assam", "19": "West Bengal",
    "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra", "29": "Karnataka", "30": "Goa",
    "31": "Lakshadweep", "32": "Kerala", "33": "Tamil Nadu", "34": "Puducherry",
    "35": "Andaman and Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh", "38": "Ladakh",
}
STATE_CHOICES = sorted(STATES.items(), key=lambda item: item[1])

_GSTIN = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]")
_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class InvalidTaxDetails(ValueError):
    """A GSTIN or state the buyer typed that cannot go on an invoice; the message says why."""


def gstin_check_character(first14: str) -> str:
    """The 15th character of a GSTIN, from its first 14 (factors 1, 2, 1, 2... in base 36)."""
    total = 0
    for position, char in enumerate(first14):
        product = _CHARS.index(char) * (2 if position % 2 else 1)
        total += product // 36 + product % 36
    return _CHARS[(36 - total % 36) % 36]


def normalise_gstin(value: str) -> str:
    """A GSTIN as typed ('27 aapfu 0939 f1zv') made canonical and checked; '' for none."""
    gstin = re.sub(r"[\s-]", "", value or "").upper()
    if not gstin:
        return ""
    if len(gstin) != 15 or not _GSTIN.fullmatch(gstin):
        raise InvalidTaxDetails("A GSTIN has 15 characters, like 27AAPFU0939F1ZV: "
                                "state code, PAN, entity number, Z, check character.")
    if gstin[:2] not in STATES:
        raise InvalidTaxDetails(f"{gstin[:2]} is not an Indian state code; check the first two digits of the GSTIN.")
    if gstin_check_character(gstin[:14]) != gstin[14]:
        raise InvalidTaxDetails("That GSTIN's last character does not match the rest; please check it for a typo.")
    return gstin


@dataclass(frozen=True)
class BuyerTaxDetails:
    """What a buyer told us for their invoice: optional GSTIN and state code."""

    gstin: str = ""
    state: str = ""

    @classmethod
    def from_form(cls, gstin: str = "", state: str = "") -> "BuyerTaxDetails":
        """Validated details; InvalidTaxDetails with a message for the reader otherwise."""
        gstin = normalise_gstin(gstin)
        state = (state or "").strip()
        if state and state not in STATES:
            raise InvalidTaxDetails("Choose your state from the list.")
        if gstin and state and gstin[:2] != state:
            raise InvalidTaxDetails(f"That GSTIN is registered in {STATES[gstin[:2]]}, not {STATES[state]}.")
        return cls(gstin=gstin, state=state or gstin[:2])


def supplier_state(publication_gstin: str = "") -> str:
    """The publication's state code: MASTHEAD_GST_STATE, else its GSTIN's first two digits, else ''."""
    configured = (settings.MASTHEAD_GST_STATE or "").strip()
    if configured:
        return configured
    code = (publication_gstin or "")[:2]
    return code if code in STATES else ""


def is_inter_state(buyer_state: str, seller_state: str) -> bool:
    """IGST when both states are known and differ; otherwise the publisher's default."""
    if buyer_state and seller_state:
        return buyer_state != seller_state
    return settings.MASTHEAD_GST_INTER_STATE


def state_label(code: str) -> str:
    return f"{code} {STATES[code]}" if code in STATES else ""
