"""Stored quotes hold machine data, so that a fixed quote reads in the reader's language.

Before, each quote line carried only a `label` written in Japanese at pricing time (「走査電子顕微鏡 技術補助 2時間 ×
4,500円 × 成果非公開1.5」) and each multiplier a Japanese `name`. Now a line also holds what `bookings.quotes` needs
to write it in either language: the use line its instrument's names and mode, a consumable its item, a multiplier its
kind. The Japanese `label` stays (the quote of record); every other key is kept as is.

Nothing is lost: the instrument's name and the consumable's item are read back from the old label itself (the names
of that day), falling back to the booking's instrument and consumables; a line that cannot be read back is left as it
was, and shown by its label. Undone, the added keys go and the multipliers get their Japanese names back.

Also: the two reasons the product wrote itself into the booking history in two languages (an expiry's and a
declined proposal's) are emptied; the event's action says the same in the reader's language.
"""

import re

from django.db import migrations

OLD_MODE_NAMES = {"self": "自己操作", "assisted": "技術補助", "commissioned": "依頼分析"}
OLD_MULTIPLIERS = {"成果非公開": "confidential", "地域外": "outside_region", "大企業": "large_company"}
OLD_CONSUMABLE = re.compile(r"^消耗品: (?P<item>.+) (?P<quantity>\d+) × [\d,]+円$")
OLD_REASONS = ("承認期限を過ぎました。 (No decision in time.)", "変更提案を辞退 (proposal declined)")


def _use_line(line: dict, booking) -> dict:
    mode = booking.mode
    name, found, _rest = line.get("label", "").rpartition(f" {OLD_MODE_NAMES.get(mode, mode)} ")
    new = dict(line)
    new["instrument_name"] = name if found and name else booking.instrument.name
    new["instrument_name_en"] = booking.instrument.name_en if new["instrument_name"] == booking.instrument.name else ""
    new["mode"] = mode
    multipliers = []
    for multiplier in line.get("multipliers", []):
        kind = multiplier.get("kind") or OLD_MULTIPLIERS.get(multiplier.get("name", ""))
        if kind is None:
            return line  # not read back: kept as it was
        multipliers.append({"kind": kind, "factor": multiplier["factor"]})
    new["multipliers"] = multipliers
    return new


def _consumable_line(line: dict, index: int, booking) -> dict:
    match = OLD_CONSUMABLE.match(line.get("label", ""))
    items = booking.consumables or []
    item = match["item"] if match else (items[index]["label"] if index < len(items) else None)
    if item is None:
        return line
    return {**line, "item": item}


def _machine_data(quote: dict, booking) -> dict:
    lines, consumables = [], 0
    for line in quote.get("lines", []):
        if "label" not in line or "mode" in line or "item" in line:
            lines.append(line)
        elif line.get("kind") == "use":
            lines.append(_use_line(line, booking))
        elif line.get("kind") == "consumable":
            lines.append(_consumable_line(line, consumables, booking))
            consumables += 1
        else:
            lines.append(line)
    return {**quote, "lines": lines}


def forwards(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    for booking in Booking.objects.select_related("instrument").exclude(quote={}).iterator(chunk_size=500):
        quote = booking.quote or {}
        if not quote.get("lines"):
            continue
        Booking.objects.filter(pk=booking.pk).update(quote=_machine_data(quote, booking))
    BookingEvent.objects.filter(reason__in=OLD_REASONS).update(reason="")


# --- Undone: the lines as they were -----------------------------------------------------------------------------------
def _old_line(line: dict) -> dict:
    names = {kind: name for name, kind in OLD_MULTIPLIERS.items()}
    old = {key: value for key, value in line.items() if key not in ("instrument_name", "instrument_name_en", "mode", "item")}
    if "multipliers" in line:
        old["multipliers"] = [
            {"name": names.get(m.get("kind"), m.get("name", "")), "factor": m["factor"]} for m in line["multipliers"]
        ]
    return old


def backwards(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    for booking in Booking.objects.exclude(quote={}).iterator(chunk_size=500):
        quote = booking.quote or {}
        if quote.get("lines"):
            Booking.objects.filter(pk=booking.pk).update(
                quote={**quote, "lines": [_old_line(line) for line in quote["lines"]]}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_english_message_ids"),
        ("equipment", "0003_names_in_two_languages"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
