"""The matcher on Japanese text: pure functions, no database."""

import time

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from consultations import matching
from consultations.matching import Candidate, normalize, parse, suggest
from consultations.suggestions import shown

SEM_KEYWORDS = "表面観察 破断面 微細構造 めっき ゴム"
ICP_KEYWORDS = "微量 金属元素 定量 におい"


def instrument(id, label, keywords, *, institution_id=None, names="", text="", category="分類"):
    keywords, names = normalize(keywords), normalize(f"{label} {names}")
    return Candidate(
        kind="instrument",
        id=id,
        label=label,
        institution_id=institution_id or id,
        keywords=keywords,
        names=names,
        text=f"{normalize(text)} {names} {keywords}",
        category=category,
    )


def expert(id, name, keywords, *, institution_id, runs=""):
    keywords, names = normalize(keywords), normalize(runs)
    return Candidate(
        kind="expert",
        id=id,
        label=name,
        institution_id=institution_id,
        keywords=keywords,
        names=names,
        text=f"{keywords} {names}",
    )


def catalogue():
    return [
        instrument(
            1, "走査電子顕微鏡 JSM-IT800", SEM_KEYWORDS, names="日本電子 JSM-IT800 SEM", category="走査電子顕微鏡"
        ),
        instrument(2, "ICP質量分析装置 7900", ICP_KEYWORDS, names="ICP-MS アジレント", category="ICP質量分析装置"),
        instrument(3, "X線回折装置 SmartLab", "結晶構造 結晶相 同定", names="XRD リガク", text="粉末試料の測定"),
    ]


INSTITUTIONS = {1: "機関A", 2: "機関B", 3: "機関C"}


def keywords_of(candidates):
    return [k for c in candidates for k in matching.split_keywords(c.keywords)]


def best(text, candidates=None, *, language="ja"):
    """The best suggestion as a reader of `language` sees it (consultations.suggestions.shown)."""
    candidates = candidates or catalogue()
    found = suggest(text, candidates, institutions=INSTITUTIONS, keywords=keywords_of(candidates))
    with translation.override(language):
        return shown(found[:1])[0] if found else None


# --- Normalisation ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variant, folded",
    [
        ("ＳＥＭ", "sem"),
        ("ｓｅｍ", "sem"),
        ("ICP‐MS", normalize("ICP‐MS")),
        ("ｲｵﾝ", "いおん"),  # half-width katakana → katakana → hiragana
        ("イオン", "いおん"),
        ("いおん", "いおん"),
        ("メッキ", "めっき"),
        ("ｺﾞﾑ", "ごむ"),
        ("ヴ", "ゔ"),
        ("破断面", "破断面"),
    ],
)
def test_normalisation_folds_width_case_and_katakana_to_hiragana(variant, folded):
    assert normalize(variant) == folded


@given(st.text())
def test_normalisation_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


def test_features_are_dictionary_terms_kanji_bigrams_and_words_not_particles():
    query = parse("樹脂の破断面を観察したい。ゴムとSEMも", keywords=["破断面", "めっき"])
    assert set(query.features) == {"樹脂", "観察", "ごむ", "sem", "破断面"}  # 破断, 断面: inside the term 破断面
    assert "した" not in query.features and "の" not in query.features


def test_lone_kanji_and_the_words_of_company_prose_are_not_terms():
    query = parse("樹脂の破断面を観察したい。どこに頼めばよいか分かりません。当社で相談・依頼を検討しています")
    assert set(query.features) == {"樹脂", "破断", "断面", "観察"}


def test_a_lone_kanji_the_dictionary_knows_is_a_term():
    assert "傷" in parse("表面に傷がある", keywords=matching.split_keywords("傷 腐食")).features


def test_everyday_words_find_the_catalogues_word_and_the_reason_names_the_users_word():
    candidates = [instrument(1, "SEM", "腐食 割れ"), instrument(2, "XRD", "結晶構造")]
    top = best("部品に錆が出た", candidates)
    assert top["instruments"][0]["id"] == 1 and top["instruments"][0]["matched"] == ["錆"]


def test_keywords_split_on_spaces_commas_and_middle_dots():
    assert matching.split_keywords("表面観察・破断面、微細構造, ＥＤＳ　x") == ["表面観察", "破断面", "微細構造", "eds"]


# --- Matching ---------------------------------------------------------------------------------------------------
def test_a_japanese_sentence_without_spaces_finds_the_sem_with_a_reason_naming_the_keywords():
    top = best("樹脂の破断面を観察したい")
    assert top["institution"] == {"id": 1, "name": "機関A", "in_consortium": False}
    assert top["instruments"][0]["id"] == 1 and top["instruments"][0]["category"] == "走査電子顕微鏡"
    assert (
        top["reason"].startswith(f"{top['instruments'][0]['name']}: ")
        and "「破断面」「観察」" in top["reason"]
        and "に一致" in top["reason"]
    )
    assert "matched" not in top["reason"]  # one language
    assert top["instruments"][0]["matched"][:2] == ["破断面", "観察"]
    assert 0 < top["score"] <= 1


def test_the_reason_is_worded_in_the_readers_language_with_the_users_own_words():
    english = best("樹脂の破断面を観察したい", language="en")
    assert "matched application keywords “破断面”, “観察”" in english["reason"]
    assert "「" not in english["reason"] and "一致" not in english["reason"]
    japanese = best("樹脂の破断面を観察したい")
    assert "用途キーワード「破断面」「観察」" in japanese["reason"]


def test_what_is_kept_is_data_in_no_language():
    found = suggest(
        "樹脂の破断面を観察したい", catalogue(), institutions=INSTITUTIONS, keywords=keywords_of(catalogue())
    )
    item = found[0]["instruments"][0]
    assert item["groups"][0] == ["keywords", ["破断面", "観察"]]
    assert "reason" not in item and "reason" not in found[0] and found[0]["best"] == {"kind": "instrument", "id": 1}


def test_suggestions_kept_before_reasons_were_data_are_explained_by_their_words():
    legacy = {
        "institution": {"id": 1, "name": "機関A", "in_consortium": True},
        "score": 0.5,
        "reason": "SEM: 用途キーワード「破断面」に一致 (matched application keywords 破断面)",
        "instruments": [
            {
                "id": 1,
                "name": "SEM",
                "score": 0.5,
                "matched": ["破断面"],
                "reason": "用途キーワード「破断面」に一致 (matched application keywords 破断面)",
                "category": "走査電子顕微鏡",
            }
        ],
        "experts": [],
    }
    with translation.override("en"):
        assert shown([legacy])[0]["reason"] == "SEM: matched “破断面”"
    with translation.override("ja"):
        assert shown([legacy])[0]["instruments"][0]["reason"] == "「破断面」に一致"


def test_trace_metals_find_the_icp_ms():
    top = best("微量な金属元素を定量したい")
    assert top["instruments"][0]["id"] == 2
    assert top["score"] == 0.9  # all in the application keywords: a keyword earns 0.9, a name 1
    assert "「微量」「金属元素」「定量」" in top["reason"]


@pytest.mark.parametrize("query", ["メッキの表面を見たい", "めっきの表面を見たい", "ﾒｯｷの表面を見たい", "メッキ"])
def test_a_keyword_matches_in_katakana_hiragana_and_half_width(query):
    assert best(query)["instruments"][0]["id"] == 1


@pytest.mark.parametrize("query", ["ゴム", "ごむ", "ｺﾞﾑ", "ゴムの劣化"])
def test_a_katakana_keyword_matches_when_the_user_writes_hiragana(query):
    top = best(query)
    assert top["instruments"][0]["id"] == 1
    assert top["instruments"][0]["matched"]  # named as the user wrote it


@pytest.mark.parametrize("query", ["ＩＣＰ－ＭＳで測りたい", "icp-ms", "ICP-MS", "ｉｃｐ－ｍｓ"])
def test_instrument_names_match_in_any_width_and_case(query):
    assert best(query)["instruments"][0]["id"] == 2


def test_a_keyword_in_the_candidates_keywords_in_another_width_still_matches():
    candidates = [instrument(1, "装置", "ＥＤＳ 表面観察"), instrument(2, "他", "結晶")]
    assert best("EDSで元素を見たい", candidates)["instruments"][0]["id"] == 1


def test_latin_words_match_whole_words_only():
    candidates = [instrument(1, "semiconductor tester", "検査"), instrument(2, "FE-SEM", "観察")]
    top = best("SEM", candidates)
    assert top["instruments"][0]["id"] == 2
    assert all(s["institution"]["id"] != 1 for s in suggest("sem", candidates, institutions=INSTITUTIONS))


def test_an_unrelated_or_empty_description_suggests_nothing():
    assert best("こんにちは、よろしくお願いします") is None
    assert best("") is None


def test_experts_are_suggested_with_their_institution_and_keywords():
    candidates = catalogue() + [expert(10, "鈴木 一郎", "破面解析 破断面", institution_id=1, runs="JSM-IT800")]
    top = best("樹脂の破断面を観察したい", candidates)
    assert top["institution"]["id"] == 1
    assert top["experts"] == [
        {
            "id": 10,
            "name": "鈴木 一郎",
            "score": top["experts"][0]["score"],
            "matched": ["破断面"],
            "reason": "専門キーワード「破断面」に一致",
        }
    ]


def test_institutions_of_the_consortium_asked_come_first_among_equal_scores():
    twins = [instrument(1, "SEM A", SEM_KEYWORDS), instrument(2, "SEM B", SEM_KEYWORDS)]
    found = suggest("破断面", twins, institutions=INSTITUTIONS, home_institutions={2}, keywords=keywords_of(twins))
    assert [s["institution"]["id"] for s in found] == [2, 1]
    assert found[0]["institution"]["in_consortium"] is True


def test_among_equal_scores_away_from_home_the_institution_with_more_matches_comes_first():
    """Institution 1 has one SEM, institution 3 two, all alike: 3 first; then ids decide, and within an
    institution instruments come before an expert of the same score, lower ids first."""
    candidates = [
        instrument(1, "SEM A", SEM_KEYWORDS),
        instrument(5, "SEM C2", SEM_KEYWORDS, institution_id=3),
        instrument(4, "SEM C1", SEM_KEYWORDS, institution_id=3),
        expert(3, "専門家", SEM_KEYWORDS, institution_id=3),  # a lower id than the instruments, and second
        instrument(2, "SEM B", SEM_KEYWORDS),
    ]
    found = suggest("破断面", candidates, institutions=INSTITUTIONS, keywords=keywords_of(candidates))
    assert [s["institution"]["id"] for s in found] == [3, 1, 2]
    assert [i["id"] for i in found[0]["instruments"]] == [4, 5]
    assert shown(found)[0]["reason"].startswith("SEM C1: ")


def test_rare_features_weigh_more_than_common_ones():
    """観察 is everywhere, 破断面 in one: the instrument with 破断面 wins."""
    candidates = [instrument(i, f"顕微鏡{i}", "観察") for i in range(1, 6)] + [instrument(9, "SEM", "破断面")]
    assert best("破断面を観察", candidates)["instruments"][0]["id"] == 9


def test_a_match_in_a_name_outranks_a_match_in_a_long_description():
    long_text = "各種材料の評価に用いる汎用装置です。" * 10 + "ラマン"
    candidates = [
        instrument(1, "分光装置", "材料", text=long_text),
        instrument(2, "顕微ラマン分光装置", "材料"),
        instrument(3, "XRD", "結晶構造"),
    ]
    found = suggest("ラマンで測りたい", candidates, institutions=INSTITUTIONS, keywords=keywords_of(candidates))
    assert [s["institution"]["id"] for s in found] == [2]  # the description's match is far behind: left out
    assert found[0]["score"] == 1.0
    alone = suggest("ラマンで測りたい", [candidates[0], candidates[2]], institutions=INSTITUTIONS)
    assert [s["institution"]["id"] for s in alone] == [1]  # …but found when nothing fits better
    assert alone[0]["instruments"][0]["groups"] == [["text", ["ラマン"]]]


def test_instruments_that_fit_stand_apart_from_those_that_share_a_common_word():
    """Every kind has 観察 somewhere: the SEMs with 破断面 score high, the rest are left out."""
    candidates = [instrument(i, f"SEM {i}", SEM_KEYWORDS, category="sem") for i in (1, 2, 3)] + [
        instrument(4, "TEM", "原子像 ナノ粒子", text="原子像観察"),
        instrument(5, "X線CT", "内部構造 非破壊", text="内部の観察"),
        instrument(6, "XRD", "結晶構造", text="試料の観察"),
    ]
    for c in candidates:
        c.group = c.label.split()[0]
    found = suggest("樹脂の破断面を観察したい", candidates, institutions={}, keywords=keywords_of(candidates))
    assert [s["institution"]["id"] for s in found] == [1, 2, 3]
    assert all(s["score"] >= 0.8 for s in found)


def test_at_most_five_institutions_and_three_instruments_each():
    many = [instrument(i, f"SEM {i}", SEM_KEYWORDS, institution_id=i % 7) for i in range(1, 40)]
    found = suggest("破断面", many, institutions={}, keywords=keywords_of(many))
    assert len(found) == 5 and all(len(s["instruments"]) <= 3 for s in found)


def test_five_thousand_instruments_are_scored_quickly():
    many = [
        instrument(
            i,
            f"装置{i} 型式{i}",
            SEM_KEYWORDS if i % 15 == 0 else ICP_KEYWORDS if i % 15 == 1 else "結晶構造 粉末",
            institution_id=i % 400,
            text="金属・樹脂・セラミックスの評価に使われる汎用の分析装置です。" * 3,
        )
        for i in range(5000)
    ]
    text = "当社の樹脂成形品に割れが発生し、破断面を観察したい。めっき液中の微量な金属元素も定量したい。" * 4
    started = time.perf_counter()
    found = suggest(text, many, institutions={}, keywords=keywords_of(many))
    assert time.perf_counter() - started < 2.0
    assert found
