"""Inline SVG bar charts for the report page: no JavaScript library, readable at any width.

The PDF draws the same three charts with reportlab (pdf.py); both read the report's rows, whose labels are in the
reader's language, and write numbers as the reader's language does.
"""

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join

from backend.i18n import percent

WIDTH, BAR, GAP, LABEL = 640, 18, 8, 200


def horizontal_bars(rows: list[dict], value_key: str, *, title: str, as_percent: bool = True, unit: str = ""):
    """One bar per row (label on the left, value on the right), scaled to the largest value."""
    values = [(row["label"], row.get(value_key) or 0) for row in rows]
    top = max((v for _, v in values), default=0) or 1
    height = len(values) * (BAR + GAP) + GAP
    span = WIDTH - LABEL - 70
    # Left as written (fmt skip at its end): the tuple is a table, one line per SVG element of the template above
    bars = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" class="value">{}</text>',
        (
            (
                LABEL - 6, GAP + i * (BAR + GAP) + BAR - 4, label if len(label) <= 15 else label[:14] + "…",
                LABEL, GAP + i * (BAR + GAP), max(value / top * span, 0), BAR, label, shown,
                LABEL + max(value / top * span, 0) + 4, GAP + i * (BAR + GAP) + BAR - 4, shown,
            )
            for i, (label, value) in enumerate(values)
            for shown in [percent(value) if as_percent else f"{number_format(value, 0, force_grouping=True)}{unit}"]
        ),
    )  # fmt: skip  # table: the values of one SVG element a row
    return format_html(
        '<figure class="chart"><figcaption>{}</figcaption>'
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">{}</svg></figure>',
        title,
        WIDTH,
        height,
        title,
        bars,
    )


def column_bars(rows: list[dict], value_key: str, *, title: str):
    """One column per row (months left to right), heights as a share of the tallest, percent labels."""
    values = [(row["label"], str(row["key"])[2:].replace("-", "/"), row.get(value_key) or 0) for row in rows]
    count = max(len(values), 1)
    height, base = 220, 190
    step = WIDTH / count
    top = max((v for *_, v in values), default=0) or 1
    # Left as written (fmt skip at its end): the tuple is a table, one line per SVG element of the template above
    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
        (
            (
                i * step + step * 0.15, base - value / top * 160, step * 0.7, value / top * 160, label, shown,
                i * step + step / 2, base - value / top * 160 - 4, shown,
                i * step + step / 2, base + 16, short,
            )
            for i, (label, short, value) in enumerate(values)
            for shown in [percent(value)]
        ),
    )  # fmt: skip  # table: the values of one SVG element a row
    return format_html(
        '<figure class="chart"><figcaption>{}</figcaption>'
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">{}</svg></figure>',
        title,
        WIDTH,
        height,
        title,
        columns,
    )
