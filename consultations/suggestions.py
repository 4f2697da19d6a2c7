"""The matcher's suggestions as a reader sees them: names in the reader's language, and why each one fits.

A consultation keeps what the matcher suggested as data in no language (consultations.matching: names with their
English names, the words that matched grouped by where they matched). `shown` words them in the active language,
for the pages, the API and the e-mails alike: 「用途キーワード「破断面」「観察」に一致」 on a Japanese page,
"matched application keywords “破断面”, “観察”" on an English one (the words are the user's own, as typed).
Suggestions kept before the reasons were data carry no `groups`; their reason names their matched words only.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from backend.i18n import localized

WHERE = {
    "instrument": {
        "keywords": pgettext_lazy("where words matched", "application keywords"),
        "names": pgettext_lazy("where words matched", "instrument name"),
        "text": pgettext_lazy("where words matched", "catalogue text"),
    },
    "expert": {
        "keywords": pgettext_lazy("where words matched", "expertise keywords"),
        "names": pgettext_lazy("where words matched", "instruments run"),
        "text": pgettext_lazy("where words matched", "profile"),
    },
}


def words(terms) -> str:
    """The matched words, each quoted as the language quotes: “a”, “b” / 「a」「b」."""
    # Each word carries its separator (English ", ", Japanese none), so the last one's is cut off.
    return "".join(pgettext("a matched word", "“%(word)s”, ") % {"word": term} for term in terms).rstrip(", ")


def reason(kind: str, groups, matched=()) -> str:
    """Why an instrument or expert fits, from the words that matched and where."""
    if groups is None:  # kept before the reasons were data: the words only
        return _("matched %(groups)s") % {"groups": words(matched)}
    parts = [
        pgettext("a group of matched words", "%(where)s %(words)s") % {"where": WHERE[kind][where], "words": words(t)}
        for where, t in groups
        if where in WHERE[kind]
    ]
    return _("matched %(groups)s") % {"groups": pgettext("between groups of matched words", "; ").join(parts)}


def _item(kind: str, item: dict) -> dict:
    shown = {
        "id": item["id"],
        "name": localized(item.get("name", ""), item.get("name_en", "")),
        "score": item.get("score", 0),
        "matched": item.get("matched", []),
        "reason": reason(kind, item.get("groups"), item.get("matched", ())),
    }
    if kind == "instrument":
        shown["category"] = localized(item.get("category", ""), item.get("category_en", ""))
    return shown


def shown(suggestions: list[dict]) -> list[dict]:
    """Suggestions as the reader sees them: `institution` {id, name, in_consortium}, `score`, `reason` (of the best
    instrument or expert), and `instruments` and `experts`, each {id, name, score, matched, reason} (instruments
    also `category`), every name and reason in the active language."""
    result = []
    for suggestion in suggestions:
        institution = suggestion["institution"]
        instruments = [_item("instrument", i) for i in suggestion.get("instruments", ())]
        experts = [_item("expert", e) for e in suggestion.get("experts", ())]
        best = suggestion.get("best") or {}
        items = {"instrument": instruments, "expert": experts}.get(best.get("kind"), [])
        best_item = next((i for i in items if i["id"] == best.get("id")), None) or next(
            iter(instruments + experts), None
        )
        result.append(
            {
                "institution": {
                    "id": institution["id"],
                    "name": localized(institution.get("name", ""), institution.get("name_en", "")),
                    "in_consortium": institution.get("in_consortium", False),
                },
                "score": suggestion.get("score", 0),
                "reason": f"{best_item['name']}: {best_item['reason']}" if best_item else "",
                "instruments": instruments,
                "experts": experts,
            }
        )
    return result
