"""One language per answer: the API's refusals keep their code and say `detail` in the reader's language only (the
user's setting, else Accept-Language, Japanese by default), and the base pages (log in, password reset, 403, 404,
503) are wholly in the page's language."""

import re

import pytest
from django.test import override_settings
from django.urls import path
from rest_framework.test import APIClient

from backend import outages
from backend.api import throttled_message
from consortia import services as consortia_services
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db

NOT_SECRETARIAT = {
    "ja": "この協議会の事務局のみ変更できます。",
    "en": "Only this consortium's secretariat may change it.",
}


def token_client(user) -> APIClient:
    _token, key = consortia_services.issue_api_token(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def patch_consortium(client, world, **headers):
    return client.patch(f"/api/v1/consortia/{world.hokkaido.id}/", {"region": "道央"}, format="json", **headers)


INVALID_ID = {"ja": "consortium は数値のIDで指定してください。", "en": "Give consortium as a numeric id."}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_refusal_says_its_detail_in_the_accept_language_only(api, language):
    response = api.get("/api/v1/institutions/", {"consortium": "abc"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_consortium", "detail": INVALID_ID[language], "field": "consortium"}


def test_a_refusal_without_accept_language_is_in_japanese(api):
    response = api.get("/api/v1/institutions/", {"consortium": "abc"})
    assert response.json()["detail"] == INVALID_ID["ja"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_users_setting_wins_over_accept_language_with_a_token(world, language):
    world.user_a.language = language
    world.user_a.save()
    other = "en" if language == "ja" else "ja"
    response = patch_consortium(token_client(world.user_a), world, HTTP_ACCEPT_LANGUAGE=other)
    assert response.json() == {"code": "not_secretariat", "detail": NOT_SECRETARIAT[language]}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_users_setting_wins_over_accept_language_in_a_session(world, client, language):
    world.user_a.language = language
    world.user_a.save()
    client.force_login(world.user_a)
    other = "en" if language == "ja" else "ja"
    response = client.patch(
        f"/api/v1/consortia/{world.hokkaido.id}/",
        '{"region": "道央"}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=other,
    )
    assert response.json()["detail"] == NOT_SECRETARIAT[language]


def japanese_only(detail: str) -> bool:
    """Japanese, with no English phrase beside it (a parameter's name or a number may stay as it is)."""
    return bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", detail)) and not re.search(
        r"[A-Za-z]+ [a-z]+ [a-z]+", detail
    )


def english_only(detail: str) -> bool:
    return not re.search(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]", detail)


DRF_REFUSALS = [  # (method, url, body, status, code): DRF's own, and Django's beside the views
    ("post", "/api/v1/companies/", None, 401, "not_authenticated"),
    ("get", "/api/v1/auth/token/", None, 405, "method_not_allowed"),
    ("get", "/api/v1/consortia/999999/", None, 404, "not_found"),  # a lookup that finds no row (Django's Http404)
    ("get", "/api/v1/no-such-route/", None, 404, "not_found"),  # no route at all (handler404)
    ("get", "/api/v1/institutions/?consortium=abc", None, 400, "invalid_consortium"),
    ("patch", "/api/v1/me/", "[1]", 400, "json_not_object"),
    ("patch", "/api/v1/me/", "{", 400, "parse_error"),
]


@pytest.mark.parametrize("method, url, body, status, code", DRF_REFUSALS, ids=[r[4] + r[1] for r in DRF_REFUSALS])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_kind_of_refusal_has_its_code_and_one_language(api, world, method, url, body, status, code, language):
    if body is not None:
        api.force_authenticate(world.user_a)
    call = getattr(api, method)
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = call(url, HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    assert response.status_code == status
    answer = response.json()
    assert answer["code"] == code
    assert (japanese_only if language == "ja" else english_only)(answer["detail"]), answer["detail"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_token_endpoints_throttle_refuses_in_one_language(api, language):
    for _attempt in range(20):
        api.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
    response = api.post(
        "/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 429 and response["Retry-After"]
    answer = response.json()
    assert answer["code"] == "throttled"
    assert (japanese_only if language == "ja" else english_only)(answer["detail"]), answer["detail"]


def test_the_throttle_message_counts_whole_seconds():
    from django.utils import translation

    with translation.override("en"):
        assert throttled_message(0.2) == "Too many requests; try again in 1 second."
        assert throttled_message(41.5) == "Too many requests; try again in 42 seconds."
    with translation.override("ja"):
        assert throttled_message(41.5) == "リクエストが多すぎます。42秒ほど後にもう一度お試しください。"


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/boom/", boom)]
handler500 = "backend.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_server_error_under_the_api_is_json_in_one_language(language):
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/v1/boom/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "detail": {"ja": "サーバーでエラーが起きました。", "en": "Server error."}[language],
    }


@pytest.mark.parametrize(
    "language, detail", [("ja", "データベースに接続できません。"), ("en", "The database is unavailable;")]
)
def test_an_outage_says_so_in_one_language(language, detail):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        assert outages.DATABASE.as_dict()["detail"].startswith(detail)
        page = render_to_string("503.html", {"outage": outages.DATABASE})
    assert f'<html lang="{language}">' in page and detail in page
    assert (japanese_page_problems(page) if language == "ja" else english_page_problems(page)) == []


def test_the_schema_documents_accept_language_and_the_stable_code(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "Accept-Language" in schema["info"]["description"] and "`code`" in schema["info"]["description"]
    parameters = schema["paths"]["/api/v1/consortia/"]["get"]["parameters"]
    [language] = [p for p in parameters if p["name"] == "Accept-Language"]
    assert language["in"] == "header" and set(language["schema"]["enum"]) == {"ja", "en"}
