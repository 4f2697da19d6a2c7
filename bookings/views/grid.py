"""The instrument time grid on the pages: the plain list per day (the page without JavaScript) and what the grid
script reads (bookings/static/bookings/grid.js). The instrument page and the counter-proposal form share them."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.i18n import is_japanese, yen
from backend.plumbing import parse_aware_datetime
from backend.tokyo import TOKYO
from equipment.models import UsageMode

from .. import selectors
from ..selectors import grid
from ..serializers import grid_answer


def plain_week(time_grid, instrument) -> list[dict]:
    """The grid as a list per day, for the page without JavaScript: each block with its label; a free block links
    to the request form with its first slot of the minimum length, as a click on the grid does. Closed time is
    named once per day (a holiday by its name)."""
    labels = grid.kind_labels()
    shortest = timedelta(minutes=instrument.min_minutes)
    days = []
    for day, blocks in time_grid.by_day():
        items = []
        for block in blocks:
            if block.kind == "closed":
                continue
            item = {"kind": block.kind, "start": block.start, "end": block.end, "label": labels[block.kind]}
            if block.kind == "free":
                item["pick_end"] = block.start + shortest
            elif block.kind == "downtime" and block.label:
                item["note"] = block.label
            elif block.part in ("setup", "cleanup"):
                item["label"] = labels[block.part]
            if block.booking_id:
                item["url"] = reverse("booking-page", kwargs={"pk": block.booking_id})
                item["booking_id"] = block.booking_id
            items.append(item)
        closed = [b for b in blocks if b.kind == "closed"]
        days.append(
            {
                "day": day,
                "items": items,
                "closed": not items,
                "closed_label": next((b.label for b in closed if b.label), labels["closed"]),
            }
        )
    return days


def grid_config(time_grid, *, instrument, start_field: str, end_field: str, preview: bool, subject_id=None) -> dict:
    """What the grid script reads (json_script): the first grid, where to fetch more and the preview, the ids of
    the form fields it fills, and every text it shows, in the page's language."""
    return {
        "grid": grid_answer(time_grid),
        "grid_url": reverse("instrument-grid", kwargs={"pk": instrument.pk}),
        "preview_url": reverse("instrument-preview", kwargs={"pk": instrument.pk}) if preview else "",
        "subject": subject_id,
        "fields": {"start": start_field, "end": end_field},
        "locale": "ja" if is_japanese() else "en",
        "yen": yen(1234567).replace("1,234,567", "{n}"),
        "text": {
            "selected": _("Selected: %(start)s–%(end)s"),
            "not_free": _("That time is not free; choose a free (white) time."),
            "loading": _("Checking the fee and rules…"),
            "failed": _("The check could not be made; the form still works."),
            "allowed": _("This request can be sent."),
            "subtotal": _("Subtotal"),
            "tax": _("Consumption tax (10%)"),
            "total": _("Total"),
            "today": _("Today"),
            "previous": _("Previous week"),
            "next": _("Next week"),
        },
    }


LEGEND = (
    "free",
    "own_pending",
    "own_approved",
    "busy",
    "setup",
    "downtime",
    "too_soon",
    "too_far",
    "closed",
    "no_room",
)


def legend(*, subject: bool = False, operated: bool = False) -> list[tuple[str, str]]:
    """(kind, name) of each look of the grid, for its legend; `subject` adds the booking a proposal is for,
    `operated` (the instrument offers an assisted or commissioned mode) the time no operator is free for."""
    labels = grid.kind_labels()
    kinds = ("subject", *LEGEND) if subject else LEGEND
    if operated:
        kinds = (*kinds[: kinds.index("busy") + 1], "no_operator_free", *kinds[kinds.index("busy") + 1 :])
    return [(kind, labels[kind]) for kind in kinds]


def offers_operated_mode(instrument) -> bool:
    return any(selectors.needs_operator(mode) for mode in instrument.modes or ())


def grid_mode_of(request, instrument) -> str | None:
    """The usage mode the page's grid shows: ?mode= when the instrument offers it (a catalogue card's link, the
    plain list's mode links), else None (the grid's default, `selectors.default_mode`)."""
    mode = request.GET.get("mode", "")
    return mode if mode in (instrument.modes or ()) else None


def mode_links(request, instrument, time_grid) -> list[dict]:
    """For the page without JavaScript, when the instrument offers an operated mode: a link per mode to the week
    showing that mode's free time (assisted and commissioned: where an operator is free too)."""
    if not offers_operated_mode(instrument) or len(instrument.modes) < 2:
        return []
    week = time_grid.first_day.isoformat()
    return [
        {"label": UsageMode(m).label, "url": f"?week={week}&mode={m}#week", "current": m == time_grid.mode}
        for m in instrument.modes
    ]


def week_start_of(request, default: date | None = None) -> date:
    """The first day of the week shown: ?week=YYYY-MM-DD (a bad value is today's, or `default`'s), kept within a
    week back and grid.MAX_DISTANCE_DAYS ahead."""
    today = timezone.localdate()
    try:
        chosen = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        chosen = default or today
    return max(min(chosen, today + timedelta(days=grid.MAX_DISTANCE_DAYS)), today - timedelta(days=7))


def initial_slot(request) -> dict:
    """A free slot picked in the week view arrives as ?start=…&end=… (RFC 3339). A link only suggests: a value
    the API would refuse (naive, out of range, garbled) is left out and the form starts empty."""
    initial = {}
    for name in ("start", "end"):
        try:
            initial[name] = parse_aware_datetime(request.GET.get(name, ""), field=name).astimezone(TOKYO)
        except DomainError:
            pass
    return initial
