"""The expert directory."""

from django.db.models import Prefetch, QuerySet

from consortia.models import Institution
from consortia.selectors import active_memberships, by_reading
from consultations import matching
from consultations.models import ExpertProfile
from equipment.models import Instrument


def expert_list(
    *, q: str = "", institution_id: int | None = None, consortium_id: int | None = None
) -> QuerySet[ExpertProfile]:
    """Listed experts by the reading of their names, searchable like the catalogue: every term of `q` must occur in the entry's search text
    (ExpertProfile.build_search_text: the person, keywords, profile, institution, and the names, models and
    categories of the instruments they run); width, case and katakana/hiragana do not matter."""
    qs = (
        ExpertProfile.objects.filter(listed=True, user__is_active=True)
        .select_related("user", "institution")
        .prefetch_related(Prefetch("instruments", queryset=Instrument.objects.order_by("id")))
    )
    for term in matching.normalize(q).split():
        qs = qs.filter(search_text__contains=term)
    if institution_id is not None:
        qs = qs.filter(institution_id=institution_id)
    if consortium_id is not None:
        qs = qs.filter(
            institution_id__in=active_memberships().filter(consortium_id=consortium_id).values("institution_id")
        )
    return qs.order_by(*by_reading(prefix="user__"), "id")


def institutions_with_listed_experts() -> QuerySet[Institution]:
    """The institutions at least one listed expert belongs to (the directory's institution filter)."""
    return Institution.objects.filter(experts__listed=True).distinct().order_by("id")
