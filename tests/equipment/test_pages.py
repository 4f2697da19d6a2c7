import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_is_the_catalogue_and_searches_like_the_api(world, client):
    response = client.get("/", {"q": "ＳＭＡＲＴＬＡＢ"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "X線回折装置 SmartLab" in body and "走査電子顕微鏡" not in body.split("<ul")[1]
    assert 'name="viewport"' in body  # usable on a phone


def test_bad_page_input_is_not_an_error(world, client):
    for params in ({"page": "abc"}, {"consortium": "x"}, {"page": "9999"}, {"q": "ａ" * 500}):
        assert client.get("/", params).status_code == 200
