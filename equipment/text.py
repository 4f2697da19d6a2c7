"""Text normalisation for search: full-width/half-width and case do not matter."""

import unicodedata


def normalize_for_search(text: str) -> str:
    """NFKC folds full-width letters and digits (ＳＥＭ → SEM) and half-width kana (ｾﾑ → セム);
    casefold folds case. The same function is applied to stored text and to queries."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def search_terms(query: str) -> list[str]:
    """A query's terms, split on any white space (including the ideographic space)."""
    return [term for term in normalize_for_search(query).split() if term]
