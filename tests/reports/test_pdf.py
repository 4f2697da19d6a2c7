"""The PDF a secretariat files, read back with pypdf and rendered with pdftoppm: its definitions are in it (no source
path), months still to come are "not yet" (no 0 % point), and the generated-at stamp is Japan time."""

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import translation

from backend.periods import Period
from backend.tokyo import TOKYO
from reports.pdf import to_pdf
from reports.selectors import utilization
from tests.hostile import pdf_text

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def _body(data, *, generated: datetime) -> dict:
    """The FY 2025 report as the exports get it, as if made at `generated`."""
    body = utilization(consortium=data.h, period=Period.fiscal_year(2025)).as_dict()
    return {**body, "generated_at": generated.isoformat()}


def test_the_pdf_carries_its_definitions_and_no_source_path(data):
    text = pdf_text(to_pdf(_body(data, generated=datetime(2026, 5, 1, 9, 0, tzinfo=TOKYO))))
    assert "用語の定義" in text and "利用可能時間" in text and "期間の境目" in text
    assert "docs/" not in text and ".md" not in text
    assert "未到来" not in text.split("用語の定義")[0]  # the year is over: every month has happened


def test_months_still_to_come_are_not_drawn_and_say_not_yet(data):
    # Made on 15 January 2026 00:30 in Tokyo (still the 14th in UTC): February and March are still to come.
    made = datetime(2026, 1, 15, 0, 30, tzinfo=TOKYO)
    text = pdf_text(to_pdf(_body(data, generated=made)))
    before_definitions = text.split("用語の定義")[0]
    assert "今月と未到来の月は描いていません" in before_definitions  # the chart's caption
    assert before_definitions.count("未到来") == 1 + 2  # the caption, then February's and March's rows
    assert "（現時点まで）" in before_definitions  # January is under way
    assert "2026年1月15日00:30" in text  # (pdf_text drops spaces)  # the stamp in Japan time


def test_a_year_made_before_it_began_draws_no_month(data):
    text = pdf_text(to_pdf(_body(data, generated=datetime(2025, 3, 1, 9, 0, tzinfo=TOKYO))))
    assert text.split("用語の定義")[0].count("未到来") == 1 + 12  # the caption and every month's row
    assert "2か月が終わると描きます" in text  # no line of fewer than two points
    one_over = pdf_text(to_pdf(_body(data, generated=datetime(2025, 5, 20, 9, 0, tzinfo=TOKYO))))
    assert "2か月が終わると描きます" in one_over


def test_the_english_pdf_has_english_definitions(data):
    with translation.override("en"):
        text = pdf_text(to_pdf(_body(data, generated=datetime(2026, 1, 15, 9, 0, tzinfo=TOKYO))))
    assert "Definitions" in text and "Periodboundaries" in text and "notyet" in text and "docs/" not in text


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_pdf_renders_to_pages(data, language):
    """Every page renders; the images are kept under test-artifacts/pdf/ for a person to look at."""
    folder = ARTIFACTS / language
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pdf = folder / "report.pdf"
    with translation.override(language):
        pdf.write_bytes(to_pdf(_body(data, generated=datetime(2026, 1, 15, 9, 0, tzinfo=TOKYO))))
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "page")], check=True, timeout=60)
    pages = sorted(folder.glob("page-*.png"))
    assert len(pages) >= 4 and all(p.stat().st_size > 5_000 for p in pages)
