"""The translation catalogues: current with the code, complete in every language, one language per entry."""

import gettext
import re
import shutil

import polib
import pytest

from backend import catalogues
from tests.language import JAPANESE, bilingual_pairs

CATALOGUES = catalogues.catalogue_paths()


def test_every_app_with_pages_or_messages_has_a_catalogue_per_language():
    apps = {path.relative_to(catalogues.ROOT).parts[0] for path in CATALOGUES}
    assert {"backend", "consortia", "equipment", "bookings", "reports", "invoices"} <= apps
    for app in apps:
        assert {catalogues.language_of(p) for p in CATALOGUES if p.relative_to(catalogues.ROOT).parts[0] == app} == {
            "ja",
            "en",
        }


def test_no_catalogue_has_an_untranslated_or_fuzzy_entry():
    assert catalogues.untranslated_entries() == {}


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext's xgettext is not installed (apt-get install gettext); .ci/run installs it and runs this",
)
def test_the_catalogues_hold_every_message_of_the_code_and_no_other():
    assert catalogues.stale_messages() == {}


@pytest.mark.parametrize("path", [p for p in CATALOGUES if catalogues.language_of(p) == "en"], ids=str)
def test_the_english_catalogues_have_no_japanese(path):
    japanese = [e.msgstr for e in polib.pofile(str(path)) if JAPANESE.search(e.msgstr + e.msgid)]
    assert japanese == []


@pytest.mark.parametrize("path", [p for p in CATALOGUES if catalogues.language_of(p) == "ja"], ids=str)
def test_the_japanese_catalogues_write_no_english_beside_the_japanese(path):
    pairs = [e.msgstr for e in polib.pofile(str(path)) if bilingual_pairs(e.msgstr)]
    assert pairs == []


def test_compiled_catalogues_are_what_gettext_reads(tmp_path):
    source = tmp_path / "app" / "locale" / "ja" / "LC_MESSAGES"
    source.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=1; plural=0;"}
    catalogue.append(polib.POEntry(msgid="Request sent.", msgstr="予約を申請しました。"))
    catalogue.save(str(source / "django.po"))
    written = catalogues.compile_catalogues(tmp_path)
    assert written == [source / "django.mo"]
    assert catalogues.compile_catalogues(tmp_path) == []  # up to date: nothing written again
    with open(source / "django.mo", "rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext("Request sent.") == "予約を申請しました。"


def test_the_english_catalogue_is_its_message_ids_unless_reworded():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Cancel"))
    catalogue.append(polib.POEntry(msgid="Log in", msgstr="Sign in"))
    catalogue.append(polib.POEntry(msgid="%(n)d hour", msgid_plural="%(n)d hours", msgstr_plural={0: "", 1: ""}))
    guessed = {0: "%(minutes)d minute", 1: "%(minutes)d minutes"}  # msgmerge's guess from a similar message
    catalogue.append(
        polib.POEntry(msgid="%(s)d second", msgid_plural="%(s)d seconds", msgstr_plural=guessed, flags=["fuzzy"])
    )
    catalogues.fill_source_language(catalogue)
    assert [e.msgstr for e in catalogue][:2] == ["Cancel", "Sign in"]
    assert catalogue[2].msgstr_plural == {0: "%(n)d hour", 1: "%(n)d hours"}
    assert catalogue[3].msgstr_plural == {0: "%(s)d second", 1: "%(s)d seconds"}
    assert "fuzzy" not in catalogue[3].flags


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifgGeEx]|{(\w+)}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("path", CATALOGUES, ids=str)
def test_every_translation_keeps_the_placeholders_of_its_message(path):
    """A translation that loses or renames %(name)s fails at run time (KeyError), not here: so check it here."""
    wrong = []
    for entry in polib.pofile(str(path)):
        wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if text and not _placeholders(text) <= wanted:
                wrong.append((entry.msgid, text))
            elif text and not entry.msgid_plural and _placeholders(text) != wanted:
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_message_reads_the_same_in_every_apps_catalogue(language):
    """Django merges the apps' catalogues and the first app in INSTALLED_APPS wins: a message translated two ways
    would show one app's words on another's pages. Two meanings of one English word get a context (pgettext)."""
    translations: dict[tuple, dict[str, str]] = {}
    for path in (p for p in CATALOGUES if catalogues.language_of(p) == language):
        app = path.relative_to(catalogues.ROOT).parts[0]
        for entry in polib.pofile(str(path)):
            text = str(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            translations.setdefault((entry.msgctxt, entry.msgid), {})[app] = text
    assert {key: apps for key, apps in translations.items() if len(set(apps.values())) > 1} == {}
