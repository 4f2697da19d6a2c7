"""The stored search text of the catalogue and of the expert directory, rebuilt in one place.

`Instrument.search_text` is made of the instrument, its category and its institution
(`Instrument.build_search_text`); `ExpertProfile.search_text` of the profile, its user, its institution and the
instruments it runs with their categories (`ExpertProfile.build_search_text`). Whoever writes one of those fields
— a service or the Django admin — calls `refresh_search_text` with the rows it changed, in its transaction. The
texts made of them are rebuilt from the rows as they are then, each locked first, so an edit of the same
instrument or profile running at the same time waits and its text is rebuilt after it, not from before it.

It lives here, not in an app, because it spans three of them (consortia ← equipment ← consultations) and the
writers sit in all three.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, Prefetch, Q, QuerySet

from consultations.models import ExpertProfile
from equipment.models import Instrument


def _ids(rows: Iterable) -> set[int]:
    return {getattr(row, "pk", row) for row in rows}


@transaction.atomic
def refresh_search_text(
    *,
    categories: Iterable = (),
    institutions: Iterable = (),
    instruments: Iterable = (),
    experts: Iterable = (),
    users: Iterable = (),
) -> int:
    """Rebuild the search text of every instrument and expert entry made of the given rows (instances or ids):
    categories and institutions reach their instruments and the experts running those; a user reaches their
    entry. Returns the number of texts that changed."""
    categories, institutions, instruments = _ids(categories), _ids(institutions), _ids(instruments)
    experts, users = _ids(experts), _ids(users)
    changed = 0
    if categories or institutions or instruments:
        made_of = Q(pk__in=instruments) | Q(category__in=categories) | Q(institution__in=institutions)
        changed += _rebuild(Instrument.objects.filter(made_of).select_related("category", "institution"))
    if categories or institutions or instruments or experts or users:
        made_of = (
            Q(pk__in=experts)
            | Q(user__in=users)
            | Q(institution__in=institutions)
            | Q(instruments__in=instruments)
            | Q(instruments__category__in=categories)
        )
        ids = ExpertProfile.objects.filter(made_of).values("pk")  # a subquery: the locking query has no join
        profiles = (
            ExpertProfile.objects.filter(pk__in=ids)
            .select_related("user", "institution")
            .prefetch_related(Prefetch("instruments", queryset=Instrument.objects.select_related("category")))
        )
        changed += _rebuild(profiles)
    return changed


def _rebuild(rows: QuerySet) -> int:
    """Lock the rows (in id order, so two refreshes never wait on each other in a ring) and store the texts that
    changed."""
    stale: list[Model] = []
    for row in rows.select_for_update(of=("self",)).order_by("pk"):
        text = row.build_search_text()
        if text != row.search_text:
            row.search_text = text
            stale.append(row)
    if stale:
        rows.model.objects.bulk_update(stale, ["search_text"], batch_size=500)
    return len(stale)
