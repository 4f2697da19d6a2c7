"""The matcher's candidates: instruments and experts as plain data for consultations.matching."""

from django.db.models import F

from consortia.models import Company, Consortium
from consortia.names import person_name
from consortia.selectors import active_memberships
from consultations import matching
from consultations.models import ExpertProfile
from equipment.models import Category, Instrument

# A person's name and its reading, as consortia.names.person_name takes them.
PERSON = ("user__last_name", "user__first_name", "user__last_name_kana", "user__first_name_kana")


def problem_text(title: str, description: str) -> str:
    """What the matcher reads of a consultation."""
    return f"{title}\n{description}"


def home_consortium(company: Company) -> Consortium | None:
    """The consortium covering the company's prefecture, when exactly one does."""
    covering = [
        c for c in Consortium.objects.order_by("id") if company.prefecture and company.prefecture in c.prefectures
    ]
    return covering[0] if len(covering) == 1 else None


def matching_candidates() -> tuple[list[matching.Candidate], dict[int, tuple[str, str]], list[str]]:
    """Every instrument in service and every listed expert as a matching candidate, the institutions' names (in
    Japanese and English) and the dictionary of domain terms (matching.dictionary). Four queries whatever the size
    of the catalogue: categories, instruments (with their institution), experts (with user and institution) and the
    experts' instruments."""
    categories = {
        row["id"]: row for row in Category.objects.values("id", "name", "name_en", "code", "keywords").order_by()
    }
    institutions: dict[int, tuple[str, str]] = {}
    candidates = []
    fields = ("id", "name", "name_en", "maker", "model", "description", "location", "specs", "category_id")
    instruments = (
        Instrument.objects.exclude(status=Instrument.Status.RETIRED)
        .values(*fields, "institution_id", "institution__name", "institution__name_en")
        .order_by("id")
    )
    instrument_names: dict[int, str] = {}
    for row in instruments:
        institutions[row["institution_id"]] = (row["institution__name"], row["institution__name_en"])
        instrument_names[row["id"]] = row["name"]
        candidates.append(
            matching.instrument_candidate(row, categories[row["category_id"]], institution_id=row["institution_id"])
        )
    expert_keywords = []
    runs: dict[int, list[int]] = {}
    for expert_id, instrument_id in ExpertProfile.instruments.through.objects.filter(
        expertprofile__listed=True
    ).values_list("expertprofile_id", "instrument_id"):
        runs.setdefault(expert_id, []).append(instrument_id)
    experts = (
        ExpertProfile.objects.filter(listed=True, user__is_active=True)
        .values_list("id", *PERSON, "user__username", "institution_id", "keywords")
        .annotate(institution_name=F("institution__name"), institution_name_en=F("institution__name_en"))
        .order_by("id")
    )
    for eid, *person, username, institution_id, keywords, institution_name, institution_name_en in experts:
        institutions[institution_id] = (institution_name, institution_name_en)
        own = [instrument_names[i] for i in runs.get(eid, ()) if i in instrument_names]
        expert_keywords.append(keywords)
        candidates.append(
            matching.expert_candidate(
                id=eid,
                label=person_name(*person, english=False) or username,
                label_en=person_name(*person, english=True) or username,
                institution_id=institution_id,
                keywords=keywords,
                runs=own,
            )
        )
    return candidates, institutions, matching.dictionary(categories.values(), expert_keywords)


def suggestions_for(text: str, *, consortium_id: int | None = None) -> list[dict]:
    """What the matcher suggests for a description; institutions of `consortium_id` first among equals.
    A constant number of queries (five) whatever the size of the catalogue."""
    candidates, institutions, keywords = matching_candidates()
    home = set()
    if consortium_id is not None:
        home = set(active_memberships().filter(consortium_id=consortium_id).values_list("institution_id", flat=True))
    return matching.suggest(
        text,
        candidates,
        institutions={i: name for i, (name, _en) in institutions.items()},
        institutions_en={i: en for i, (_name, en) in institutions.items()},
        home_institutions=home,
        keywords=keywords,
    )
