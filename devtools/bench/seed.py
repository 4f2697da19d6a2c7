"""The bench data set (issue #10): how its rows are marked, and finding them again.

The set is drawn as plain data (no ORM, no database) by `bench.world` (consortia, institutions, companies, people,
instruments) and `bench.bookings` (a million booking rows as tuples of database-ready values, days packed by
`bench.packing`); the command (`bench_seed`) writes them with `bench.writer` (COPY on PostgreSQL, executemany on
SQLite). One random stream, seeded by `--seed`, makes the whole set reproducible.

Bench data is marked so it can be found, refused twice and replaced without touching anything else:
consortia by the slug prefix `bench-`, institutions and users by the e-mail domain `bench.example.jp` (users also
by the username prefix `bench-`), companies by the 法人番号 body prefix `7700`, and everything else through them.

The read helpers below (`bench_consortia`, `largest_bench_consortium`, `bench_instrument_ids`, …) find the bench
data again. No API token is written: only a key's hash is stored, so `bench` issues its own (bench.subjects).
"""

from datetime import date

SLUG_PREFIX = "bench-"
EMAIL_DOMAIN = "bench.example.jp"
USERNAME_PREFIX = "bench-"
COMPANY_BODY_PREFIX = "7700"  # 法人番号 body (12 digits) of bench companies: 7700 and an 8-digit number
INSTITUTION_BODY_PREFIX = "7701"  # ... and of bench institutions (their registration number is T + it)
JOINED_ON = date(2020, 4, 1)  # every membership covers the whole booking span
RATES_VALID_FROM = date(2024, 4, 1)


# --- Read helpers for the bench command --------------------------------------------------------------------------


def bench_consortia():
    """The bench consortia (slug `bench-…`), largest share first as planned (by id)."""
    from consortia.models import Consortium

    return Consortium.objects.filter(slug__startswith=SLUG_PREFIX).order_by("id")


def largest_bench_consortium():
    """The bench consortium with the most member institutions (関東 at the default sizes), or None."""
    from django.db.models import Count

    return bench_consortia().annotate(members=Count("memberships")).order_by("-members", "id").first()


def bench_institution_ids() -> list[int]:
    from consortia.models import Institution

    return list(
        Institution.objects.filter(contact_email__endswith="@" + EMAIL_DOMAIN)
        .order_by("id")
        .values_list("id", flat=True)
    )


def bench_instrument_ids(consortium=None) -> list[int]:
    """Ids of the bench instruments (all active, no qualification needed), optionally of one bench consortium."""
    from equipment.models import Instrument

    qs = Instrument.objects.filter(institution__contact_email__endswith="@" + EMAIL_DOMAIN)
    if consortium is not None:
        qs = qs.filter(institution__memberships__consortium=consortium)
    return list(qs.order_by("id").values_list("id", flat=True).distinct())


def bench_company_ids() -> list[int]:
    from consortia.models import Company

    return list(
        Company.objects.filter(corporate_number__regex=rf"^[0-9]{COMPANY_BODY_PREFIX}")
        .order_by("id")
        .values_list("id", flat=True)
    )
