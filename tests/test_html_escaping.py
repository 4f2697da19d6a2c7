"""HTML escapes what people typed: a name or a purpose holding markup is shown as text on every page that shows it,
never run (STYLE habit 17). Names may hold `<`; they may not hold control characters (consortia.validators)."""

import pytest

from bookings import services as booking_services
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(world, sem, day):
    world.sem.name = f"SEM {SCRIPT}"
    world.sem.save()
    world.company_a.name = f"札幌 {SCRIPT}"
    world.company_a.save()
    booking = booking_services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 12), mode="assisted", purpose=SCRIPT
    )
    return booking


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, "/"),
        (None, "/instruments/{sem}/"),
        ("user_a", "/bookings/"),
        ("user_a", "/bookings/{booking}/"),
        ("staff_a", "/staff/queue/"),
        ("staff_a", "/staff/calendar/?view=day&day={day}"),
        ("staff_a", "/staff/instruments/"),
        ("staff_a", "/bookings/{booking}/"),
    ],
)
def test_markup_in_names_and_purposes_is_shown_as_text(client, world, hostile, who, url):
    if who:
        client.force_login(getattr(world, who))
    response = client.get(url.format(sem=world.sem.id, booking=hostile.id, day=hostile.start.date().isoformat()))
    assert response.status_code == 200, url
    html = response.content.decode()
    assert "&lt;script&gt;alert(" in html, url  # shown …
    assert "<script>alert(" not in html and "<img src=x" not in html, url  # … and never markup
