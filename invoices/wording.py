"""The words of a charge — a quote's line, an invoice's line — written from its machine data in the active language.

A quote stored on a booking holds, per line, what was charged (`kind`: the instrument's use, staff time, a
consumable), how much of it (`unit` and `minutes` or `quantity`), at what price (`unit_price_jpy`) and with which
multipliers. The words are written from those facts when a document or a page is shown, never translated from a
stored sentence: 「走査電子顕微鏡 技術補助 2時間 × 6,000円」 in Japanese, "Scanning electron microscope,
Staff-assisted, 2 h × ¥6,000" in English. The Japanese words of an invoice's line are also stored on the line
(`InvoiceLine.description`, the legal record); its facts are stored beside them for the English reference version.

No ORM here: callers pass the instrument's name (already in the reader's language) and the booking's mode.
"""

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import quotes
from bookings.fees import CONFIDENTIAL, LARGE_COMPANY, OUTSIDE_REGION
from equipment.models import UsageMode

MODES = dict(UsageMode.choices)
# Quotes priced before they kept machine data named a multiplier in Japanese (成果非公開 …): read as its kind.
LEGACY_MULTIPLIERS = {"成果非公開": CONFIDENTIAL, "地域外": OUTSIDE_REGION, "大企業": LARGE_COMPANY}
CONSUMABLE_LABEL = re.compile(r"^消耗品: (?P<item>.*) \d+ × [\d,]+円$")


def mode_name(mode: str) -> str:
    return str(MODES.get(mode, mode))


def facts_of(quote_line: dict, *, consumable: dict | None = None) -> dict:
    """The machine data of one line of a booking's quote, as an invoice line stores it (`kind`, `unit`,
    `quantity`: minutes for an hourly charge, otherwise samples or items, `unit_price_jpy`, `multipliers`, `item`:
    a consumable's name as the staff typed it). `consumable` is the booking's consumable the line charges."""
    kind = quote_line.get("kind", "")
    unit = quote_line.get("unit", "")
    quantity = quote_line.get("minutes") if unit == "hour" else quote_line.get("quantity")
    if kind == "staff" and quantity is None:
        unit, quantity = "hour", quote_line.get("minutes")
    item = ""
    if kind == "consumable":
        item = quote_line.get("item") or (consumable or {}).get("label", "")
        if not item:
            found = CONSUMABLE_LABEL.match(quote_line.get("label", ""))
            item = found.group("item") if found else quote_line.get("label", "")
    return {
        "kind": kind,
        "unit": unit,
        "quantity": quantity,
        "unit_price_jpy": quote_line.get("unit_price_jpy"),
        "multipliers": list(quote_line.get("multipliers") or []),
        "item": item,
    }


def _multiplier(stored: dict) -> dict:
    kind = stored.get("kind") or LEGACY_MULTIPLIERS.get(stored.get("name", ""), stored.get("name", ""))
    return {"kind": kind, "factor": stored["factor"]}


def charge_text(facts, *, instrument_name: str, mode: str) -> str | None:
    """The words of one charge in the active language, from its facts (a dict of `facts_of`, or an object with the
    same attributes: an invoice line), written by the quote's own wording (`bookings.quotes.line_text`), so a line
    reads the same on the quotation, the booking and the invoice; None when the facts are unknown (a line stored
    before they were kept)."""
    get = facts.get if isinstance(facts, dict) else lambda name: getattr(facts, name, None)
    kind, unit, quantity, price = get("kind"), get("unit"), get("quantity"), get("unit_price_jpy")
    if kind == "unpriced":
        return _("%(instrument)s: no rate set") % {"instrument": instrument_name}
    if kind not in ("use", "staff", "consumable") or quantity is None or price is None:
        return None
    line = {
        "kind": kind,
        "unit": unit,
        "minutes": quantity,
        "quantity": quantity,
        "unit_price_jpy": price,
        "item": get("item") or "",
        "mode": mode,
        "instrument_name": instrument_name,
        "multipliers": [_multiplier(m) for m in get("multipliers") or []],
    }
    return quotes.line_text(line)


def invoice_line_text(facts, *, booking_id: int, instrument_name: str, mode: str, recorded: str = "") -> str:
    """An invoice line's words: the booking's number, then the charge; `recorded` (the stored Japanese words) when
    the facts are unknown."""
    charge = charge_text(facts, instrument_name=instrument_name, mode=mode)
    if charge is None:
        return recorded
    return _("Booking #%(number)s %(charge)s") % {"number": booking_id, "charge": charge}


# The reason a run gives the invoice it replaces: stored in Japanese with the rest of the record (a reason typed by
# staff is stored as typed), shown in the reader's language by `reason_text`.
REPLACED_FOR_LATE_USE = gettext_lazy("Reissued to include use recorded later.")


def reason_text(reason: str) -> str:
    """Why an invoice was cancelled, in the active language where the product wrote the reason, else as typed."""
    with translation.override("ja"):
        automatic = str(REPLACED_FOR_LATE_USE)
    return str(REPLACED_FOR_LATE_USE) if reason == automatic else reason
