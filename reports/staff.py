"""The report's staff block (技術職員) as tables, the same in every format: per institution the hours its operators
operated (own / lent out), the hours lent to it (lent in) and consultations answered; per staff member only where
they consented to be named, the others counted together without a name (contributions.tables.staff_block)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .figures import total_label

TITLE = _("Staff (operators)")
INSTITUTION_TITLE = _("Staff by institution")
OPERATOR_TITLE = _("Staff by staff member")
INSTITUTION_COLUMNS = [
    ("label", pgettext_lazy("report column", "Institution")),
    ("hours", _("Hours operated")),
    ("own_hours", _("Own institution (h)")),
    ("lent_out_hours", _("Lent out (h)")),
    ("lent_in_hours", _("Lent in (h)")),
    ("consultations", _("Consultations answered")),
]
OPERATOR_COLUMNS = [
    ("label", _("Staff member")),
    ("institution", pgettext_lazy("report column", "Institution")),
    ("hours", _("Hours operated")),
    ("lent_hours", _("Lent out (h)")),
    ("consultations", _("Consultations answered")),
]


def institution_table(staff: dict) -> list[list]:
    """Rows of values (heading row first, totals row last)."""
    rows = [[str(h) for _k, h in INSTITUTION_COLUMNS]]
    rows += [[row[k] for k, _h in INSTITUTION_COLUMNS] for row in staff["by_institution"]]
    rows.append([total_label(), *(staff["totals"][k] for k, _h in INSTITUTION_COLUMNS[1:])])
    return rows


def operator_table(staff: dict) -> list[list]:
    rows = [[str(h) for _k, h in OPERATOR_COLUMNS]]
    rows += [[row[k] for k, _h in OPERATOR_COLUMNS] for row in staff["by_operator"]]
    totals = staff["totals"]
    rows.append([total_label(), "", totals["hours"], totals["lent_out_hours"], totals["consultations"]])
    return rows
