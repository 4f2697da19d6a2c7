"""The contribution pages and downloads: who sees what, per role and per object."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from consortia.models import Role
from tests.factories import CompanyFactory, UserFactory, give_role

PAGE = reverse("contributions")
LENDING = reverse("lending-statements")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_an_operator_sees_only_their_own_figures(client, world):
    client.force_login(world.lent_op.user)
    page = client.get(PAGE, {"month": "2026-10"})
    assert page.status_code == 200
    assert "4.50 h" in page.content.decode()
    assert world.shy_op.user.display_name not in page.content.decode()
    assert client.get(PAGE, {"institution": world.a.id, "month": "2026-10"}).status_code == 403
    assert client.get(PAGE, {"operator": world.shy_op.id}).status_code == 403


def test_a_staff_admin_sees_their_institution_by_name_and_not_another(client, world):
    client.force_login(world.admin_a)
    page = client.get(PAGE, {"institution": world.a.id, "month": "2026-10"})
    assert page.status_code == 200
    assert world.shy_op.user.display_name in page.content.decode()
    assert client.get(PAGE, {"institution": world.b.id}).status_code == 403
    client.force_login(world.admin_c)
    assert client.get(PAGE, {"institution": world.a.id}).status_code == 403


def test_the_secretariat_sees_its_consortium_without_unconsented_names_in_the_page_and_the_csv(client, world):
    client.force_login(world.secretariat_k)
    page = client.get(PAGE, {"consortium": world.k.id, "month": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    assert world.lent_op.user.display_name in html and world.shy_op.user.display_name not in html
    download = client.get(PAGE, {"consortium": world.k.id, "month": "2026-10", "format": "csv"})
    rows = _csv(download)
    assert world.shy_op.user.display_name not in download.content.decode("utf-8-sig")
    total = [r for r in rows if r[0] in ("合計", "Total")][0]
    assert total[4] == "9.50"
    client.force_login(world.secretariat_z)
    assert client.get(PAGE, {"consortium": world.k.id}).status_code == 403


@pytest.mark.parametrize("who", ["company", "nobody"])
def test_company_users_and_people_without_a_role_are_refused(client, world, who):
    user = UserFactory()
    if who == "company":
        give_role(user, Role.Kind.COMPANY_MEMBER, company=CompanyFactory())
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.get(LENDING).status_code == 403
    assert (
        client.get(reverse("lending-statement-download", args=[world.a.id, world.b.id, "2026-10", "csv"])).status_code
        == 403
    )


def test_not_logged_in_goes_to_the_login_page(client, world):
    assert client.get(PAGE).status_code == 302


def test_both_institutions_and_the_secretariat_see_the_statement_and_its_downloads(client, world):
    url = reverse("lending-statement-download", args=[world.a.id, world.b.id, "2026-10", "csv"])
    pdf = reverse("lending-statement-download", args=[world.a.id, world.b.id, "2026-10", "pdf"])
    for user in (world.admin_a, world.admin_b, world.secretariat_k):
        client.force_login(user)
        page = client.get(LENDING, {"month": "2026-10"})
        assert page.status_code == 200 and world.lent_op.user.display_name in page.content.decode()
        rows = _csv(client.get(url))
        assert [rows[5][1], *rows[5][3:]] == [world.lent_op.user.display_name, "2.50", "5000", "12500"]
        assert rows[-1][-1] == "13750"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(pdf).content)).pages)
        assert "12,500" in text and "13,750" in text
    for user in (world.admin_c, world.secretariat_z, world.lent_op.user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(world.admin_c)
    assert world.lent_op.user.display_name not in client.get(LENDING, {"month": "2026-10"}).content.decode()


def test_the_pages_read_in_english_for_an_english_reader(client, world):
    world.admin_a.language = "en"
    world.admin_a.save()
    client.force_login(world.admin_a)
    page = client.get(PAGE, {"institution": world.a.id, "month": "2026-10"})
    html = page.content.decode()
    assert "Staff contributions" in html and "Hours operated" in html and "技術職員の貢献" not in html
    lending = client.get(LENDING, {"month": "2026-10"}).content.decode()
    assert "Lent-hours statements" in lending and "¥12,500" in lending
    client.force_login(world.admin_b)  # Japanese, the default
    japanese = client.get(PAGE, {"institution": world.b.id, "month": "2026-10"})
    assert "技術職員の貢献" in japanese.content.decode() and "Staff contributions" not in japanese.content.decode()
