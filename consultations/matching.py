"""Which institutions, instruments and experts fit a problem described in plain Japanese.

Pure functions: no ORM, no request. `consultations.selectors.suggestions_for` loads the candidates in a
fixed number of queries and calls `suggest`; the scoring is Python over texts normalised in advance.

1. The description's terms (`consultations.terms.parse`): the domain terms of the catalogue's dictionary, bigrams of
   the kanji left, katakana and Latin words; never a lone kanji (分 of 分かりません) nor a stop word (相談, 依頼).
2. A candidate has a term when one of its fields contains it; where decides the credit (`CREDIT`): an instrument's
   names (name, model, maker, category) 1.0, its category's application keywords 0.9, the rest of its text
   (description, specs, location) at most 0.4 and less the longer that text is (BM25's length normalisation). An
   expert's own keywords earn as an instrument's do, the instruments they run a little less.
3. Rarity (BM25's idf over kinds of instrument: each category counts once, so the seven SEMs do not make 破断面
   common; each expert counts once): a term every kind has weighs almost nothing.
4. score = Σ credit × rarity × weight of the candidate's terms / Σ rarity × weight of every term some candidate
   has (at least one rare term's worth, so a vague text scores low everywhere), in [0, 1]. Only candidates within
   `RELATIVE_MIN` of the best are kept: the ones that fit stand apart from those that merely share a word.
   An institution scores as its best instrument or expert.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from consultations.terms import GENERAL, Query, contains, fold_kana, normalize, parse, split_keywords

__all__ = ["Candidate", "Query", "contains", "fold_kana", "normalize", "parse", "split_keywords", "suggest"]

CREDIT = {
    "instrument": {"names": 1.0, "keywords": 0.9, "text": 0.4},
    "expert": {
        "keywords": 0.9,
        "names": 0.8,
        "text": 0.4,
    },  # as an instrument's keywords: a tie puts the instrument first
}
PART_OF_KEYWORD = 0.8  # a term that is only part of a keyword earns this share of a keyword's credit
BM25_K1, BM25_B = 1.2, 0.75
MIN_RARITY = 0.1
MIN_SCORE = 0.15
RELATIVE_MIN = 0.3  # candidates under this share of the best score are left out
MAX_INSTITUTIONS = 5
MAX_ITEMS = 3  # instruments and experts shown per institution


@dataclass
class Candidate:
    """An instrument or a listed expert, with its texts normalised (see `normalize`)."""

    kind: str  # "instrument" or "expert"
    id: int
    label: str
    institution_id: int
    keywords: str  # application keywords of the instrument's category, or the expert's own keywords
    names: str  # instrument: name, model, maker, category names; expert: the instruments they run
    text: str  # the rest: an instrument's description, location and specs; an expert's profile
    label_en: str = ""  # the English name, where there is one (a person's: written from the reading)
    category: str = ""  # the instrument's category, as shown
    category_en: str = ""
    group: str = ""  # what counts once for rarity (instruments: their category); empty: the candidate itself
    found: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)  # term → (field, credit)

    def fields(self) -> list[tuple[str, str]]:
        """(field, text), the field of most credit first."""
        order = sorted(CREDIT[self.kind], key=lambda name: -CREDIT[self.kind][name])
        return [(name, getattr(self, name)) for name in order]

    def find(self, terms: Iterable[str], cache: dict) -> dict[str, tuple[str, float]]:
        """term → (the field of most credit that contains it, its credit there); absent terms are left out. A term
        that is only part of a keyword (観察 of 表面観察) earns less than a whole keyword. Keyword and name fields
        are shared by many instruments (a category's), so their look-ups are cached."""
        found: dict[str, tuple[str, float]] = {}
        for name, text in self.fields():
            key = (name, text)
            hits = cache.get(key)
            if hits is None:
                hits = cache[key] = {t: _credit(self.kind, name, text, t) for t in terms if contains(text, t)}
            for term, credit in hits.items():
                if credit > found.get(term, ("", 0.0))[1]:
                    found[term] = (name, credit)
        return found


def _credit(kind: str, name: str, text: str, term: str) -> float:
    credit = CREDIT[kind][name]
    if name == "keywords" and term not in text.split():
        credit *= PART_OF_KEYWORD
    return credit


def instrument_candidate(instrument: dict, category: dict, *, institution_id: int) -> Candidate:
    """An instrument as a candidate: `instrument` has id, name, name_en, maker, model, description, location and
    specs (a dict); `category` has name, name_en, code and keywords — as the database or the demo data hold them."""
    specs = instrument.get("specs")
    spec_text = " ".join(f"{k} {v}" for k, v in specs.items()) if isinstance(specs, dict) else ""
    names = " ".join(
        [_normalized(*(instrument.get(k) for k in ("name", "name_en", "maker", "model"))), category_names(category)]
    )
    return Candidate(
        kind="instrument",
        id=instrument["id"],
        label=instrument["name"],
        label_en=instrument.get("name_en", ""),
        institution_id=institution_id,
        keywords=normalize(category.get("keywords", "")),
        names=names,
        text=_normalized(instrument.get("description"), instrument.get("location"), spec_text),
        category=category["name"],
        category_en=category.get("name_en", ""),
        group=f"category:{category['code']}",
    )


def expert_candidate(
    *, id: int, label: str, label_en: str, institution_id: int, keywords: str, runs: Iterable[str]
) -> Candidate:
    """A listed expert as a candidate: their own keywords, and the names of the instruments they run."""
    return Candidate(
        kind="expert",
        id=id,
        label=label,
        label_en=label_en,
        institution_id=institution_id,
        keywords=normalize(keywords),
        names=_normalized(*runs),
        text="",
    )


def category_names(category: dict) -> str:
    return _normalized(category.get("name"), category.get("name_en"), category.get("code"))


def dictionary(categories: Iterable[dict], expert_keywords: Iterable[str] = ()) -> list[str]:
    """The domain terms of a catalogue: its categories' application keywords and names, the experts' keywords."""
    terms = []
    for category in categories:
        terms += split_keywords(category.get("keywords", ""))
        terms.append(normalize(category["name"]))
    for keywords in expert_keywords:
        terms += split_keywords(keywords)
    return list(dict.fromkeys(terms))


def _normalized(*parts) -> str:
    return normalize(" ".join(p for p in parts if p))


# --- Scoring ---------------------------------------------------------------------------------------------------
def suggest(
    text: str,
    candidates: list[Candidate],
    *,
    institutions: dict[int, str],
    institutions_en: dict[int, str] | None = None,
    home_institutions: Iterable[int] = (),
    keywords: Iterable[str] = (),
    limit: int = MAX_INSTITUTIONS,
) -> list[dict]:
    """Institutions that fit the description, best first, each with its instruments and experts that fit,
    a score in [0, 1] and the words that matched, as data in no language (consultations.suggestions words them
    for a reader). `institutions` maps ids to names (`institutions_en` to English names); institutions in
    `home_institutions` (the consortium asked) come first among equal scores; `keywords` is the dictionary of
    domain terms (see `dictionary`)."""
    home = set(home_institutions)
    query = parse(text, keywords)
    ranked = _ranked(_scored(query, candidates), home)
    english = institutions_en or {}
    return [
        _suggestion(institution_id, items, query, institutions, home, english)
        for institution_id, items in ranked[:limit]
    ]


def scored(text: str, candidates: list[Candidate], *, keywords: Iterable[str] = ()) -> list[tuple[float, Candidate]]:
    """The candidates that fit the description with their scores, in the candidates' order."""
    return _scored(parse(text, keywords), candidates)


def _scored(query: Query, candidates: list[Candidate]) -> list[tuple[float, Candidate]]:
    if not query.features or not candidates:
        return []
    lengths = [len(c.text) for c in candidates]
    average = sum(lengths) / len(lengths) or 1.0
    idf = _rarity(query, candidates)
    if not idf:
        return []
    # All there is to match: every term some candidate has, as rare as it is, each worth its full weight (a general
    # word like 分析 earns only its lesser weight, so a vague text scores low everywhere) in a name, or in a
    # description when no candidate has it anywhere else.
    denominator = sum(idf[t] * (1.0 if t in GENERAL else query.features[t]) * _best_credit(t, candidates) for t in idf)
    results = []
    for candidate in candidates:
        if candidate.found:
            total = sum(
                query.features[t] * idf[t] * _earned(credit, where, candidate, average)
                for t, (where, credit) in candidate.found.items()
            )
            results.append((total / denominator, candidate))
    best = max((score for score, _c in results), default=0.0)
    return [(s, c) for s, c in results if s >= max(MIN_SCORE, RELATIVE_MIN * best)]


def _earned(credit: float, where: str, candidate: Candidate, average: float) -> float:
    return credit * _length_factor(len(candidate.text), average) if where == "text" else credit


def _best_credit(term: str, candidates: list[Candidate]) -> float:
    """What the term earns at best: a name's credit if some candidate has it beyond its text, else the text's."""
    wheres = {c.found[term][0] for c in candidates if term in c.found}
    return 1.0 if wheres - {"text"} else CREDIT["instrument"]["text"]


def rarity(n: int, df: int) -> float:
    """BM25's inverse document frequency of a term `df` of `n` kinds have, never below MIN_RARITY."""
    return max(math.log(1 + (n - df + 0.5) / (df + 0.5)), MIN_RARITY)


def _length_factor(length: int, average: float) -> float:
    """BM25's weight of one occurrence in a field of this length, at most 1: a long text's chance match counts less."""
    return min(1.0, (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / average)))


def _rarity(query: Query, candidates: list[Candidate]) -> dict[str, float]:
    """Set each candidate's `found`; return the rarity (BM25 idf) of every term some candidate has."""
    cache: dict = {}
    having: dict[str, set] = {t: set() for t in query.features}
    for candidate in candidates:
        group = candidate.group or (candidate.kind, candidate.id)
        candidate.found = candidate.find(query.features, cache)
        for term in candidate.found:
            having[term].add(group)
    # Rarity counts kinds of instrument, not instruments: forty FT-IRs do not make 異物 a common word.
    n = len({c.group or (c.kind, c.id) for c in candidates})
    return {t: rarity(n, len(g)) for t, g in having.items() if g}


Scored = list[tuple[float, Candidate]]


def _ranked(results: Scored, home: set[int]) -> list[tuple[int, Scored]]:
    """Institutions best first, each with its candidates best first (instruments before experts on a tie): by
    best score, then the home consortium's, then the most candidates, then id."""
    by_institution: dict[int, Scored] = {}
    for score, candidate in results:
        by_institution.setdefault(candidate.institution_id, []).append((score, candidate))
    ranked = []
    for institution_id, items in by_institution.items():
        items.sort(key=lambda pair: (-pair[0], pair[1].kind != "instrument", pair[1].id))
        ranked.append((-round(items[0][0], 6), institution_id not in home, -len(items), institution_id, items))
    ranked.sort(key=lambda row: row[:4])
    return [(institution_id, items) for *_order, institution_id, items in ranked]


def _suggestion(
    institution_id: int, items: Scored, query: Query, institutions: dict[int, str], home: set, english: dict[int, str]
) -> dict:
    """One institution's suggestion: its best few instruments and experts; `best` names the one whose reason
    explains the suggestion."""
    best_score, best = items[0]
    rendered = {kind: [] for kind in ("instrument", "expert")}
    for score, candidate in items:
        if len(rendered[candidate.kind]) < MAX_ITEMS:
            rendered[candidate.kind].append(_item(candidate, score, query))
    return {
        "institution": {
            "id": institution_id,
            "name": institutions.get(institution_id, ""),
            "name_en": english.get(institution_id, ""),
            "in_consortium": institution_id in home,
        },
        "score": round(best_score, 2),
        "best": {"kind": best.kind, "id": best.id},
        "instruments": rendered["instrument"],
        "experts": rendered["expert"],
    }


def _item(candidate: Candidate, score: float, query: Query) -> dict:
    """One instrument or expert of a suggestion, with the words that matched grouped by where they matched
    (`groups`: [where, words] pairs, `where` one of keywords, names, text), as data in no language."""
    groups: list[list] = []
    seen: set[str] = set()
    for where, _text in sorted(candidate.fields(), key=lambda f: ("keywords", "names", "text").index(f[0])):
        terms = [t for t in query.terms(t for t, (w, _c) in candidate.found.items() if w == where) if t not in seen]
        seen.update(terms)
        if terms:
            groups.append([where, terms])
    item = {
        "id": candidate.id,
        "name": candidate.label,
        "name_en": candidate.label_en,
        "score": round(score, 2),
        "matched": [t for _where, terms in groups for t in terms],
        "groups": groups,
    }
    if candidate.kind == "instrument":
        item["category"] = candidate.category
        item["category_en"] = candidate.category_en
    return item
