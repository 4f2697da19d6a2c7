"""The stored search text of the catalogue and of the expert directory, rebuilt in one place.

`Instrument.search_text` is made of the instrument, its category and its institution
(`Instrument.build_search_text`); `ExpertProfile.search_text` of the profile, its user, its institution and the
instruments it runs with their categories (`ExpertProfile.build_search_text`). Whoever writes one of those fields
— a service or the Django admin — calls `refresh_search_text` with the rows it changed, in its transaction. The
texts made of them are rebuilt from the rows as they are then, each locked first, so an edit of the same
instrument or profile running at the same time waits and its text is rebuilt after it, not from before it.

A writer that links a row to a new source (an instrument created in a category, an expert entry given an
instrument) locks the source first (`lock_sources`). Rows are locked in one order everywhere — users, institutions,
categories, instruments, expert entries — so two of these transactions never wait on each other in a ring.

It lives here, not in an app, because it spans three of them (consortia ← equipment ← consultations) and the
writers sit in all three.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, Prefetch, Q, QuerySet

from consortia.models import Institution, User
from consultations.models import ExpertProfile
from equipment.models import Category, Instrument


def _ids(rows: Iterable) -> set[int]:
    return {getattr(row, "pk", row) for row in rows}


def lock_sources(
    *, users: Iterable = (), institutions: Iterable = (), categories: Iterable = (), instruments: Iterable = ()
) -> None:
    """Lock the rows a search text is about to be made of, before the row it belongs to is written.

    A concurrent edit of a source rebuilds the texts it can find, and it cannot find a link not yet committed: an
    expert entry given an instrument while staff rename it would keep the old name. With the source locked first,
    the edit either commits before this transaction reads the source, or waits and then finds the link. Call it
    inside the writer's transaction, before locking or writing the dependent row.
    """
    for model, rows in ((User, users), (Institution, institutions), (Category, categories), (Instrument, instruments)):
        ids = _ids(rows)
        if ids:
            locked = model.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
            list(locked.values_list("pk", flat=True))


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
    for row in rows.select_for_update(of=("self",), no_key=True).order_by("pk"):  # as lock_current: no key lock
        text = row.build_search_text()
        if text != row.search_text:
            row.search_text = text
            stale.append(row)
    if stale:
        rows.model.objects.bulk_update(stale, ["search_text"], batch_size=500)
    return len(stale)
