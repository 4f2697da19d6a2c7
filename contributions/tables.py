"""The figures as a reader gets them (page, CSV, API): plain rows with exact microseconds and shown hours, the
consent rule applied. Pure: no query.

Consent: in a consortium's figures (the secretariat's) an operator who has not consented to be named
(`named_in_reports`) is never named; their hours and consultations are summed into one row per institution,
"not named", so the rows still add up to the institution's and the consortium's totals.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from equipment.models import UsageMode, UserCategory

from .access import Scope
from .selectors import US_PER_HOUR, Figures, hours


def _row(key, label, us: int, **more) -> dict:
    return {"key": key, "label": label, "us": us, "hours": hours(us), **more}


def operator_rows(figures: Figures, *, names_everyone: bool) -> list[dict]:
    """One row per operator, or per institution's operators who may not be named (named_everyone False)."""
    rows, hidden = [], {}
    for person in figures.by_operator.values():
        if names_everyone or person.named_in_reports:
            rows.append(
                _row(
                    person.operator_id,
                    person.name,
                    person.us,
                    institution_id=person.institution_id,
                    institution=figures.institution_names[person.institution_id],
                    lent_us=person.lent_us,
                    lent_hours=hours(person.lent_us),
                    consultations=person.consultations,
                    named=True,
                )
            )
            continue
        group = hidden.setdefault(person.institution_id, {"us": 0, "lent_us": 0, "consultations": 0, "operators": 0})
        group["us"] += person.us
        group["lent_us"] += person.lent_us
        group["consultations"] += person.consultations
        group["operators"] += 1
    for institution_id, group in hidden.items():
        rows.append(
            _row(
                None,
                _("Not named (%(count)d)") % {"count": group["operators"]},
                group["us"],
                institution_id=institution_id,
                institution=figures.institution_names[institution_id],
                lent_us=group["lent_us"],
                lent_hours=hours(group["lent_us"]),
                consultations=group["consultations"],
                named=False,
            )
        )
    rows.sort(key=lambda r: (r["institution_id"], not r["named"], r["label"] or ""))
    return rows


def tables(figures: Figures, scope: Scope) -> dict:
    """Totals and every breakdown of the figures for `scope`'s reader."""
    modes = dict(UsageMode.choices)
    categories = dict(UserCategory.choices)
    lent_labels = {"own": pgettext("operator's time", "Own institution"), "lent": pgettext("operator's time", "Lent")}
    return {
        "scope": {"kind": scope.kind, "id": scope.id, "label": scope.label},
        "period": {
            "start": figures.period.start.isoformat(),
            "end": figures.period.end.isoformat(),
            "label": figures.period.label,
            "slug": figures.period.slug,
        },
        "totals": _row("", _("Total"), figures.total_us, consultations=figures.consultations),
        "by_institution": [
            _row(
                key,
                figures.institution_names[key],
                value["us"],
                lent_out_us=value["lent_out_us"],
                lent_out_hours=hours(value["lent_out_us"]),
                consultations=value["consultations"],
            )
            for key, value in figures.by_institution.items()
        ],
        "by_operator": operator_rows(figures, names_everyone=scope.names_everyone),
        "by_instrument": [_row(key, figures.instrument_names[key], us) for key, us in figures.by_instrument.items()],
        "by_mode": [_row(key, str(modes.get(key, key)), us) for key, us in figures.by_mode.items()],
        "by_category": [_row(key, str(categories.get(key, key)), us) for key, us in figures.by_category.items()],
        "by_lent": [_row(key, lent_labels[key], us) for key, us in figures.by_lent.items()],
    }


BREAKDOWNS = ("by_institution", "by_operator", "by_instrument", "by_mode", "by_category", "by_lent")


def breakdown_titles() -> dict:
    return {
        "totals": _("Total"),
        "by_institution": _("By institution"),
        "by_operator": _("By operator"),
        "by_instrument": _("By instrument"),
        "by_mode": _("By usage mode"),
        "by_category": _("By requester category"),
        "by_lent": _("Own or lent"),
    }


def apportioned(values_us: list[int]) -> list[Decimal]:
    """Hours with two decimals per value such that they add up to the rounded hours of their sum (largest
    remainder: a row may differ by 0.01 h from its own rounding; the shown rows still add up to the shown total)."""
    centi = US_PER_HOUR // 100
    floors = [v // centi for v in values_us]
    target = (sum(values_us) + centi // 2) // centi
    by_remainder = sorted(range(len(values_us)), key=lambda i: (-(values_us[i] % centi), i))
    for i in by_remainder[: max(0, target - sum(floors))]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]


STAFF_COLUMNS = ("hours", "own_hours", "lent_out_hours", "lent_in_hours")


def staff_block(figures: Figures, lent_in: dict[int, int]) -> dict | None:
    """The utilization report's staff block: per institution hours its operators operated (at home or elsewhere
    without an agreement: own; under an agreement: lent out), hours other institutions' operators were lent to it
    (lent in), and consultations answered; per staff member only where they consented to be named, the others
    summed per institution without a name. Each column's shown rows add up to its shown total. None when the scope
    has no operators and was lent none: a consortium that does not record operators gets no empty block."""
    if not figures.by_institution:
        return None
    institutions = [
        {
            "key": key,
            "label": figures.institution_names[key],
            "us": value["us"],
            "own_us": value["us"] - value["lent_out_us"],
            "lent_out_us": value["lent_out_us"],
            "lent_in_us": lent_in.get(key, 0),
            "consultations": value["consultations"],
        }
        for key, value in figures.by_institution.items()
    ]
    people = operator_rows(figures, names_everyone=False)
    totals = {
        "key": "",
        "label": _("Total"),
        **{name: sum(row[name] for row in institutions) for name in ("us", "own_us", "lent_out_us", "lent_in_us")},
        "consultations": figures.consultations,
    }
    for rows in (institutions, [totals]):
        for column in ("", "own_", "lent_out_", "lent_in_"):
            for row, shown in zip(rows, apportioned([row[f"{column}us"] for row in rows]), strict=True):
                row[f"{column}hours"] = float(shown)  # the report's JSON holds hours as numbers
    for column in ("", "lent_"):
        for row, shown in zip(people, apportioned([row[f"{column}us"] for row in people]), strict=True):
            row[f"{column}hours"] = float(shown)
    return {
        "totals": {k: v for k, v in totals.items() if not k.endswith("us")},
        "by_institution": [{k: v for k, v in row.items() if not k.endswith("us")} for row in institutions],
        "by_operator": [
            {
                "key": row["key"],
                "label": row["label"],
                "institution": row["institution"],
                "hours": row["hours"],
                "lent_hours": row["lent_hours"],
                "consultations": row["consultations"],
                "named": row["named"],
            }
            for row in people
        ],
    }
