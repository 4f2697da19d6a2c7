"""The words of a quote, in the reader's language, written when it is shown.

`bookings.fees` keeps a quote as machine data: each line's kind, the instrument's two names and the usage mode,
the hours (minutes) or samples, the unit price, the multipliers by kind and the amount. A quote fixed at approval is
stored that way, so the same stored quote reads 「走査電子顕微鏡 技術補助 2時間 × 6,000円」 on a Japanese page and
"Scanning electron microscope, staff-assisted: 2 hours × ¥6,000" on an English one. Pages, e-mails, the API and
the documents of other apps (the quotation, the invoice lines) call `line_text` or `readable` inside the reader's
language (`translation.override` where there is no request).

Each stored line also keeps `label`, its words in Japanese written once when it was priced (`with_record_labels`):
the quote of record, which the Japanese invoice copies. Readers are never shown it but through `line_text`, which
writes the words anew in their language; a line stored before the quotes held machine data and that could not be
read back (migration 0007) has only that label, and it is shown as it is.
"""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from backend.i18n import localized, yen

from .fees import CONFIDENTIAL, LARGE_COMPANY, OUTSIDE_REGION

RECORD_LANGUAGE = "ja"  # the language of the quote of record


def mode_name(mode: str) -> str:
    """A usage mode as a quote line names it (lower case in the middle of an English line)."""
    names = {
        "self": pgettext("quote line", "self-operated"),
        "assisted": pgettext("quote line", "staff-assisted"),
        "commissioned": pgettext("quote line", "commissioned analysis"),
    }
    return names.get(mode, mode)


def multiplier_name(kind: str) -> str:
    names = {
        CONFIDENTIAL: pgettext("quote line", "results not published"),
        OUTSIDE_REGION: pgettext("quote line", "outside the region"),
        LARGE_COMPANY: pgettext("quote line", "large company"),
    }
    return names.get(kind, kind)


def time_text(minutes: int, unit_price: int) -> str:
    """「2時間 × 4,500円」 / "2 hours × ¥4,500"; a length that is not a round number of hours in two decimals is
    given in minutes at the hourly price: 「80分 × 4,500円/時間」 / "80 minutes × ¥4,500 per hour"."""
    price = yen(unit_price)
    if (minutes * 100) % 60 == 0:
        hours = f"{(Decimal(minutes) / 60).normalize():f}"
        count = 1 if minutes == 60 else 2
        return ngettext("%(hours)s hour × %(price)s", "%(hours)s hours × %(price)s", count) % {
            "hours": hours,
            "price": price,
        }
    return ngettext("%(minutes)d minute × %(price)s per hour", "%(minutes)d minutes × %(price)s per hour", minutes) % {
        "minutes": minutes,
        "price": price,
    }


def _multipliers_text(multipliers) -> str:
    return "".join(
        " × "
        + pgettext("quote line multiplier", "%(name)s %(factor)s")
        % {"name": multiplier_name(m.get("kind", "")), "factor": m["factor"]}
        for m in multipliers
    )


def _use_text(line: dict) -> str:
    if line.get("unit") == "sample":
        samples = line.get("quantity", 1)
        quantity = ngettext("%(samples)d sample × %(price)s", "%(samples)d samples × %(price)s", samples) % {
            "samples": samples,
            "price": yen(line["unit_price_jpy"]),
        }
    else:
        quantity = time_text(line["minutes"], line["unit_price_jpy"])
    text = _("%(instrument)s, %(mode)s: %(quantity)s") % {
        "instrument": localized(line["instrument_name"], line.get("instrument_name_en", "")),
        "mode": mode_name(line["mode"]),
        "quantity": quantity,
    }
    return text + _multipliers_text(line.get("multipliers", []))


def line_text(line: dict) -> str:
    """One line of a quote in the active language."""
    kind = line.get("kind")
    if kind == "use" and "instrument_name" in line:
        return _use_text(line)
    if kind == "staff" and "minutes" in line:
        return _("Staff time, %(quantity)s") % {"quantity": time_text(line["minutes"], line["unit_price_jpy"])}
    if kind == "consumable" and "item" in line:
        return _("Consumable: %(item)s %(quantity)d × %(price)s") % {
            "item": line["item"],
            "quantity": line["quantity"],
            "price": yen(line["unit_price_jpy"]),
        }
    return line.get("label", "")  # a line from before the quotes held machine data (see the docstring)


def with_record_labels(lines: list[dict]) -> list[dict]:
    """The lines, each with its `label` in Japanese: the quote of record."""
    with translation.override(RECORD_LANGUAGE):
        return [{**line, "label": line_text(line)} for line in lines]


def readable(quote: dict | None) -> dict:
    """The quote with each line's `label` (and each multiplier's `name`) written in the active language: what the
    pages, e-mails and the API show. The stored quote is not changed."""
    quote = quote or {}
    lines = [
        {
            **line,
            "label": line_text(line),
            **(
                {"multipliers": [{**m, "name": multiplier_name(m.get("kind", ""))} for m in line["multipliers"]]}
                if line.get("multipliers")
                else {}
            ),
        }
        for line in quote.get("lines", [])
    ]
    return {**quote, "lines": lines}
