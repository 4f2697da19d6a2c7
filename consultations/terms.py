"""The terms of a problem described in plain Japanese: what the matcher looks for in the catalogue.

Pure functions: no ORM, no request. Japanese is written without spaces, so a description is not split into words;
instead its terms are found in three passes over the normalised text (`normalize`):

1. The dictionary: the domain terms the catalogue itself uses (the application keywords staff keep on categories,
   category names, the experts' keywords: 破断面, 金属元素, におい, 割れ) and a few everyday words companies write
   for them (`EVERYDAY`: 錆 → 腐食, 電顕 → 電子顕微鏡), found wherever they occur. A term inside a longer term
   found at the same place is not counted again (破断 and 断面 inside 破断面).
2. What the dictionary left of each kanji run is cut into bigrams (樹脂製 → 樹脂, 脂製); a lone kanji is not a term
   (分 of 分かりません, 頼 of 頼めば, 見 of 見たい), unless the dictionary has it (傷). Katakana and Latin words are
   taken whole (ゴム, sem, icp-ms). Hiragana runs (particles, endings: の, を, したい, どこ) never are.
3. Stop words: the words of company prose that say nothing of the instrument needed (相談, 依頼, 確認, 原因, 当社,
   サンプル, please, want) are dropped.

A term's weight grows with its length (a longer dictionary term is more specific); where it was found in the
text is kept, so that the reason shown to the user names the stretches they wrote.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from equipment.text import normalize_for_search

MAX_TERMS = 160  # a very long description is matched on its first terms only

# Katakana ァ..ヶ and the iteration marks ヽヾ sit 0x60 above their hiragana.
_KANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_RUNS = re.compile(
    r"(?P<kanji>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+)"
    r"|(?P<kana>[\u30a1-\u30fa\u30fc-\u30fe]+)"
    r"|(?P<latin>[a-z0-9](?:[a-z0-9+\-.]*[a-z0-9+])?)"
)
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]")
_KEYWORD_SEPARATORS = re.compile(r"[\s,、，;；/／|・()（）]+")
_LATIN = re.compile(r"[a-z0-9+\-.]+")

# Kanji words of company prose: who asks, how, why, when — never which instrument.
STOP_KANJI = frozenset(
    """当社 弊社 自社 御社 貴社 弊所 社内 工場 現場 客先 顧客 取引 先方 担当 今回 以前 先日 最近 現在 今後 場合 方法 手段
    相談 依頼 確認 可能 可否 必要 対応 問題 発生 原因 調査 検討 希望 教示 紹介 連絡 質問 使用 利用 結果 目的 内容 程度
    予定 状況 様子 具体 以下 以上 箇所 部分 一部 全体 何処 簡単 手軽 安価 費用 料金 時間 期間 納期 出来 装置 機器 設備
    機関 研究 技術 製品 商品 部品 試料 対象 一度 一緒 至急 早急 大至急 不明 分析 測定 評価 試験 検査 解析""".split()
)
# Katakana and Latin words of the same kind.
STOP_KANA = frozenset(fold for fold in "さんぷる めーかー ゆーざー わーく でーた".split())
STOP_LATIN = frozenset(
    """a an and are as at be by can could do for from how i in is it me my of on or our please the to
    we what where which who with want wants need needs would you""".split()
)
# Terms kept apart from the stop words: too general to choose an instrument alone, but they say what kind of work
# is wanted, and some categories name them (熱分析, 引張試験): found, but weighing little (see `GENERAL_WEIGHT`).
GENERAL = frozenset("分析 測定 評価 試験 検査 解析".split())
GENERAL_WEIGHT = 0.4

# Everyday words companies write, and the catalogue's word for them.
EVERYDAY = {
    "錆": "腐食",
    "さび": "腐食",
    "電顕": "電子顕微鏡",
    "顕微鏡": "顕微鏡",
    "成分": "組成",
    "ひび": "割れ",
    "クラック": "割れ",
    "気泡": "空隙",
    "材質": "材質判定",
    "匂い": "におい",
    "溶剤": "残留溶剤",
    "粒径": "粒子径",
    "粒の大きさ": "粒子径",
    "表面の凹凸": "表面粗さ",
    "ざらつき": "表面粗さ",
    "固さ": "強度",
    "硬さ": "強度",
    "引っ張": "引張試験",
    "融ける": "融点",
    "溶ける温度": "融点",
    "壊さず": "非破壊",
    "壊さない": "非破壊",
    "結晶の種類": "結晶相",
    "有機": "有機物",
    "香り": "香気",
    "何度まで": "耐熱性",
    "3d": "三次元",
    "立体": "三次元",
    "厚み": "膜厚",
    "厚さ": "膜厚",
    "混ざ": "異物",
    "混入": "異物",
    "正体": "同定",
    "はがれ": "密着不良",
    "剥がれ": "密着不良",
    "汚れ": "汚染",
}


def fold_kana(text: str) -> str:
    return text.translate(_KANA_TO_HIRAGANA)


def normalize(text: str) -> str:
    """The catalogue's normalisation (NFKC and casefold: ＩＣＰ‐ＭＳ and icp-ms agree), then katakana → hiragana
    (ｲｵﾝ, イオン and いおん agree): whatever the catalogue finds in a text, this finds too."""
    return fold_kana(normalize_for_search(text))


def split_keywords(text: str) -> list[str]:
    """A keyword field's keywords (separated by spaces, commas, 、, ・ or brackets), normalised; two characters or
    more, or a single kanji (傷)."""
    return [k for k in _KEYWORD_SEPARATORS.split(normalize(text)) if len(k) >= 2 or _KANJI.fullmatch(k)]


def is_latin(term: str) -> bool:
    return _LATIN.fullmatch(term) is not None


def _latin_at(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole Latin word there (sem is in "fe-sem" but not in "semiconductor")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def occurrences(text: str, term: str) -> list[int]:
    """Where `term` occurs in `text` (a Latin term as a whole word only)."""
    found, start = [], text.find(term)
    while start != -1:
        if not is_latin(term) or _latin_at(text, start, start + len(term)):
            found.append(start)
        start = text.find(term, start + 1)
    return found


def contains(text: str, term: str) -> bool:
    if not is_latin(term):
        return term in text
    return bool(occurrences(text, term))


def is_stop(term: str) -> bool:
    return term in STOP_KANJI and term not in GENERAL or term in STOP_KANA or term in STOP_LATIN


# --- The description -------------------------------------------------------------------------------------------
@dataclass
class Query:
    """A description's terms (normalised → weight), where each was found, and the text to cut them from."""

    features: dict[str, float]
    display: str  # NFKC only, aligned with the normalised text character by character: where words are cut from
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def terms(self, matched: Iterable[str]) -> list[str]:
        """The stretches of the description covered by matched terms, as the user wrote them (in order)."""
        covered = [False] * len(self.display)
        for feature in matched:
            for start, end in self.spans.get(feature, ()):
                covered[start:end] = [True] * (end - start)
        words, current = [], []
        for char, on in zip(self.display, covered):
            if on:
                current.append(char)
            elif current:
                words.append("".join(current))
                current = []
        if current:
            words.append("".join(current))
        return list(dict.fromkeys(w for w in words if w.strip()))


def _weight(term: str) -> float:
    if term in GENERAL:
        return GENERAL_WEIGHT
    if is_latin(term):
        return 1.5
    return min(0.5 * len(term), 2.0) if len(term) > 2 else 1.0


def _dictionary_hits(norm: str, dictionary: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every dictionary term found, leaving out a term inside a longer one found there."""
    hits = []
    for word in dict.fromkeys(dictionary):
        term = EVERYDAY.get(word, word)
        hits += [(start, start + len(word), term) for start in occurrences(norm, word)]
    hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, term in hits:
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _t in kept):
            kept.append((start, end, term))
    return kept


def parse(text: str, keywords: Iterable[str] = ()) -> Query:
    """The terms of a description: the dictionary's (the known `keywords` and EVERYDAY's words) wherever they
    occur, bigrams of the kanji the dictionary left, katakana and Latin words; no stop words, no lone kanji."""
    display = unicodedata.normalize("NFKC", text or "")
    folded_case = display.casefold()
    if len(folded_case) != len(display):  # a rare character grew under casefold (ß → ss): show normalised text
        display = folded_case
    norm = fold_kana(folded_case)
    query = Query(features={}, display=display)

    def add(term: str, start: int, end: int, weight: float | None = None) -> None:
        if is_stop(term) or (len(query.features) >= MAX_TERMS and term not in query.features):
            return
        weight = _weight(term) if weight is None or term in GENERAL else weight
        query.features[term] = max(query.features.get(term, 0.0), weight)
        query.spans.setdefault(term, []).append((start, end))

    covered = [False] * len(norm)
    for start, end, term in _dictionary_hits(norm, [*keywords, *EVERYDAY]):
        add(term, start, end)
        covered[start:end] = [True] * (end - start)
    for match in _RUNS.finditer(folded_case):  # before kana folding: katakana words are words, hiragana are not
        start, end, run = match.start(), match.end(), fold_kana(match.group())
        if match.lastgroup == "kanji":
            for piece_start, piece_end in _uncovered(covered, start, end):
                # The bigrams of a word share its weight: 射出成形 is one word, not three (射出, 出成, 成形).
                length = piece_end - piece_start
                for i in range(piece_start, piece_end - 1):
                    add(norm[i : i + 2], i, i + 2, min(0.5 * length, 2.0) / (length - 1) if length > 2 else 1.0)
        elif any(covered[start:end]):
            continue
        elif match.lastgroup == "kana" and len(run.strip("ー")) >= 2:
            add(run, start, end)
        elif match.lastgroup == "latin" and any(c.isalpha() for c in run) and len(run) >= 2:
            add(run, start, end)
    return query


def _uncovered(covered: list[bool], start: int, end: int) -> list[tuple[int, int]]:
    """The stretches of [start, end) no dictionary term covers."""
    pieces, piece_start = [], None
    for i in range(start, end + 1):
        free = i < end and not covered[i]
        if free and piece_start is None:
            piece_start = i
        elif not free and piece_start is not None:
            pieces.append((piece_start, i))
            piece_start = None
    return pieces
