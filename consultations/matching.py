"""Which institutions, instruments and experts fit a problem described in plain Japanese.

Pure functions: no ORM, no request. `consultations.selectors.suggestions_for` loads the candidates in a
fixed number of queries and calls `suggest`; the scoring is Python over texts normalised in advance.

Japanese is written without spaces, so a description is not split into words. Instead:

1. Normalisation (`normalize`): NFKC (full-width ＳＥＭ → SEM, half-width ｾﾑ → セム), casefold, and
   katakana folded to hiragana (メッキ → めっき), applied alike to descriptions and stored texts.
2. The features of a description: the character bigrams of each kanji run (破断面 → 破断, 断面), a
   kanji standing alone (傷), each katakana word (ゴム), each Latin word (sem, icp-ms), and every known
   keyword — the application keywords staff keep on categories, the experts' keywords — that occurs in
   it as a substring (におい, 金属元素). Hiragana runs (particles and endings: の, を, したい) are not
   features by themselves.
3. A candidate has a feature when its text contains it. Where it is found decides its weight:
   application or expertise keywords ×2, names (instrument, model, maker, category; an expert's
   instruments) ×1.5, the rest of the catalogue text ×1. A feature that many kinds of instrument (categories)
   or experts have counts less (inverse document frequency), so 観察 weighs less than 破断面.
4. score = the candidate's weighted features / the weight of every feature some candidate has, in [0, 1].
   An institution scores as its best instrument or expert.
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from equipment.text import normalize_for_search

KEYWORD_BOOST, NAME_BOOST, TEXT_BOOST = 2.0, 1.5, 1.0
MIN_SCORE = 0.1
MAX_INSTITUTIONS = 5
MAX_ITEMS = 3  # instruments and experts shown per institution
MAX_FEATURES = 160  # a very long description is matched on its first features only

# Katakana ァ..ヶ and the iteration marks ヽヾ sit 0x60 above their hiragana.
_KANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_RUNS = re.compile(
    r"(?P<kanji>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+)"
    r"|(?P<kana>[\u30a1-\u30fa\u30fc-\u30fe]+)"
    r"|(?P<latin>[a-z0-9](?:[a-z0-9+\-.]*[a-z0-9+])?)"
)
_KEYWORD_SEPARATORS = re.compile(r"[\s,、，;；/／|・]+")
_LATIN = re.compile(r"[a-z0-9+\-.]+")
_ENGLISH_STOP = frozenset("a an and are as at be by for from in is it of on or our the to we with want need".split())


def fold_kana(text: str) -> str:
    return text.translate(_KANA_TO_HIRAGANA)


def normalize(text: str) -> str:
    """The catalogue's normalisation (NFKC and casefold: ＩＣＰ‐ＭＳ and icp-ms agree), then katakana → hiragana
    (ｲｵﾝ, イオン and いおん agree): whatever the catalogue finds in a text, this finds too."""
    return fold_kana(normalize_for_search(text))


def split_keywords(text: str) -> list[str]:
    """A keyword field's keywords (separated by spaces, commas, 、 or ・), normalised, two characters or more."""
    return [k for k in _KEYWORD_SEPARATORS.split(normalize(text)) if len(k) >= 2]


def _is_latin(term: str) -> bool:
    return _LATIN.fullmatch(term) is not None


def _has_latin_word(text: str, word: str) -> bool:
    """`word` in `text` as a whole word (sem is in "fe-sem" but not in "semiconductor")."""
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum()):
            return True
        start = text.find(word, start + 1)
    return False


def contains(text: str, feature: str) -> bool:
    return _has_latin_word(text, feature) if _is_latin(feature) else feature in text


# --- The description -------------------------------------------------------------------------------------------
@dataclass
class Query:
    """A description's features (normalised text → weight), and the text to name matched words from."""

    features: dict[str, float]
    norm: str  # normalised: where features are looked up
    display: str  # NFKC only, aligned with norm character by character: where matched words are cut from

    def terms(self, matched: Iterable[str]) -> list[str]:
        """The stretches of the description covered by matched features, as the user wrote them (in order)."""
        covered = [False] * len(self.norm)
        for feature in matched:
            start = self.norm.find(feature)
            while start != -1:
                end = start + len(feature)
                latin_ok = not _is_latin(feature) or _has_latin_word(self.norm[max(start - 1, 0) : end + 1], feature)
                if latin_ok:
                    covered[start:end] = [True] * len(feature)
                start = self.norm.find(feature, start + 1)
        terms, current = [], []
        for char, on in zip(self.display, covered):
            if on:
                current.append(char)
            elif current:
                terms.append("".join(current))
                current = []
        if current:
            terms.append("".join(current))
        return list(dict.fromkeys(t for t in terms if t.strip()))


def parse(text: str, keywords: Iterable[str] = ()) -> Query:
    """The features of a description: bigrams of kanji runs, lone kanji, katakana and Latin words, and the
    known keywords it contains."""
    display = unicodedata.normalize("NFKC", text or "")
    folded_case = display.casefold()
    if len(folded_case) != len(display):  # a rare character grew under casefold (ß → ss): show normalised text
        display = folded_case
    norm = fold_kana(folded_case)
    features: dict[str, float] = {}

    def add(feature: str, weight: float) -> None:
        if len(features) < MAX_FEATURES or feature in features:
            features[feature] = max(features.get(feature, 0.0), weight)

    for match in _RUNS.finditer(folded_case):
        run = match.group()
        if match.lastgroup == "kanji":
            if len(run) == 1:
                add(run, 0.5)
            for i in range(len(run) - 1):
                add(run[i : i + 2], 1.0)
        elif match.lastgroup == "kana":
            if len(run.strip("ー")) >= 2:
                add(fold_kana(run), 1.5)
        elif any(c.isalpha() for c in run) and len(run) >= 2 and run not in _ENGLISH_STOP:
            add(run, 1.5)
    for keyword in dict.fromkeys(keywords):
        if contains(norm, keyword):
            add(keyword, 1.5 if _is_latin(keyword) else min(0.5 * len(keyword), 3.0))
    return Query(features=features, norm=norm, display=display)


# --- Candidates ------------------------------------------------------------------------------------------------
@dataclass
class Candidate:
    """An instrument or a listed expert, with its texts normalised (see `normalize`)."""

    kind: str  # "instrument" or "expert"
    id: int
    label: str
    institution_id: int
    keywords: str  # application keywords of the instrument's category, or the expert's own keywords
    names: str  # instrument: name, model, maker, category names; expert: the instruments they run
    text: str  # everything searchable, keywords and names included (the catalogue's search_text; the profile)
    label_en: str = ""  # the English name, where there is one (a person's: written from the reading)
    category: str = ""  # the instrument's category, as shown
    category_en: str = ""
    group: str = ""  # what counts once for rarity (instruments: their category); empty: the candidate itself
    boosts: dict[str, float] = field(default_factory=dict, repr=False)  # set by `suggest`

    def weigh(self, features: Iterable[str], cache: dict) -> dict[str, float]:
        """feature → where it was found (KEYWORD_BOOST, NAME_BOOST, TEXT_BOOST); absent features are left out.
        Keyword fields are shared by every instrument of a category, so their look-ups are cached."""
        found = {}
        key_hits = cache.get(self.keywords)
        if key_hits is None:
            key_hits = cache[self.keywords] = {f for f in features if contains(self.keywords, f)}
        for feature in features:
            if feature in key_hits:
                found[feature] = KEYWORD_BOOST
            elif contains(self.text, feature):
                found[feature] = NAME_BOOST if contains(self.names, feature) else TEXT_BOOST
        return found


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
    `home_institutions` (the consortium asked) come first among equal scores; `keywords` are the known
    keywords (see `parse`)."""
    query = parse(text, keywords)
    if not query.features:
        return []
    idf = _weigh(query, candidates)
    denominator = sum(query.features[f] * idf[f] * KEYWORD_BOOST for f in idf)
    if not denominator:
        return []
    home = set(home_institutions)
    ranked = _ranked(_scored_by_institution(query, candidates, idf, denominator), home)
    english = institutions_en or {}
    return [
        _suggestion(institution_id, items, query, institutions, home, english)
        for institution_id, items in ranked[:limit]
    ]


def _weigh(query: Query, candidates: list[Candidate]) -> dict[str, float]:
    """Set each candidate's boosts (where it has each feature) and return the rarity (idf) of every feature some
    candidate has."""
    cache: dict = {}
    having: dict[str, set] = {f: set() for f in query.features}
    groups = set()
    for candidate in candidates:
        group = candidate.group or (candidate.kind, candidate.id)
        groups.add(group)
        candidate.boosts = candidate.weigh(query.features, cache)
        for feature in candidate.boosts:
            having[feature].add(group)
    # Rarity counts kinds of instrument, not instruments: forty FT-IRs do not make 異物 a common word.
    return {f: math.log(1 + len(groups) / len(g)) for f, g in having.items() if g}


Scored = list[tuple[float, Candidate]]


def _scored_by_institution(
    query: Query, candidates: list[Candidate], idf: dict[str, float], denominator: float
) -> dict[int, Scored]:
    """The candidates scoring at least MIN_SCORE, with their scores, by institution (in the candidates' order)."""
    scored: dict[int, Scored] = {}
    for candidate in candidates:
        if not candidate.boosts:
            continue
        score = sum(query.features[f] * idf[f] * boost for f, boost in candidate.boosts.items()) / denominator
        if score >= MIN_SCORE:
            scored.setdefault(candidate.institution_id, []).append((score, candidate))
    return scored


def _ranked(scored: dict[int, Scored], home: set[int]) -> list[tuple[int, Scored]]:
    """Institutions best first, each with its candidates best first (instruments before experts on a tie): by
    best score, then the home consortium's, then the most candidates, then id."""
    ranked = []
    for institution_id, items in scored.items():
        items.sort(key=lambda pair: (-pair[0], pair[1].kind != "instrument", pair[1].id))
        best_score = items[0][0]
        ranked.append((-best_score, institution_id not in home, -len(items), institution_id, items))
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


# Where a word matched, by its weight (consultations.suggestions words it for the reader).
WHERE = {KEYWORD_BOOST: "keywords", NAME_BOOST: "names", TEXT_BOOST: "text"}


def _item(candidate: Candidate, score: float, query: Query) -> dict:
    """One instrument or expert of a suggestion, with the words that matched grouped by where they matched
    (`groups`: [where, words] pairs, `where` one of WHERE's values), as data in no language."""
    groups: list[list] = []
    seen: set[str] = set()
    for boost, where in WHERE.items():
        features = [f for f, b in candidate.boosts.items() if b == boost]
        terms = [t for t in query.terms(features) if t not in seen]
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
