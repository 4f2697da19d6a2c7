"""The report page as a reader meets it: a table of contents, the stamp in Japan time, months still to come shown as
not yet (never 0 %), the definitions in the page (no source path), and the publishable outcomes previewed with their
own paged list."""

import re
from datetime import date, time, timedelta

import pytest

from reports import display, views
from reports.forms import current_fiscal_year
from tests.invoices.conftest import completed
from tests.reports.test_pages import main_of
from usage_reports.services import submit_usage_report

pytestmark = pytest.mark.django_db
PAGE = "/reports/consortium/{}/"
OUTCOMES = "/reports/consortium/{}/outcomes/"


def test_the_page_has_contents_a_tokyo_stamp_and_its_definitions_but_no_source_path(data, client):
    client.force_login(data.secretariat_h)
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}).content.decode()
    assert 'id="contents"' in body
    for anchor in ("key-figures", "charts", "by_institution", "by_instrument", "by_month", "definitions"):
        assert f'href="#{anchor}"' in body and f'id="{anchor}"' in body
    assert "時点の数値（日本時間）" in body
    assert body.count("<dt>") >= 10 and "利用可能時間" in body.split('id="definitions"')[1]
    assert "docs/" not in main_of(body)  # the site's footer links the API's docs; the report names no source


def test_an_english_reader_gets_the_definitions_in_english(data, client):
    data.secretariat_h.language = "en"
    data.secretariat_h.save()
    client.force_login(data.secretariat_h)
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    definitions = body.split('id="definitions"')[1]
    assert "Available hours" in definitions and "Japan time" in body and "docs/" not in main_of(body)


def test_months_still_to_come_are_not_yet_not_zero_percent(data, client):
    client.force_login(data.secretariat_h)
    next_year = str(current_fiscal_year() + 1)  # every month of it is still to come
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": next_year}).content.decode()
    chart = body.split('<figure class="chart">')[1]
    assert chart.count('class="bar future"') == 12  # the wide chart's columns: outlines, not bars of 0 %
    assert not re.search(r'class="value[^"]*">0\.0%<', chart) and "未到来" in chart  # no month written as 0 %
    month_table = body.split('id="by_month"')[1].split("</table>")[0]
    assert month_table.count("未到来") == 12


def test_a_past_fiscal_year_has_no_month_to_come(data, client):
    client.force_login(data.secretariat_h)
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}).content.decode()
    assert "bar future" not in body and "未到来" not in body.split('id="definitions"')[0]


@pytest.fixture
def outcomes(world, sem):
    """Five completed company uses in March 2026, each with a publishable usage report."""
    bookings = [
        completed(
            sem,
            requester=world.user_a,
            company=world.company_a,
            day=date(2026, 3, 2) + timedelta(days=n),
            start=time(10),
            minutes=60,
        )
        for n in range(5)
    ]
    for n, booking in enumerate(bookings):
        submit_usage_report(
            actor=world.user_a,
            booking=booking,
            summary=f"断面評価 {n}",
            outcome="product_development",
            today=date(2026, 3, 10),
        )
    return bookings


def test_the_page_previews_the_outcomes_and_links_to_their_paged_list(world, outcomes, client, monkeypatch):
    monkeypatch.setattr(display, "OUTCOMES_PREVIEW", 2)
    monkeypatch.setattr(views, "OUTCOMES_PAGE", 2)
    client.force_login(world.secretariat)
    body = client.get(PAGE.format(world.hokkaido.id), {"kind": "month", "month": "2026-03"}).content.decode()
    preview = body.split('class="data outcomes"')[1].split("</table>")[0]
    assert preview.count("<tr>") == 3  # the heading and two outcomes
    assert "全 5 件の成果を一覧で見る" in body
    assert f'href="{OUTCOMES.format(world.hokkaido.id)}?kind=month&amp;month=2026-03"' in body

    seen = []
    for page in (1, 2, 3):
        response = client.get(OUTCOMES.format(world.hokkaido.id), {"month": "2026-03", "kind": "month", "page": page})
        assert response.status_code == 200
        seen += [n for n in range(5) if f"断面評価 {n}" in response.content.decode()]
    assert seen == [0, 1, 2, 3, 4]  # every outcome once, in the order of use


def test_the_outcomes_list_is_refused_to_those_who_may_not_see_the_report(world, outcomes, client):
    client.force_login(world.user_a)
    assert client.get(OUTCOMES.format(world.hokkaido.id), {"kind": "month", "month": "2026-03"}).status_code == 403


def test_the_outcomes_list_names_a_bad_period(world, client):
    client.force_login(world.secretariat)
    response = client.get(OUTCOMES.format(world.hokkaido.id), {"kind": "month", "month": "2026-13"})
    assert response.status_code == 400


def test_staff_see_only_their_institutions_outcomes(world, outcomes, client):
    client.force_login(world.staff_b)  # the outcomes are of institution A's instrument
    response = client.get(OUTCOMES.format(world.hokkaido.id), {"kind": "month", "month": "2026-03"})
    assert response.status_code == 200 and "断面評価" not in response.content.decode()
    client.force_login(world.staff_a)
    assert (
        "断面評価 0"
        in client.get(OUTCOMES.format(world.hokkaido.id), {"kind": "month", "month": "2026-03"}).content.decode()
    )


def test_the_outcomes_list_takes_a_constant_number_of_queries(world, outcomes, client, django_assert_max_num_queries):
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(12):
        client.get(OUTCOMES.format(world.hokkaido.id), {"kind": "month", "month": "2026-03"})
