"""What the report's figures mean, in the reader's language: shown on the report page and printed in the PDF, so a
reader never needs the source (docs/reports.md says the same for developers)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFINITIONS = [
    (
        _("Available hours"),
        _(
            "The instruments' opening hours on days that are not Japanese public holidays, minus downtime, within "
            "the period and while the institution was a member of the consortium."
        ),
    ),
    (_("Booked hours"), _("The scheduled time of approved and completed bookings.")),
    (_("Used hours"), _("The recorded actual use (check-in to check-out) of completed bookings.")),
    (
        _("Utilization (used ÷ available)"),
        _(
            "Used hours divided by available hours. By usage mode and by user category it is each part's share of "
            "the whole consortium's available hours, so the parts add up to the total."
        ),
    ),
    (pgettext_lazy("report column", "Uses"), _("Completed bookings that start in the period.")),
    (
        pgettext_lazy("report column", "Companies"),
        _("Distinct companies among those uses; a company counted in two rows counts once in the total."),
    ),
    (
        _("Company share, SME share"),
        _("Hours used by companies as a share of all used hours; hours used by SMEs as a share of companies' hours."),
    ),
    (
        _("Fee revenue (incl. tax)"),
        _("The price fixed at approval (consumption tax included) of completed bookings that start in the period."),
    ),
    (
        _("Rejected, cancelled, no-show"),
        _(
            "Rejected as a share of decided requests; cancelled as a share of all requests; no-shows as a share of "
            "the approved bookings whose time came."
        ),
    ),
    (_("Median time to decision"), _("The median time from a request to its approval or rejection.")),
    (
        _("Period boundaries"),
        _(
            "Hours of a booking across the start or end of the period or of a month are split at it (Japan time, "
            "midnight). Counts and amounts belong to the month in which the booking starts."
        ),
    ),
    (
        _("Months not yet over"),
        _(
            "A month still to come is shown as not yet happened, never as 0 %. The current month counts its use so "
            "far against the whole month's available hours."
        ),
    ),
]


def definitions() -> list[tuple[str, str]]:
    """(term, definition) pairs in the active language."""
    return [(str(term), str(text)) for term, text in DEFINITIONS]
