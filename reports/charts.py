"""Inline SVG bar charts for the report page: no JavaScript library, readable at any width.

The charts are not scaled as pictures (a 640-unit drawing shrunk to a phone's width shrank its text to 7 px): their
width is the page's (positions in %), their text a fixed size in px, so labels stay readable on a phone. A label has
its own line above its bar. The monthly trend is drawn twice, as columns for a wide screen and as bars for a narrow
one (report.css shows one); a month still to come is drawn as "not yet", never as a 0 % bar.

The PDF draws the same charts with reportlab (pdf.py); both read the report's rows, whose labels are in the
reader's language, and write numbers as the reader's language does.
"""

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from backend.i18n import percent

from .display import CURRENT, FUTURE

ROW = 40  # px: a label line (13 px text) and a bar beneath it
BAR = 14
SPAN = 78  # % of the width a full bar takes; the value is written after the bar's end
LABEL_WIDTH = 24  # a label's width in full-width characters (13 px each): fits a 360 px phone's chart
PLOT, BASE, COLUMN_HEIGHT = 150, 176, 200  # the columns' tallest bar, their baseline and the drawing's height
FUTURE_HEIGHT = 40  # the dashed outline of a month to come (not a bar: it has no value)


def _fit(label: str) -> str:
    """The label cut (with "…") to LABEL_WIDTH full-width characters, a Latin character counting as about half."""
    used = 0.0
    for i, char in enumerate(label):
        used += 1 if ord(char) > 0x2E7F else 0.55
        if used > LABEL_WIDTH:
            return label[: max(i - 1, 1)] + "…"
    return label


def _shown(value, as_percent: bool, unit: str) -> str:
    return percent(value) if as_percent else f"{number_format(value, 0, force_grouping=True)}{unit}"


def _figure(title: str, svgs, notes: tuple[str, ...] = ()):
    return format_html(
        '<figure class="chart"><figcaption>{}</figcaption>{}{}</figure>',
        title,
        svgs,
        format_html_join("", '<p class="muted chart-note">{}</p>', ((note,) for note in notes)),
    )


def _bars_svg(items, *, title: str, extra_class: str = ""):
    """items: (label, fraction of the longest bar or None for "not yet", shown value, css class)."""
    height = len(items) * ROW + 4
    # Left as written (fmt skip at its end): the tuple is a table, one line per SVG element of the template above
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="label">{}<title>{}</title></text>'
        '<rect x="0" y="{}" width="{}%" height="{}" class="bar {}"><title>{}: {}</title></rect>'
        '<text x="{}%" dx="{}" y="{}" class="value{}">{}</text>',
        (
            (
                i * ROW + 14, _fit(label), label,
                i * ROW + 20, round((fraction or 0) * SPAN, 2), BAR, css, label, shown,
                round((fraction or 0) * SPAN, 2), 4 if fraction else 0, i * ROW + 32, " muted" if fraction is None else "",
                shown,
            )
            for i, (label, fraction, shown, css) in enumerate(items)
        ),
    )  # fmt: skip  # table: the values of one SVG element a row
    return format_html(
        '<svg class="{}" width="100%" height="{}" role="img" aria-label="{}">{}</svg>', extra_class, height, title, body
    )


def horizontal_bars(rows: list[dict], value_key: str, *, title: str, as_percent: bool = True, unit: str = ""):
    """One bar per row (its label above it, its value after it), scaled to the largest value."""
    values = [(row["label"], row.get(value_key) or 0) for row in rows]
    top = max((v for _, v in values), default=0) or 1
    items = [(label, value / top, _shown(value, as_percent, unit), "") for label, value in values]
    return _figure(title, _bars_svg(items, title=title))


def _month_items(rows: list[dict], value_key: str):
    """(long label, short label, value or None, state) of each month; a month to come has no value."""
    not_yet = pgettext("report month", "not yet")
    for row in rows:
        state = row.get("state")
        value = None if state == FUTURE else (row.get(value_key) or 0)
        short = str(row["key"])[2:].replace("-", "/")
        yield row["label"], short, value, state, not_yet if value is None else percent(value)


def _columns_svg(months: list, *, title: str, top: float):
    count = max(len(months), 1)
    step = 100 / count
    every = -(-count // 12)  # at most 12 month labels and values, whatever the period
    parts = []
    for i, (label, short, value, state, shown) in enumerate(months):
        x, middle = round(i * step + step * 0.15, 3), round(i * step + step / 2, 3)
        high = FUTURE_HEIGHT if value is None else value / top * PLOT
        css = "bar future" if value is None else ("bar current" if state == CURRENT else "bar")
        written = i % every == 0
        parts.append(
            format_html(
                '<rect x="{}%" y="{}" width="{}%" height="{}" class="{}"><title>{}: {}</title></rect>{}{}',
                x,
                round(BASE - high, 2),
                round(step * 0.7, 3),
                round(high, 2),
                css,
                label,
                shown,
                format_html(
                    '<text x="{}%" y="{}" text-anchor="middle" class="value">{}</text>',
                    middle,
                    round(BASE - high - 4, 2),
                    shown,
                )
                if written and count <= 12 and value is not None
                else "",
                format_html(
                    '<text x="{}%" y="{}" text-anchor="middle" class="label">{}</text>', middle, BASE + 16, short
                )
                if written
                else "",
            )
        )
    to_come = [i for i, m in enumerate(months) if m[2] is None]
    if to_come:  # one "not yet" over the months to come, however many
        middle = round((to_come[0] + to_come[-1] + 1) / 2 * step, 3)
        anchor = "end" if middle > 90 else "middle"
        parts.append(
            format_html(
                '<text x="{}%" y="{}" text-anchor="{}" class="future-label">{}</text>',
                100 if anchor == "end" else middle,
                BASE - FUTURE_HEIGHT - 8,
                anchor,
                months[to_come[0]][4],
            )
        )
    return format_html(
        '<svg class="wide-only" width="100%" height="{}" role="img" aria-label="{}">{}</svg>',
        COLUMN_HEIGHT,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def column_bars(rows: list[dict], value_key: str, *, title: str):
    """The months left to right (columns, heights as a share of the tallest) on a wide screen, top to bottom (bars)
    on a narrow one; months to come are drawn as "not yet" and the month under way is marked as so far."""
    months = list(_month_items(rows, value_key))
    top = max((m[2] for m in months if m[2] is not None), default=0) or 1
    narrow = _bars_svg(
        [
            (label, None if value is None else value / top, shown, "current" if state == CURRENT else "")
            for label, _short, value, state, shown in months
        ],
        title=title,
        extra_class="narrow-only",
    )
    notes = []
    if any(m[3] == CURRENT for m in months):
        notes.append(_("The current month counts its use so far."))
    if any(m[2] is None for m in months):
        notes.append(_("Months still to come are shown as not yet."))
    return _figure(title, format_html("{}{}", _columns_svg(months, title=title, top=top), narrow), tuple(notes))
