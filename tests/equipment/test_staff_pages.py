"""The institution staff's instrument pages, through the web client: every form end to end, every refusal
next to its field with the input kept and nothing stored, and no page acting on another institution's
instrument."""

from datetime import date, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backend.tokyo import TOKYO
from equipment import services
from equipment.models import Downtime, Instrument, Manual, Photo, Qualification, Rate
from tests.bookings.conftest import at, working_day
from tests.equipment.helpers import (
    by_id,
    errors_next_to,
    image_bytes,
    pdf_bytes,
    unlabelled_fields,
    upload,
)
from tests.equipment.test_ics_import import ALL_DAY, MONTHLY, ics
from tests.factories import InstitutionFactory, InstrumentFactory, RateFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db

SECTIONS = [
    "staff-instrument",
    "staff-instrument-rates",
    "staff-instrument-manuals",
    "staff-instrument-photos",
    "staff-instrument-downtime",
    "staff-instrument-qualifications",
]


@pytest.fixture
def staff(world, client):
    client.force_login(world.staff_a)
    return client


def local(moment) -> str:
    """A datetime as a datetime-local input sends it (Tokyo time, no offset)."""
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def instrument_post(instrument, **changes) -> dict:
    """The instrument form as the page sends it, from the stored values, with changes."""
    data = {
        "category": instrument.category_id,
        "name": instrument.name,
        "name_en": instrument.name_en,
        "maker": instrument.maker,
        "model": instrument.model,
        "location": instrument.location,
        "description": instrument.description,
        "description_en": instrument.description_en,
        "specs": "\n".join(f"{k}: {v}" for k, v in instrument.specs.items()),
        "modes": list(instrument.modes),
        "status": instrument.status,
        "requires_qualification": "on" if instrument.requires_qualification else "",
        **{name: getattr(instrument, name) for name in Instrument.BOOKING_RULE_FIELDS},
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def hours_post(rows, initial: int = 0) -> dict:
    """The opening-hours formset: rows of (weekday, opens, closes[, delete])."""
    data = {"hours-TOTAL_FORMS": len(rows), "hours-INITIAL_FORMS": initial}
    for i, row in enumerate(rows):
        weekday, opens, closes, *delete = row
        data.update({f"hours-{i}-weekday": weekday, f"hours-{i}-opens": opens, f"hours-{i}-closes": closes})
        if delete:
            data[f"hours-{i}-DELETE"] = "on"
    return data


def weekly(instrument) -> list[tuple]:
    return [(h.weekday, h.opens, h.closes) for h in instrument.opening_hours.order_by("weekday", "opens")]


# --- Every page, for whom -------------------------------------------------------------------------
def test_every_page_renders_for_the_staff_with_labels_csrf_and_the_phone_viewport(world, staff):
    pages = [reverse("staff-instruments"), reverse("staff-instrument-new")]
    pages += [reverse(name, args=[world.sem.pk]) for name in SECTIONS]
    for url in pages:
        response = staff.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'name="viewport"' in html
        assert unlabelled_fields(html) == [], url
        for form in html.split("<form")[1:]:
            if 'method="post"' in form.split(">")[0]:
                assert "csrfmiddlewaretoken" in form.split("</form>")[0], url


def test_the_pages_are_japanese_by_default_and_english_for_a_user_who_chose_english(world, staff):
    """(Every page in each language: tests/equipment/test_languages.py.)"""
    page = staff.get(reverse("staff-instrument-rates", args=[world.sem.pk])).content.decode()
    assert "料金の追加" in page and "利用者区分" in page and "user category" not in page
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    page = staff.get(reverse("staff-instrument-rates", args=[world.sem.pk])).content.decode()
    assert "Add a rate" in page and "User category" in page and "料金の追加" not in page


def all_urls(instrument, rate, photo, downtime, qualification):
    """(method, url) of every staff page and action on one instrument."""
    pk = instrument.pk
    gets = [reverse(name, args=[pk]) for name in SECTIONS]
    posts = gets + [
        reverse("staff-instrument-hours", args=[pk]),
        reverse("staff-instrument-retire", args=[pk]),
        reverse("staff-instrument-downtime-import", args=[pk]),
        reverse("staff-instrument-rate-delete", args=[pk, rate.pk]),
        reverse("staff-instrument-photo-delete", args=[pk, photo.pk]),
        reverse("staff-instrument-downtime-delete", args=[pk, downtime.pk]),
        reverse("staff-instrument-qualification-revoke", args=[pk, qualification.pk]),
    ]
    return [("get", url) for url in gets] + [("post", url) for url in posts]


@pytest.fixture
def sem_things(world):
    """One of everything on institution A's SEM, made by its staff through the services."""
    actor = world.staff_a
    sem = world.sem
    return {
        "rate": services.add_rate(
            actor=actor,
            instrument=sem,
            user_category="sme",
            mode="assisted",
            amount_jpy=4000,
            valid_from=timezone.localdate() + timedelta(days=30),
        ),
        "photo": services.upload_photo(actor=actor, instrument=sem, upload=upload("a.jpg", image_bytes())),
        "downtime": services.add_downtime(
            actor=actor, instrument=sem, start=at(working_day(), 9), end=at(working_day(), 12)
        ),
        "qualification": services.grant_qualification(actor=actor, instrument=sem, user=world.user_a),
    }


def snapshot(instrument) -> tuple:
    instrument.refresh_from_db()
    return (
        instrument.name,
        instrument.status,
        weekly(instrument),
        sorted(instrument.rates.values_list("id", flat=True)),
        sorted(instrument.photos.values_list("id", flat=True)),
        sorted(instrument.downtimes.values_list("id", flat=True)),
        sorted(instrument.qualifications.filter(revoked_at=None).values_list("id", flat=True)),
        instrument.manuals.count(),
    )


def test_another_institutions_staff_get_404_on_every_page_and_action_and_nothing_changes(world, client, sem_things):
    before = snapshot(world.sem)
    client.force_login(world.staff_b)
    for method, url in all_urls(world.sem, **sem_things):
        data = {"name": "乗っ取り", "confirm": "on", "amount_jpy": 1, "user": "staff_b"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, url)
    assert snapshot(world.sem) == before
    assert client.get(reverse("staff-instruments")).content.decode().count(world.sem.name) == 0


def test_a_child_of_another_institutions_instrument_is_not_reachable_through_ones_own(world, client, sem_things):
    """staff_b manages the XRD; the SEM's rate, photo, downtime and grant are not the XRD's."""
    client.force_login(world.staff_b)
    xrd = world.xrd.pk
    for name, obj in (
        ("staff-instrument-rate-delete", sem_things["rate"]),
        ("staff-instrument-photo-delete", sem_things["photo"]),
        ("staff-instrument-downtime-delete", sem_things["downtime"]),
        ("staff-instrument-qualification-revoke", sem_things["qualification"]),
    ):
        assert client.post(reverse(name, args=[xrd, obj.pk])).status_code == 404, name
    assert Rate.objects.filter(pk=sem_things["rate"].pk).exists()
    assert Photo.objects.filter(pk=sem_things["photo"].pk).exists()
    assert Downtime.objects.filter(pk=sem_things["downtime"].pk).exists()
    assert Qualification.objects.get(pk=sem_things["qualification"].pk).revoked_at is None


@pytest.mark.parametrize("who", ["user_a", "user_b", "secretariat"])
def test_company_users_and_the_secretariat_are_refused_everywhere(world, client, sem_things, who):
    before = snapshot(world.sem)
    client.force_login(getattr(world, who))
    urls = [("get", reverse("staff-instruments")), ("get", reverse("staff-instrument-new"))]
    urls += [("post", reverse("staff-instrument-new"))] + all_urls(world.sem, **sem_things)
    for method, url in urls:
        assert getattr(client, method)(url, {"confirm": "on"}).status_code == 403, (method, url)
    assert snapshot(world.sem) == before


def test_anonymous_users_are_sent_to_the_login_page(world, client, sem_things):
    urls = [("get", reverse("staff-instruments")), ("post", reverse("staff-instrument-new"))]
    for method, url in urls + all_urls(world.sem, **sem_things):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_csrf_is_checked_on_the_staff_forms(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff_a)
    response = client.post(reverse("staff-instrument-retire", args=[world.sem.pk]), {"confirm": "on"})
    assert response.status_code == 403
    world.sem.refresh_from_db()
    assert world.sem.status == "active"


# --- The list -----------------------------------------------------------------------------------
def test_the_list_shows_ones_own_instruments_with_status_manage_links_and_the_new_link(world, staff):
    retired = InstrumentFactory(institution=world.inst_a, name="旧型SEM", status="retired", weekday_hours=[])
    response = staff.get(reverse("staff-instruments"))
    html = response.content.decode()
    assert world.sem.name in html and "旧型SEM" in html and world.xrd.name not in html
    assert reverse("staff-instrument", args=[world.sem.pk]) in html
    assert reverse("staff-instrument", args=[retired.pk]) in html
    assert reverse("staff-instrument-new") in html
    assert "利用可能" in html and "廃止" in html


def test_the_list_warns_of_an_instrument_without_opening_hours(world, staff):
    InstrumentFactory(institution=world.inst_a, name="新しい装置", weekday_hours=[])
    assert "利用可能時間が未設定" in staff.get(reverse("staff-instruments")).content.decode()


def test_the_list_uses_the_same_number_of_queries_for_2_and_12_instruments(world, staff, django_assert_num_queries):
    InstrumentFactory(institution=world.inst_a)
    url = reverse("staff-instruments")
    with CaptureQueriesContext(connection) as two:
        assert staff.get(url).content.decode().count('href="/staff/instruments/') >= 2
    for n in range(10):
        services.upload_photo(
            actor=world.staff_a,
            instrument=InstrumentFactory(institution=world.inst_a, category__code=f"c{n}", category__name=f"分類{n}"),
            upload=upload("p.png", image_bytes("PNG")),
        )
    assert Instrument.objects.filter(institution=world.inst_a).count() == 12
    with django_assert_num_queries(len(two.captured_queries)):
        response = staff.get(url)
    assert response.content.decode().count("/staff/instruments/") >= 12


def test_every_list_section_uses_a_constant_number_of_queries(world, staff):
    sem = world.sem

    def counts():
        result = {}
        for name in SECTIONS:
            with CaptureQueriesContext(connection) as queries:
                assert staff.get(reverse(name, args=[sem.pk])).status_code == 200
            result[name] = len(queries.captured_queries)
        return result

    def add_one_of_each(n):
        actor = world.staff_a
        services.add_rate(
            actor=actor,
            instrument=sem,
            user_category="large",
            mode="self",
            amount_jpy=100 + n,
            valid_from=date(2024, 4, 1) + timedelta(days=n),
        )
        services.upload_manual(
            actor=actor, instrument=sem, upload=upload("m.pdf", pdf_bytes(f"v{n}")), title="操作手順", version=f"{n}"
        )
        services.upload_photo(actor=actor, instrument=sem, upload=upload("p.jpg", image_bytes()))
        start = at(working_day(), 9) + timedelta(days=7 * n)
        services.add_downtime(actor=actor, instrument=sem, start=start, end=start + timedelta(hours=2))
        holder = UserFactory()
        give_role(holder, "company_member", company=world.company_a)
        services.grant_qualification(actor=actor, instrument=sem, user=holder)
        services.grant_qualification(actor=UserFactory(is_superuser=True), instrument=sem, user=holder)  # renewed

    add_one_of_each(0)
    few = counts()
    for n in range(1, 6):
        add_one_of_each(n)
    assert counts() == few


# --- Creating and editing an instrument ---------------------------------------------------------
def new_instrument_post(world, **changes):
    data = instrument_post(
        InstrumentFactory.build(institution=world.inst_a, category=world.sem.category),
        name="蛍光X線分析装置",
        name_en="X-ray fluorescence spectrometer",
        specs="測定元素: B〜U\n試料室：大気・真空・He",
        modes=["assisted", "commissioned"],
        max_minutes=240,
        institution=world.inst_a.pk,  # the hidden field of a single institution
    )
    data.update(changes)
    return data


def test_staff_register_a_new_instrument_of_their_institution(world, staff):
    response = staff.post(reverse("staff-instrument-new"), new_instrument_post(world))
    instrument = Instrument.objects.get(name="蛍光X線分析装置")
    assert response.status_code == 302 and response["Location"] == reverse("staff-instrument", args=[instrument.pk])
    assert instrument.institution == world.inst_a
    assert instrument.specs == {"測定元素": "B〜U", "試料室": "大気・真空・He"}  # full-width colon read too
    assert instrument.modes == ["assisted", "commissioned"] and instrument.max_minutes == 240
    assert any("登録しました" in m for m in messages_of(response))


def test_the_new_form_starts_from_the_defaults_and_hides_a_single_institution(world, staff):
    html = staff.get(reverse("staff-instrument-new")).content.decode()
    assert by_id(html, "id_slot_minutes").attrs["value"] == "30"
    assert by_id(html, "id_institution").attrs["type"] == "hidden"
    assert by_id(html, "id_modes_1").attrs.get("checked") is not None  # assisted


def test_staff_of_two_institutions_choose_only_among_theirs(world, client):
    give_role(world.staff_a, "staff", institution=world.inst_b)
    client.force_login(world.staff_a)
    html = client.get(reverse("staff-instrument-new")).content.decode()
    options = [n.attrs["value"] for n in by_id(html, "id_institution").walk() if n.tag == "option"]
    assert options == [str(world.inst_a.pk), str(world.inst_b.pk)]
    response = client.post(reverse("staff-instrument-new"), new_instrument_post(world, institution=world.inst_b.pk))
    assert response.status_code == 302
    assert Instrument.objects.get(name="蛍光X線分析装置").institution == world.inst_b
    refused = client.post(
        reverse("staff-instrument-new"), new_instrument_post(world, institution=world.inst_c.pk, name="他機関の装置")
    )
    assert refused.status_code == 400
    assert errors_next_to(refused.content, "id_institution")
    assert not Instrument.objects.filter(name="他機関の装置").exists()


def test_a_refused_new_instrument_keeps_the_input_and_stores_nothing(world, staff):
    response = staff.post(reverse("staff-instrument-new"), new_instrument_post(world, min_minutes=600, max_minutes=240))
    assert response.status_code == 400
    html = response.content.decode()
    assert "最短予約時間が最長予約時間を超えています" in errors_next_to(html, "id_min_minutes")
    assert by_id(html, "id_name").attrs["value"] == "蛍光X線分析装置"
    assert "試料室：大気・真空・He" in by_id(html, "id_specs").text()
    assert not Instrument.objects.filter(name="蛍光X線分析装置").exists()


def test_staff_edit_an_instrument(world, staff):
    sem = world.sem
    data = instrument_post(
        sem, name="電界放出形SEM", specs="加速電圧: 0.1–30 kV\n分解能: 0.8 nm", modes=["self"], status="maintenance"
    )
    response = staff.post(reverse("staff-instrument", args=[sem.pk]), data)
    assert response.status_code == 302 and response["Location"] == reverse("staff-instrument", args=[sem.pk])
    sem.refresh_from_db()
    assert (sem.name, sem.modes, sem.status) == ("電界放出形SEM", ["self"], "maintenance")
    assert sem.specs == {"加速電圧": "0.1–30 kV", "分解能": "0.8 nm"}
    assert "電界放出形SEM" in staff.get(reverse("instrument-page", args=[sem.pk])).content.decode()


def test_editing_keeps_the_type_of_spec_values_left_as_they_were(world, staff):
    sem = world.sem
    sem.specs = {"最大試料径": 150, "真空": "高真空"}
    sem.save()
    html = staff.get(reverse("staff-instrument", args=[sem.pk])).content.decode()
    shown = by_id(html, "id_specs").text().split("\n")
    assert "最大試料径: 150" in shown and "真空: 高真空" in shown  # (PostgreSQL's jsonb keeps no key order)
    staff.post(reverse("staff-instrument", args=[sem.pk]), instrument_post(sem, specs="最大試料径: 150\n真空: 低真空"))
    sem.refresh_from_db()
    assert sem.specs == {"最大試料径": 150, "真空": "低真空"}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"min_minutes": 600, "max_minutes": 480}, "id_min_minutes", "最短予約時間が最長予約時間を超えています"),
        ({"max_minutes": 475}, "id_max_minutes", "予約単位の倍数"),
        ({"modes": []}, "id_modes", ""),
        ({"name": ""}, "id_name", ""),
        ({"slot_minutes": 2}, "id_slot_minutes", ""),
        ({"specs": "加速電圧 30 kV"}, "id_specs", "1行目"),
        ({"specs": "a: 1\na: 2"}, "id_specs", "重複"),
    ],
)
def test_a_refused_edit_shows_next_to_its_field_keeps_the_input_and_stores_nothing(
    world, staff, changes, field, message
):
    sem = world.sem
    before = snapshot(sem)
    response = staff.post(reverse("staff-instrument", args=[sem.pk]), instrument_post(sem, name_en="Typed", **changes))
    assert response.status_code == 400
    html = response.content.decode()
    errors = errors_next_to(html, field if field != "id_modes" else "id_modes_0")
    assert errors and message in errors
    assert by_id(html, "id_name_en").attrs["value"] == "Typed"
    assert snapshot(sem) == before and Instrument.objects.get(pk=sem.pk).name_en == ""


# --- Opening hours ------------------------------------------------------------------------------
def test_staff_set_several_intervals_a_day_and_remove_rows(world, staff):
    sem = world.sem
    rows = [(0, "09:00", "12:00"), (0, "13:00", "17:00"), (5, "10:00", "15:00"), ("", "", "")]
    response = staff.post(reverse("staff-instrument-hours", args=[sem.pk]), hours_post(rows))
    assert response.status_code == 302
    assert weekly(sem) == [(0, time(9), time(12)), (0, time(13), time(17)), (5, time(10), time(15))]
    html = staff.get(response["Location"]).content.decode()
    assert by_id(html, "id_hours-1-opens").attrs["value"] == "13:00"
    assert by_id(html, "id_hours-TOTAL_FORMS").attrs["value"] == "6"  # three rows and three empty ones
    rows = [(0, "09:00", "12:00"), (0, "13:00", "17:00", "delete"), ("", "", "")]  # a blanked row goes too
    assert staff.post(reverse("staff-instrument-hours", args=[sem.pk]), hours_post(rows, initial=3)).status_code == 302
    assert weekly(sem) == [(0, time(9), time(12))]


@pytest.mark.parametrize(
    "rows, where, message",
    [
        ([(0, "09:00", "12:00"), (1, "17:00", "09:00")], "id_hours-1-weekday", "開始<終了"),
        ([(0, "09:00", "12:00"), (0, "11:00", "13:00")], None, "重なっています"),
        ([(0, "09:00", "")], "id_hours-0-closes", "この項目は必須です"),
        ([("", "09:00", "12:00")], "id_hours-0-weekday", "この項目は必須です"),
        ([(0, "9時", "12:00")], "id_hours-0-opens", ""),
    ],
)
def test_refused_opening_hours_show_on_their_row_keep_the_input_and_change_nothing(world, staff, rows, where, message):
    sem = world.sem
    before = weekly(sem)
    response = staff.post(reverse("staff-instrument-hours", args=[sem.pk]), hours_post(rows))
    assert response.status_code == 400
    html = response.content.decode()
    if where:
        cell = errors_next_to(html, where)
        assert cell and message in cell
    else:
        assert message in by_id(html, "hours").text()
    assert by_id(html, "id_hours-0-opens").attrs.get("value") == rows[0][1]
    assert weekly(sem) == before


# --- Retiring -----------------------------------------------------------------------------------
def test_retiring_needs_the_confirmation_then_retires(world, staff):
    url = reverse("staff-instrument-retire", args=[world.sem.pk])
    refused = staff.post(url, {})
    assert refused.status_code == 400
    assert "確認のためチェック" in errors_next_to(refused.content, "id_confirm")
    world.sem.refresh_from_db()
    assert world.sem.status == "active"
    done = staff.post(url, {"confirm": "on"})
    assert done.status_code == 302
    world.sem.refresh_from_db()
    assert world.sem.status == "retired"
    assert "廃止済み" in staff.get(done["Location"]).content.decode()


# --- Rates --------------------------------------------------------------------------------------
def rate_post(**changes):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"user_category": "sme", "mode": "assisted", "unit": "hour", "amount_jpy": "5500", "valid_from": tomorrow}
    return {**data, **changes}


def test_rates_in_force_history_add_and_delete_a_scheduled_one(world, staff):
    sem = world.sem
    old = RateFactory(
        instrument=sem, user_category="sme", mode="assisted", amount_jpy=4000, valid_from=date(2024, 4, 1)
    )
    current = RateFactory(
        instrument=sem, user_category="sme", mode="assisted", amount_jpy=4500, valid_from=date(2025, 4, 1)
    )
    url = reverse("staff-instrument-rates", args=[sem.pk])
    response = staff.post(url, rate_post())
    assert response.status_code == 302
    scheduled = Rate.objects.get(instrument=sem, amount_jpy=5500)
    html = staff.get(url).content.decode()
    in_force, everything = html.split("すべての料金")
    assert "4,500円" in in_force and "4,000円" not in in_force and "5,500円" not in in_force
    assert all(amount in everything for amount in ("4,000円", "4,500円", "5,500円"))
    assert reverse("staff-instrument-rate-delete", args=[sem.pk, scheduled.pk]) in html
    assert reverse("staff-instrument-rate-delete", args=[sem.pk, current.pk]) not in html
    deleted = staff.post(reverse("staff-instrument-rate-delete", args=[sem.pk, scheduled.pk]))
    assert deleted.status_code == 302 and not Rate.objects.filter(pk=scheduled.pk).exists()
    assert old.pk in set(sem.rates.values_list("id", flat=True))


def test_a_rate_in_force_is_not_deleted_and_the_page_says_why(world, staff):
    rate = RateFactory(instrument=world.sem, valid_from=date(2025, 4, 1))
    response = staff.post(reverse("staff-instrument-rate-delete", args=[world.sem.pk, rate.pk]))
    assert response.status_code == 400
    assert "適用済みの料金は削除できません" in response.content.decode()
    assert Rate.objects.filter(pk=rate.pk).exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"amount_jpy": "-1"}, "id_amount_jpy", ""),
        ({"valid_from": "2026-02-30"}, "id_valid_from", ""),
        ({"mode": "free"}, "id_mode", ""),
        ({"valid_from": "2025-04-01"}, "id_valid_from", "既にあります"),  # the service's refusal
    ],
)
def test_a_refused_rate_shows_next_to_its_field_and_keeps_the_input(world, staff, changes, field, message):
    RateFactory(instrument=world.sem, valid_from=date(2025, 4, 1))
    count = Rate.objects.count()
    response = staff.post(
        reverse("staff-instrument-rates", args=[world.sem.pk]), rate_post(**{"amount_jpy": "7777", **changes})
    )
    assert response.status_code == 400
    html = response.content.decode()
    errors = errors_next_to(html, field)
    assert errors and message in errors
    if "amount_jpy" not in changes:
        assert by_id(html, "id_amount_jpy").attrs["value"] == "7777"
    assert Rate.objects.count() == count


# --- Manuals ------------------------------------------------------------------------------------
def manual_post(content=None, **changes):
    data = {"title": "SEM操作マニュアル", "version": "2.0", "language": "ja"}
    data.update(changes)
    return {"file": upload("manual.pdf", pdf_bytes() if content is None else content), **data}


def test_staff_upload_new_manual_versions_and_see_the_current_first(world, staff):
    url = reverse("staff-instrument-manuals", args=[world.sem.pk])
    assert staff.post(url, manual_post(version="1.0")).status_code == 302
    response = staff.post(url, manual_post(pdf_bytes("v2"), version="2.0"))
    assert response.status_code == 302 and any("マニュアル" in m for m in messages_of(response))
    html = staff.get(url).content.decode()
    rows = html.split("<tbody>")[1]
    assert rows.index("現行版") < rows.index("以前の版")
    assert rows.index(">2.0<") < rows.index(">1.0<")
    assert world.sem.manuals.count() == 2


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a pdf at all", "PDFファイルではありません"),
        (b"", "ファイルが空です"),
        (b"%PDF-1.4\n garbage %%EOF", "PDFファイルではありません"),
    ],
)
def test_a_refused_manual_shows_next_to_the_file_field_keeps_the_input_and_stores_nothing(
    world, staff, settings, content, message
):
    response = staff.post(
        reverse("staff-instrument-manuals", args=[world.sem.pk]), manual_post(content, title="手順書")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in errors_next_to(html, "id_file")
    assert by_id(html, "id_title").attrs["value"] == "手順書"
    assert not Manual.objects.exists()
    assert not (settings.MEDIA_ROOT / "manuals").exists() or not any((settings.MEDIA_ROOT / "manuals").rglob("*.pdf"))


def test_a_manual_version_given_twice_is_refused_next_to_the_version(world, staff):
    url = reverse("staff-instrument-manuals", args=[world.sem.pk])
    staff.post(url, manual_post(version="3.1"))
    response = staff.post(url, manual_post(pdf_bytes("other"), version="3.1"))
    assert response.status_code == 400
    assert "この版のマニュアルは登録済みです" in errors_next_to(response.content, "id_version")
    assert Manual.objects.count() == 1


def test_a_missing_file_is_refused_next_to_the_file_field(world, staff):
    data = manual_post()
    del data["file"]
    response = staff.post(reverse("staff-instrument-manuals", args=[world.sem.pk]), data)
    assert response.status_code == 400 and errors_next_to(response.content, "id_file")


# --- Photos -------------------------------------------------------------------------------------
def test_staff_add_photos_see_thumbnails_and_delete_one(world, staff):
    url = reverse("staff-instrument-photos", args=[world.sem.pk])
    for fmt, name in (("JPEG", "a.jpg"), ("PNG", "b.png"), ("WEBP", "c.webp")):
        response = staff.post(url, {"image": upload(name, image_bytes(fmt)), "caption": f"外観 {fmt}"})
        assert response.status_code == 302, fmt
    photos = list(world.sem.photos.order_by("position"))
    assert [p.position for p in photos] == [0, 1, 2]
    html = staff.get(url).content.decode()
    assert all(p.thumbnail.url in html for p in photos) and "外観 WEBP" in html
    deleted = staff.post(reverse("staff-instrument-photo-delete", args=[world.sem.pk, photos[0].pk]))
    assert deleted.status_code == 302
    assert list(world.sem.photos.values_list("caption", flat=True)) == ["外観 PNG", "外観 WEBP"]


def test_a_refused_photo_shows_next_to_the_image_field_and_stores_nothing(world, staff, settings):
    gif = image_bytes("GIF", mode="P")
    for content in (b"<svg xmlns='http://www.w3.org/2000/svg'/>", gif):
        response = staff.post(
            reverse("staff-instrument-photos", args=[world.sem.pk]),
            {"image": upload("photo.jpg", content), "caption": "装置全景", "position": "3"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "JPEG・PNG・WebP形式の画像ではありません" in errors_next_to(html, "id_image")
        assert by_id(html, "id_caption").attrs["value"] == "装置全景"
        assert by_id(html, "id_position").attrs["value"] == "3"
    assert not Photo.objects.exists()
    assert not (settings.MEDIA_ROOT / "photos").exists()


# --- Downtime -----------------------------------------------------------------------------------
def test_staff_add_list_and_delete_downtime(world, staff):
    day = working_day()
    url = reverse("staff-instrument-downtime", args=[world.sem.pk])
    data = {
        "add-start": local(at(day, 9)),
        "add-end": local(at(day, 17)),
        "add-kind": "repair",
        "add-title": "真空ポンプ交換",
    }
    response = staff.post(url, {**data, "add-note": "部品待ち"})
    assert response.status_code == 302
    downtime = world.sem.downtimes.get()
    assert (downtime.start, downtime.end, downtime.kind, downtime.note) == (
        at(day, 9),
        at(day, 17),
        "repair",
        "部品待ち",
    )
    past = Downtime.objects.create(
        instrument=world.sem, start=at(date(2024, 5, 1), 9), end=at(date(2024, 5, 1), 12), title="昔の点検"
    )
    html = staff.get(url).content.decode()
    assert "真空ポンプ交換" in html and "部品待ち" in html and day.strftime("%Y-%m-%d") + " 09:00" in html
    assert "昔の点検" not in html  # upcoming only
    assert staff.post(reverse("staff-instrument-downtime-delete", args=[world.sem.pk, downtime.pk])).status_code == 302
    assert list(world.sem.downtimes.all()) == [past]


def test_a_refused_downtime_shows_next_to_its_field_and_keeps_the_input(world, staff):
    day = working_day()
    url = reverse("staff-instrument-downtime", args=[world.sem.pk])
    data = {
        "add-start": local(at(day, 17)),
        "add-end": local(at(day, 9)),
        "add-kind": "maintenance",
        "add-title": "点検",
    }
    response = staff.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "終了は開始より後にしてください" in errors_next_to(html, "id_add-end")
    assert by_id(html, "id_add-start").attrs["value"] == local(at(day, 17))
    assert by_id(html, "id_add-title").attrs["value"] == "点検"
    bad = staff.post(url, {**data, "add-start": "明日"})
    assert bad.status_code == 400 and errors_next_to(bad.content, "id_add-start")
    assert not Downtime.objects.exists()


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        ("0001-01-01T00:00", "0001-01-02T00:00", "id_add-start", "2000年から2100年"),  # was a 500 (overflow)
        ("2026-12-01T09:00", "9999-12-31T23:59", "id_add-end", "2000年から2100年"),
        ("2026-12-01T09:00", "2036-12-01T09:00", "id_add-end", "366日以内"),  # ten years, silently blocking
    ],
)
def test_a_downtime_out_of_the_years_or_longer_than_366_days_is_refused_on_the_page(
    world, staff, start, end, field, message
):
    url = reverse("staff-instrument-downtime", args=[world.sem.pk])
    response = staff.post(url, {"add-start": start, "add-end": end, "add-kind": "maintenance", "add-title": "点検"})
    assert response.status_code == 400
    assert message in errors_next_to(response.content.decode(), field)
    assert not Downtime.objects.exists()


def test_staff_import_downtime_from_an_ics_file_and_see_the_counts(world, staff):
    url = reverse("staff-instrument-downtime-import", args=[world.sem.pk])
    file = upload("maintenance.ics", ics(MONTHLY, ALL_DAY), "text/calendar")
    response = staff.post(url, {"import-file": file, "import-kind": "maintenance"})
    assert response.status_code == 302
    assert any("新規 4件" in m and "変更なし 0件" in m for m in messages_of(response))
    again = staff.post(url, {"import-file": upload("m.ics", ics(MONTHLY, ALL_DAY)), "import-kind": "maintenance"})
    assert any("新規 0件" in m and "変更なし 4件" in m for m in messages_of(again))
    assert world.sem.downtimes.count() == 4
    assert "装置移設" in staff.get(again["Location"]).content.decode()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not a calendar", ""),
        (ics(ALL_DAY, "UID:broken\r\nDTSTART:20270101T100000\r\nDTEND:20270101T090000\r\nSUMMARY:x"), ""),
    ],
)
def test_a_refused_ics_file_shows_next_to_the_file_field_and_stores_nothing(world, staff, content, message):
    response = staff.post(
        reverse("staff-instrument-downtime-import", args=[world.sem.pk]),
        {"import-file": upload("bad.ics", content), "import-kind": "repair"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert errors_next_to(html, "id_import-file")
    selected = [n for n in by_id(html, "id_import-kind").walk() if n.tag == "option" and "selected" in n.attrs]
    assert [n.attrs["value"] for n in selected] == ["repair"]
    assert not Downtime.objects.exists()


# --- Qualifications -----------------------------------------------------------------------------
def test_staff_grant_by_username_or_email_renew_and_revoke(world, staff):
    url = reverse("staff-instrument-qualifications", args=[world.sem.pk])
    expiry = timezone.localdate() + timedelta(days=365)
    assert staff.post(url, {"user": "company_a", "expires_on": expiry.isoformat()}).status_code == 302
    assert staff.post(url, {"user": "Company_B@Example.jp", "note": "講習修了"}).status_code == 302
    granted = {q.user.username: q for q in world.sem.qualifications.filter(revoked_at=None)}
    assert granted["company_a"].expires_on == expiry and granted["company_a"].granted_by == world.staff_a
    assert granted["company_b"].note == "講習修了" and granted["company_b"].expires_on is None
    html = staff.get(url).content.decode()
    assert html.count("有効") >= 2 and "講習修了" in html
    staff.post(url, {"user": "company_a"})  # a renewal keeps the old grant as history
    assert world.sem.qualifications.filter(user=world.user_a).count() == 2
    current = world.sem.qualifications.get(user=world.user_a, revoked_at=None)
    revoke = staff.post(reverse("staff-instrument-qualification-revoke", args=[world.sem.pk, current.pk]))
    assert revoke.status_code == 302
    assert not world.sem.qualifications.filter(user=world.user_a, revoked_at=None).exists()
    assert "取消・更新済" in staff.get(url).content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"user": "nobody@example.jp"}, "id_user", "見つかりません"),
        ({"user": "company_a", "expires_on": "2020-01-01"}, "id_expires_on", "有効期限が過去の日付です"),
        ({"user": "company_a", "expires_on": "2027-13-01"}, "id_expires_on", ""),
        ({"user": ""}, "id_user", ""),
    ],
)
def test_a_refused_grant_shows_next_to_its_field_keeps_the_input_and_stores_nothing(world, staff, data, field, message):
    response = staff.post(reverse("staff-instrument-qualifications", args=[world.sem.pk]), {**data, "note": "研修済"})
    assert response.status_code == 400
    html = response.content.decode()
    errors = errors_next_to(html, field)
    assert errors and message in errors
    assert by_id(html, "id_note").attrs["value"] == "研修済"
    assert by_id(html, "id_user").attrs.get("value", "") == data["user"]
    assert not Qualification.objects.exclude(user__in=[world.staff_a, world.staff_b]).exists()  # theirs: operators


def test_an_email_shared_by_two_users_asks_for_the_username(world, staff):
    for username in ("twin1", "twin2"):
        give_role(UserFactory(username=username, email="lab@example.jp"), "company_member", company=world.company_a)
    response = staff.post(reverse("staff-instrument-qualifications", args=[world.sem.pk]), {"user": "lab@example.jp"})
    assert response.status_code == 400 and "ユーザー名で指定" in errors_next_to(response.content, "id_user")


# --- Site operators -----------------------------------------------------------------------------
def test_a_site_operator_manages_any_institutions_instrument(world, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("staff-instrument", args=[world.xrd.pk])).status_code == 200
    other = InstitutionFactory()
    html = client.get(reverse("staff-instrument-new")).content.decode()
    assert str(other.pk) in [n.attrs.get("value") for n in by_id(html, "id_institution").walk()]
    response = client.post(reverse("staff-instrument-hours", args=[world.xrd.pk]), hours_post([(2, "10:00", "16:00")]))
    assert response.status_code == 302 and weekly(world.xrd) == [(2, time(10), time(16))]


def test_a_permission_the_service_refuses_is_the_403_page_saying_why(world, staff, monkeypatch):
    """The pages' refusal policy (backend.web): whatever the page checked before, a PermissionDenied of the service
    is a 403 page with its message, not a form error, on the pages through call_service and on the opening hours
    (which shows its other refusals on their row)."""
    monkeypatch.setattr("equipment.selectors.may_manage_instruments", lambda user, institution_id: False)
    before = snapshot(world.sem)
    for response in (
        staff.post(reverse("staff-instrument-retire", args=[world.sem.pk]), {"confirm": "on"}),
        staff.post(reverse("staff-instrument-hours", args=[world.sem.pk]), hours_post([(2, "10:00", "16:00")])),
    ):
        assert response.status_code == 403
        assert "この機関の機器を変更する権限がありません。" in response.content.decode()
    assert snapshot(world.sem) == before
