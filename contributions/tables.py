"""The figures as a reader gets them (page, CSV, API): plain rows with exact microseconds and shown hours, the
consent rule applied. Pure: no query.

Consent: in a consortium's figures (the secretariat's) an operator who has not consented to be named
(`named_in_reports`) is never named; their hours and consultations are summed into one row per institution,
"not named", so the rows still add up to the institution's and the consortium's totals.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from equipment.models import UsageMode, UserCategory

from .selectors import Figures, Scope, hours


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
