"""The translation catalogues: each app's `locale/<language>/LC_MESSAGES/django.po`, with English message ids.

- `update`: Django's makemessages (needs GNU gettext's xgettext, a developer's tool) for every language of
  settings.LANGUAGES, then the English catalogue is filled with its own message ids (as gettext's `msgen` does), so
  that an editor may reword English there without touching the code; a new message in any other language waits,
  empty, for its translator.
- `compile`: every .po to its .mo with polib (pure Python: a bare machine needs no gettext), only where out of date.
  `make run` and `make test` call it; the .mo files are not committed.
- `check`: what CI refuses: a message in the code that no catalogue holds (stale; needs xgettext), and an entry
  that is untranslated or fuzzy in any catalogue.

The command-line entry is `manage.py catalogues update|compile|check`.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
# What makemessages reads: the product. Tests, the development tools and everything hidden are left out.
IGNORED = ["tests/*", "devtools/*", "docs/*", "media/*", "staticfiles/*", "test-artifacts/*", "sent-mail/*"]
PLURAL_FORMS = {"ja": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
SOURCE_LANGUAGE = "en"  # the language of the message ids


def catalogue_paths(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.glob("*/locale/*/LC_MESSAGES/django.po"))


def language_of(path: Path) -> str:
    return path.parent.parent.name


def compile_catalogues(root: Path = ROOT, *, force: bool = False) -> list[Path]:
    """Write each .mo whose .po is newer (or every one, with force); the paths written."""
    written = []
    for po_path in catalogue_paths(root):
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


def _makemessages(cwd: Path, languages: list[str]) -> None:
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--add-location=file", "--no-wrap"]
    command += [f"--locale={language}" for language in languages]
    command += [f"--ignore={pattern}" for pattern in IGNORED]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"makemessages failed:\n{done.stderr[-2000:]}")


def _fix_header(catalogue: polib.POFile, language: str) -> None:
    """A stable header (no dates, which would change at every update and make every merge a conflict)."""
    plural_forms = PLURAL_FORMS.get(language) or catalogue.metadata.get("Plural-Forms", "")
    catalogue.header = f"Kyoyo's messages in {language}. The message ids are English: see docs/translation.md."
    catalogue.metadata = {
        "Project-Id-Version": "Kyoyo",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms,
    }
    catalogue.metadata_is_fuzzy = False


def fill_source_language(catalogue: polib.POFile) -> None:
    """English = the message ids, where nobody has written another English wording (gettext's msgen)."""
    for entry in catalogue:
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:  # a guess of msgmerge's from a similar message: English is the id itself
            entry.flags.remove("fuzzy")
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


def ensure_locale_dirs(root: Path, languages: list[str]) -> None:
    """makemessages writes an app's messages into the app's own locale/ only where that folder exists."""
    for app in ("backend", *_product_apps(root)):
        for language in languages:
            (root / app / "locale" / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)


def _product_apps(root: Path) -> list[str]:
    from django.conf import settings

    names = [name for name in settings.INSTALLED_APPS if "." not in name and name != "devtools"]
    return [name for name in names if (root / name / "apps.py").exists()]


def update(root: Path = ROOT, languages: list[str] | None = None) -> None:
    from django.conf import settings

    languages = languages or [code for code, _ in settings.LANGUAGES]
    ensure_locale_dirs(root, languages)
    _makemessages(root, languages)
    for path in catalogue_paths(root):
        catalogue = polib.pofile(str(path), wrapwidth=0)
        _fix_header(catalogue, language_of(path))
        if language_of(path) == SOURCE_LANGUAGE:
            fill_source_language(catalogue)
        catalogue.save()


def _messages(path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if not entry.obsolete}


def stale_messages(root: Path = ROOT) -> dict[str, set]:
    """{catalogue: messages the code has that it lacks, or holds that the code no longer has}: makemessages is
    run on a copy of the product, and its catalogues are compared with the committed ones."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "src"
        shutil.copytree(
            root,
            copy,
            ignore=shutil.ignore_patterns(".*", "__pycache__", "media", "tests", "*.sqlite3*", "*.mo"),
        )
        from django.conf import settings

        update(copy, [code for code, _ in settings.LANGUAGES])
        differences = {}
        for fresh in catalogue_paths(copy):
            relative = fresh.relative_to(copy)
            committed = root / relative
            have = _messages(committed) if committed.exists() else set()
            want = _messages(fresh)
            if have != want:
                differences[str(relative)] = {"missing": want - have, "unused": have - want}
        return differences


def untranslated_entries(root: Path = ROOT) -> dict[str, list[str]]:
    """{catalogue: msgids without a translation, or marked fuzzy}."""
    found = {}
    for path in catalogue_paths(root):
        bad = [
            entry.msgid
            for entry in polib.pofile(str(path))
            if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
        ]
        if bad:
            found[str(path.relative_to(root))] = bad
    return found
