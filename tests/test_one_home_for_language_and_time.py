"""Issue #17: text goes through the catalogues, and the Tokyo zone and the refusal of naive date-times each have
one home (backend.tokyo, backend.plumbing.naive_datetime_error)."""

import re

from tests.test_code_shape import ROOT, name, product_modules

TEMPLATES = sorted(p for p in ROOT.glob("*/templates/**/*") if p.is_file() and p.parts[-4] != "devtools")


def _sources_with(pattern: str) -> list[str]:
    found = re.compile(pattern, re.MULTILINE)
    return [name(path) for path in product_modules() if found.search(path.read_text(encoding="utf-8"))]


def test_the_tokyo_zone_is_defined_once():
    assert _sources_with(r'ZoneInfo\(\s*"Asia/Tokyo"\s*\)') == ["backend/tokyo.py"]
    assert _sources_with(r"^TOKYO\s*=") == ["backend/tokyo.py"]


def test_the_naive_datetime_refusal_is_written_once():
    assert _sources_with(r"[\"']naive_datetime[\"']") == ["backend/plumbing.py"]


def test_no_template_writes_two_languages_through_the_retired_tags():
    retired = re.compile(r"{%\s*(tr|bi)\s|\|\s*split_label")
    assert [name(t) for t in TEMPLATES if t.suffix in (".html", ".txt") and retired.search(t.read_text("utf-8"))] == []


def test_each_e_mail_is_one_template_whose_text_goes_through_the_catalogues():
    assert [name(t) for t in TEMPLATES if re.search(r"\.(ja|en)\.txt$", t.name)] == []


def test_the_retired_template_tags_are_gone():
    tags = (ROOT / "backend/templatetags/kyoyo.py").read_text("utf-8")
    assert not re.search(r"def (tr|bi|split_label)\(", tags)
