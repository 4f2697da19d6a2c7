"""/api/v1/contributions/ and /api/v1/lending-statements/: the same scopes and refusals as the pages."""

import io

import pytest
from pypdf import PdfReader

from consortia.models import Role
from tests.factories import CompanyFactory, UserFactory, give_role

FIGURES = "/api/v1/contributions/"
STATEMENT = "/api/v1/lending-statements/"
H = 3_600_000_000


def person(world, who):
    """A user of the world by name (an operator stands for their user)."""
    found = getattr(world, who)
    return getattr(found, "user", found)


def test_an_operator_gets_their_own_figures_by_default(client_for, world):
    body = client_for(world.lent_op.user).get(FIGURES, {"month": "2026-10"}).json()
    assert body["scope"] == {"kind": "operator", "id": world.lent_op.id, "label": world.lent_op.user.display_name}
    assert body["totals"]["us"] == int(4.5 * H) and body["totals"]["hours"] == 4.5
    assert [row["key"] for row in body["by_operator"]] == [world.lent_op.id]
    assert {row["key"]: row["us"] for row in body["by_lent"]} == {"own": 2 * H, "lent": int(2.5 * H)}


def test_the_secretariat_gets_per_institution_and_named_operators_only_with_consent(client_for, world):
    body = client_for(world.secretariat_k).get(FIGURES, {"consortium": world.k.id, "fy": "2026"}).json()
    by_institution = {row["key"]: row for row in body["by_institution"]}
    assert by_institution[world.a.id]["us"] == int(8.5 * H)
    assert by_institution[world.a.id]["lent_out_us"] == int(2.5 * H)
    labels = [row["label"] for row in body["by_operator"]]
    assert world.shy_op.user.display_name not in labels
    assert world.shy_op.id not in [row["key"] for row in body["by_operator"]]
    for name in ("by_institution", "by_operator", "by_instrument", "by_mode", "by_category", "by_lent"):
        assert sum(row["us"] for row in body[name]) == body["totals"]["us"], name


@pytest.mark.parametrize(
    "who, params",
    [
        ("lent_op", {"institution": "a"}),
        ("admin_c", {"institution": "a"}),
        ("admin_a", {"institution": "b"}),
        ("secretariat_z", {"consortium": "k"}),
        ("admin_a", {"consortium": "k"}),
    ],
)
def test_scopes_the_caller_does_not_hold_are_refused_before_the_period(client_for, world, who, params):
    ids = {key: getattr(world, value).id for key, value in params.items()}
    response = client_for(person(world, who)).get(FIGURES, ids)  # no period: the refusal comes first
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed_to_see_contributions"


def test_a_company_user_is_refused_and_anonymous_is_401(client_for, world, api):
    user = UserFactory()
    give_role(user, Role.Kind.COMPANY_MEMBER, company=CompanyFactory())
    assert client_for(user).get(FIGURES, {"fy": "2026"}).status_code == 403
    assert api.get(FIGURES, {"fy": "2026"}).status_code in (401, 403)


def test_period_and_format_refusals_name_the_field(client_for, world):
    client = client_for(world.admin_a)
    assert client.get(FIGURES, {"institution": world.a.id}).json()["code"] == "period_required"
    assert client.get(FIGURES, {"institution": world.a.id, "month": "2026-13"}).json()["field"] == "month"
    refused = client.get(FIGURES, {"institution": world.a.id, "fy": "2026", "format": "xlsx"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_format"
    assert (
        client.get(FIGURES, {"institution": world.a.id, "fy": "2026", "colour": "red"}).json()["code"]
        == "unknown_field"
    )


def test_the_csv_of_the_api_is_the_pages(client_for, world):
    response = client_for(world.admin_a).get(FIGURES, {"institution": world.a.id, "month": "2026-10", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert world.shy_op.user.display_name in response.content.decode("utf-8-sig")


def test_the_statement_in_json_csv_and_pdf(client_for, world):
    params = {"month": "2026-10", "lender": world.a.id, "borrower": world.b.id}
    for user in (world.admin_a, world.admin_b, world.secretariat_k):
        body = client_for(user).get(STATEMENT, params).json()
        assert [(line["operator"], line["us"], line["amount_jpy"]) for line in body["lines"]] == [
            (world.lent_op.user.display_name, int(2.5 * H), 12_500)
        ]
        assert (body["subtotal_jpy"], body["tax_jpy"], body["total_jpy"]) == (12_500, 1_250, 13_750)
    client = client_for(world.admin_b)
    assert "13750" in client.get(STATEMENT, {**params, "format": "csv"}).content.decode("utf-8-sig")
    pdf = client.get(STATEMENT, {**params, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "13,750" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


@pytest.mark.parametrize("who", ["admin_c", "secretariat_z", "lent_op"])
def test_the_statement_is_refused_to_others(client_for, world, who):
    params = {"month": "2026-10", "lender": world.a.id, "borrower": world.b.id}
    response = client_for(person(world, who)).get(STATEMENT, params)
    assert response.status_code == 403 and response.json()["code"] == "not_allowed_to_see_statement"


def test_the_statement_needs_both_institutions_and_a_month(client_for, world):
    client = client_for(world.admin_a)
    assert client.get(STATEMENT, {"month": "2026-10", "lender": world.a.id}).json()["code"] == "borrower_required"
    response = client.get(STATEMENT, {"lender": world.a.id, "borrower": world.b.id})
    assert response.status_code == 400 and response.json()["code"] == "month_required"


def test_both_endpoints_are_in_the_schema(client_for, world):
    schema = client_for(world.admin_a).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/contributions/" in schema and "/api/v1/lending-statements/" in schema
