"""One language per page (issue #17): every page, as every role that may see it, in English and in Japanese.

The world has an English name for everything that can have one, and the people have readings, so on an English
page any Japanese outside the data listed in `scene.data` (a company's name, text a user typed, the one instrument
that has no English name) is a string the product forgot to translate. On a Japanese page, no phrase carries its
English beside it (「承認待ち (pending)」). Each page must also answer 200 to each role listed for it.

The walk covers the pages of every URL map (`*/urls.py`): a page added to a map must be added to PAGES, or to
NOT_PAGES with its reason (`test_every_page_of_the_url_maps_is_walked`). Each test collects every problem and fails
once, with a list of (url, role, language, fragments), so the list is the work left.
"""

import re
from datetime import date, time, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, resolve
from django.utils import timezone

from backend.periods import Period
from bookings import services as booking_services
from consortia.models import Role, User
from consultations import services as consultation_services
from invoices import services as invoice_services
from people.services import invite
from reports import services as report_services
from tests.bookings.conftest import at
from tests.factories import UserFactory, give_role
from tests.invoices.conftest import REGISTRATION, completed
from tests.language import JAPANESE, english_page_problems, japanese_page_problems, visible_text

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = (
    ANONYMOUS,
    "company_user",
    "company_admin",
    "staff",
    "site_admin",
    "researcher",
    "secretariat",
    "coordinator",
)
EVERYONE = ROLES
LOGGED_IN = ROLES[1:]
COMPANY = ("company_user", "company_admin")
# What people typed and names that exist in Japanese only: allowed on an English page.
COMPANY_A, COMPANY_B = "札幌精密株式会社", "多摩化学株式会社"
NO_ENGLISH_NAME = "X線回折装置 SmartLab"  # the instrument without an English name: its Japanese name is the fallback
PURPOSE, SAMPLE = "樹脂破断面の観察", "PP樹脂 3点"
CONSULTATION = {"title": "破断面の観察", "description": "樹脂の破断面を観察したい"}
# A company registration waiting for the secretariat, and a request to join company A: what the registrant typed.
REGISTRATION_TYPED = {
    "name": "小樽精機株式会社",
    "address": "小樽市色内1-1",
    "industry": "金属加工",
    "billing_name": "経理部 佐藤",
    "note": "SEMで破断面を観察したい",
}
JOIN_NOTE = "設計部の者です"
REFERRAL_NOTE = "電子顕微鏡での観察をお願いします"


# (path, the roles that may see it): "{s.…}" in a path is filled from the scene.
PAGES = [
    ("/", EVERYONE),  # the home page of each role; the catalogue for anonymous visitors
    ("/?q=SEM", (ANONYMOUS,)),
    ("/instruments/", EVERYONE),
    ("/instruments/?q=SEM", EVERYONE),
    ("/instruments/{s.sem.pk}/", EVERYONE),
    ("/instruments/{s.xrd.pk}/", EVERYONE),
    ("/instruments/{s.sem.pk}/?mode=assisted", EVERYONE),  # the grid of an operated mode: no operator free
    ("/bookings/", LOGGED_IN),
    ("/bookings/{s.pending.pk}/", (*COMPANY, "staff", "secretariat")),
    ("/bookings/{s.approved.pk}/", (*COMPANY, "staff", "secretariat")),
    ("/bookings/{s.proposed.pk}/", (*COMPANY, "staff")),
    ("/bookings/{s.used.pk}/", (*COMPANY, "staff")),
    ("/staff/queue/", ("staff",)),
    ("/staff/calendar/", ("staff",)),
    ("/staff/calendar/?view=day", ("staff",)),
    ("/operator/schedule/", ("staff",)),  # staff_a is the SEM's operator (tests/conftest.py: world)
    ("/staff/instruments/", ("staff",)),
    ("/staff/instruments/new/", ("staff",)),
    ("/staff/instruments/{s.sem.pk}/", ("staff",)),
    ("/staff/instruments/{s.sem.pk}/rates/", ("staff",)),
    ("/staff/instruments/{s.sem.pk}/manuals/", ("staff",)),
    ("/staff/instruments/{s.sem.pk}/photos/", ("staff",)),
    ("/staff/instruments/{s.sem.pk}/downtime/", ("staff",)),
    ("/staff/instruments/{s.sem.pk}/qualifications/", ("staff",)),
    ("/operator/absences/", ("staff",)),  # staff_a operates the SEM
    ("/staff/operators/{s.world.operator_a.pk}/absences/", ("staff", "site_admin")),  # staff_a administers A
    ("/reports/", ("secretariat",)),  # the secretariat of two consortia chooses (one consortium goes straight in)
    ("/reports/consortium/{s.world.hokkaido.pk}/", ("staff", "secretariat")),
    ("/reports/consortium/{s.world.hokkaido.pk}/?kind=month&month=2025-10", ("secretariat",)),
    ("/reports/consortium/{s.world.hokkaido.pk}/outcomes/?kind=fy&fy=2025", ("staff", "secretariat")),
    ("/reports/{s.report.pk}/", ("secretariat",)),
    ("/contributions/", ("staff", "secretariat")),  # staff_a administers institution A
    ("/contributions/?month=2025-10", ("staff", "secretariat")),
    ("/contributions/lending/", ("staff", "secretariat")),
    ("/consultations/", ("company_user", "company_admin", "staff", "coordinator")),
    ("/consultations/new/", COMPANY),
    ("/consultations/{s.consultation.pk}/", ("company_user", "staff", "coordinator")),
    ("/experts/", ("staff", "coordinator")),
    ("/experts/me/", ("staff",)),
    ("/invoices/", (*COMPANY, "staff")),
    ("/invoices/{s.invoice.pk}/", ("company_admin", "staff")),
    ("/staff/invoices/", ("staff",)),
    ("/staff/invoices/?institution={s.world.inst_a.pk}&month=2025-10", ("staff",)),
    ("/staff/institution/", ("staff", "site_admin")),  # staff_a administers institution A too
    ("/usage-reports/", (*COMPANY, "staff")),
    ("/usage-reports/{s.used.pk}/", COMPANY),
    ("/company/people/", ("company_admin",)),
    ("/staff/people/", ("staff",)),
    ("/consortium/{s.world.hokkaido.pk}/people/", ("secretariat", "site_admin")),
    ("/people/roles/{s.member_role.pk}/revoke/", ("company_admin",)),
    ("/invitations/{s.invitation_key}/", (ANONYMOUS, "company_user")),
    ("/register/company/", LOGGED_IN),
    ("/registrations/", ("staff", "site_admin", "secretariat")),
    ("/registrations/{s.registration.pk}/", ("site_admin", "secretariat")),
    ("/registrations/policy/", ("secretariat",)),
    ("/company/join-requests/", ("company_admin",)),
    ("/accounts/login/", (ANONYMOUS,)),
    ("/accounts/signup/", (ANONYMOUS,)),
    ("/accounts/password/reset/", (ANONYMOUS,)),
    ("/accounts/password/change/", LOGGED_IN),
    ("/accounts/email/", LOGGED_IN),
    ("/terms/", (ANONYMOUS, "company_user")),
    ("/privacy/", (ANONYMOUS,)),
    ("/account/", LOGGED_IN),
    ("/account/deactivate/", LOGGED_IN),
    ("/terms/accept/", ("company_user",)),
    ("/staff/operators/", ("staff", "site_admin")),
    ("/staff/operators/{s.operator.pk}/hours/", ("staff", "site_admin")),
    ("/staff/agreements/", ("staff", "secretariat", "site_admin")),
    ("/operator/", ("staff",)),  # staff_a is not an operator: the page says so
    ("/admin/", ("site_admin",)),
    ("/admin/bookings/booking/", ("site_admin",)),
]

# URL names of the maps that are not pages a reader opens: what answers a form (POST only), files and feeds.
NOT_PAGES = {
    "rotate-feed": "POST only",
    "booking-page-action": "POST only",
    "booking-page-calendar": "an iCalendar file, not a page",
    "staff-instrument-hours": "POST only",
    "staff-instrument-retire": "POST only",
    "staff-instrument-rate-delete": "POST only",
    "staff-instrument-photo-delete": "POST only",
    "staff-instrument-downtime-import": "POST only",
    "staff-instrument-downtime-delete": "POST only",
    "staff-instrument-qualification-revoke": "POST only",
    "operator-absences-import": "POST only",
    "operator-absence-delete": "POST only",
    "staff-operator-absences-import": "POST only",
    "staff-operator-absence-delete": "POST only",
    "consultation-page-message": "POST only",
    "consultation-page-refer": "POST only",
    "consultation-page-close": "POST only",
    "consultation-page-link-booking": "POST only",
    "invoice-page-cancel": "POST only",
    "report-build": "POST only",
    "account-profile": "POST only",
    "account-emails": "POST only",
    "account-session-end": "POST only",
    "account-sessions-end-others": "POST only",
    "account-token-issue": "POST only",
    "account-token-revoke": "POST only",
    "account-data": "a JSON file, not a page",
    "consortium-people-home": "a redirect to the page of the user's (first) consortium",
    "invitation-resend": "POST only",
    "invitation-revoke": "POST only",
    "logout": "allauth's log-out page under the product's old URL name (tests/accounts/test_pages.py walks it)",
    "company-register-withdraw": "POST only",
    "join-request-page-withdraw": "POST only",
    "registration-page-approve": "POST only",
    "registration-page-refuse": "POST only",
    "join-request-page-approve": "POST only",
    "join-request-page-refuse": "POST only",
    "staff-operator-active": "POST only",
    "staff-agreement-confirm": "POST only",
    "staff-agreement-end": "POST only",
    "lending-statement-download": "a CSV or PDF file, not a page",
}
# The apps whose url maps the walk covers (backend/urls.py's own pages are listed in PAGES by hand).
APP_URL_MAPS = ("bookings.urls", "equipment.urls", "reports.urls", "consultations.urls", "invoices.urls")
APP_URL_MAPS += ("usage_reports.urls", "home.urls", "accounts.urls", "people.urls", "registrations.urls")
APP_URL_MAPS += ("staffing.urls",)
APP_URL_MAPS += ("contributions.urls",)


@pytest.fixture
def scene(world, sem, day):
    """The shared world with every name in two languages (but one instrument's), people with readings, and a
    booking in each state, a consultation referred, an invoice, an owed usage report and a report."""
    w = world
    w.hokkaido.name_en, w.hokkaido.description_en = "Hokkaido Consortium", "Instruments of Hokkaido, shared."
    w.hokkaido.description = "北海道の分析機器を共用します。"
    w.tama.name_en = "TAMA Consortium"
    for consortium in (w.hokkaido, w.tama):
        consortium.save()
    for institution, english in (
        (w.inst_a, "Hokkaido Research Organization"),
        (w.inst_b, "AIST Hokkaido"),
        (w.inst_c, "Tokyo Metropolitan Industrial Technology Research Institute"),
    ):
        institution.name_en = english
        institution.save()
    w.inst_a.registration_number = REGISTRATION
    w.inst_a.save()
    for category, english in (
        (w.sem.category, "Scanning electron microscope"),
        (w.xrd.category, "X-ray diffractometer"),
    ):
        category.name_en = english
        category.save()
    w.sem.name_en, w.sem.description, w.sem.description_en = "FE-SEM JSM-IT800", "高分解能SEM。", "High-resolution SEM."
    w.sem.maker, w.sem.location, w.sem.specs = "JEOL", "Building C, room 101", {"Resolution": "0.7 nm"}
    w.sem.save()
    w.xrd.maker = "Rigaku"  # the instrument without an English name (NO_ENGLISH_NAME)
    w.xrd.save()

    researcher, coordinator = UserFactory(username="researcher"), UserFactory(username="coordinator")
    member = UserFactory(username="company_member_a")
    site_admin = UserFactory(username="site_admin", is_staff=True, is_superuser=True)
    give_role(researcher, "researcher", institution=w.inst_b)
    give_role(coordinator, "coordinator", consortium=w.hokkaido)
    give_role(w.secretariat, "secretariat", consortium=w.tama)
    give_role(member, "company_member", company=w.company_a)
    people = {
        "company_user": (member, "山本", "大輔", "ヤマモト", "ダイスケ"),
        "company_admin": (w.user_a, "渡辺", "由美", "ワタナベ", "ユミ"),
        "staff": (w.staff_a, "鈴木", "一郎", "スズキ", "イチロウ"),
        "site_admin": (site_admin, "佐藤", "健一", "サトウ", "ケンイチ"),
        "researcher": (researcher, "中村", "翔太", "ナカムラ", "ショウタ"),
        "secretariat": (w.secretariat, "高橋", "美咲", "タカハシ", "ミサキ"),
        "coordinator": (coordinator, "小林", "恵子", "コバヤシ", "ケイコ"),
    }
    for user, last, first, last_kana, first_kana in people.values():
        user.last_name, user.first_name, user.last_name_kana, user.first_name_kana = last, first, last_kana, first_kana
        user.save()
    for user, last, first, last_kana, first_kana in ((w.user_b, "森", "拓也", "モリ", "タクヤ"),):
        user.last_name, user.first_name, user.last_name_kana, user.first_name_kana = last, first, last_kana, first_kana
        user.save()

    def ask(hour):
        return booking_services.request_booking(
            actor=member,
            instrument=sem,
            start=at(day, hour),
            end=at(day, hour + 1),
            mode="assisted",
            purpose=PURPOSE,
            sample=SAMPLE,
        )

    pending, proposed = ask(9), ask(10)
    booking_services.propose(actor=w.staff_a, booking=proposed, start=at(day, 14), end=at(day, 15))
    approved = booking_services.approve(actor=w.staff_a, booking=ask(11))
    consultation = consultation_services.submit_consultation(actor=member, **CONSULTATION)
    consultation_services.refer(actor=coordinator, consultation=consultation, institution=w.inst_a, note=REFERRAL_NOTE)
    ten_days_ago = timezone.localdate() - timedelta(days=10)  # its usage report is owed
    used = completed(sem, requester=member, company=w.company_a, day=ten_days_ago, start=time(10), minutes=60)
    completed(sem, requester=member, company=w.company_a, day=date(2025, 10, 6), start=time(10), minutes=30)
    (invoice,) = invoice_services.issue_invoices(actor=w.staff_a, institution=w.inst_a, month=date(2025, 10, 1))
    report = report_services.request_report(actor=w.secretariat, consortium=w.hokkaido, period=Period.fiscal_year(2025))
    users = {role: person[0] for role, person in people.items()}
    _invitation, invitation_key = invite(
        actor=w.user_a, email="colleague@example.jp", kind="company_member", company=w.company_a
    )
    registration, join_request = registration_scene(w)
    operator = staffing_scene(w, sem)
    return SimpleNamespace(
        operator=operator,
        invitation_key=invitation_key,
        member_role=Role.objects.get(user=member, kind="company_member"),
        registration=registration,
        join_request=join_request,
        world=w,
        sem=sem,
        xrd=w.xrd,
        users=users,
        pending=pending,
        proposed=proposed,
        approved=approved,
        used=used,
        consultation=consultation,
        invoice=invoice,
        report=report,
        data=(
            COMPANY_A,
            COMPANY_B,
            NO_ENGLISH_NAME,
            PURPOSE,
            SAMPLE,
            REFERRAL_NOTE,
            *CONSULTATION.values(),
            *REGISTRATION_TYPED.values(),
            JOIN_NOTE,
            # the words of the consultation that the matcher found, shown as the user typed them
            *matched_words(consultation.suggestions),
        ),
    )


def staffing_scene(w, sem):
    """An operator of institution A (with a reading), lent to institution B for its XRD by a proposal A confirmed."""
    from staffing import services as staffing_services
    from tests.factories import make_operator

    user = UserFactory(
        username="operator", last_name="田中", first_name="誠", last_name_kana="タナカ", first_name_kana="マコト"
    )
    give_role(user, "staff", institution=w.inst_a)
    operator = make_operator([sem], user=user, institution=w.inst_a)
    today = timezone.localdate()
    staffing_services.propose_agreement(
        actor=w.staff_a,
        consortium=w.hokkaido,
        lender=w.inst_a,
        borrower=w.inst_b,
        operator=operator,
        instruments=[w.xrd],
        valid_from=today,
        valid_until=today + timedelta(days=90),
        hourly_rate_jpy=4000,
    )
    return operator


def registration_scene(w):
    """A registration of a new company for the Hokkaido consortium and a request to join company A, by people whose
    names have readings."""
    from allauth.account.models import EmailAddress

    from registrations import services as registration_services
    from tests.factories import valid_corporate_number

    registrant, joiner = (
        UserFactory(
            username="registrant", last_name="伊藤", first_name="健", last_name_kana="イトウ", first_name_kana="ケン"
        ),
        UserFactory(
            username="joiner", last_name="加藤", first_name="愛", last_name_kana="カトウ", first_name_kana="アイ"
        ),
    )
    for user in (registrant, joiner):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    common = {"size": "sme", "prefecture": "北海道", "billing_email": "keiri@example.jp", "consortium": w.hokkaido}
    registration = registration_services.register_company(
        actor=registrant, corporate_number=valid_corporate_number(424242), **common, **REGISTRATION_TYPED
    )
    join_request = registration_services.register_company(
        actor=joiner,
        corporate_number=w.company_a.corporate_number,
        **common,
        **{**REGISTRATION_TYPED, "note": JOIN_NOTE},
    )
    return registration, join_request


def matched_words(suggestions) -> set[str]:
    """Every word the matcher found in the consultation, wherever the suggestions keep them (`matched` lists)."""
    if isinstance(suggestions, dict):
        return set(suggestions.get("matched", [])).union(*(matched_words(v) for v in suggestions.values()))
    if isinstance(suggestions, list):
        return set().union(*(matched_words(v) for v in suggestions))
    return set()


def walk(client, scene, language: str) -> list[str]:
    """Every page as every role that may see it, in `language`: the problems found, one line each."""
    for user in scene.users.values():
        user.language = language
        user.save(update_fields=["language"])
    usernames = tuple(User.objects.values_list("username", flat=True))  # 「山本 大輔 (yamamoto)」: data, not English
    problems = []
    for path, roles in PAGES:
        url = path.format(s=scene)
        for role in roles:
            client.logout()
            if role != ANONYMOUS:
                client.force_login(scene.users[role])
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            if response.status_code != 200:
                problems.append(f"{url} as {role} in {language}: HTTP {response.status_code}")
                continue
            html = response.content.decode()
            if language == "en" and english_page_problems(html, data=scene.data):
                problems.append(f"{url} as {role} in en: {' | '.join(japanese_runs(html, scene.data))}")
            elif language == "ja" and (found := japanese_page_problems(html, data=usernames)):
                problems.append(f"{url} as {role} in ja: {' | '.join(dict.fromkeys(f.strip() for f in found))}")
    return problems


def japanese_runs(html: str, data: tuple[str, ...]) -> list[str]:
    """The Japanese of an English page as the reader meets it: each run of Japanese once, outside the data."""
    text = visible_text(html, "en")
    for datum in sorted(data, key=len, reverse=True):
        text = text.replace(datum, " ")
    japanese = JAPANESE.pattern
    runs = re.finditer(rf"{japanese}(?:[\s()・:0-9-]*{japanese})*", text)
    return list(dict.fromkeys(run.group(0) for run in runs))


def test_english_pages_carry_no_japanese_but_data(client, scene):
    problems = walk(client, scene, "en")
    assert problems == [], f"{len(problems)} English pages with Japanese:\n" + "\n".join(problems)


def test_japanese_pages_carry_no_english_beside_the_japanese(client, scene):
    problems = walk(client, scene, "ja")
    assert problems == [], f"{len(problems)} Japanese pages with bilingual pairs:\n" + "\n".join(problems)


def test_an_instrument_without_an_english_name_shows_its_japanese_name_on_english_pages(client, scene):
    catalogue = client.get("/instruments/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = client.get(f"/instruments/{scene.xrd.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NO_ENGLISH_NAME in catalogue
    assert NO_ENGLISH_NAME in page
    assert "FE-SEM JSM-IT800" in catalogue  # the English name where there is one
    assert scene.sem.name not in catalogue


def _names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_page_of_the_url_maps_is_walked(scene):
    walked = {resolve(path.format(s=scene).split("?")[0]).url_name for path, _roles in PAGES}
    in_maps = set().union(*(_names(import_module(name).urlpatterns) for name in APP_URL_MAPS))
    assert in_maps - walked - set(NOT_PAGES) == set(), "add these pages to PAGES (or to NOT_PAGES, with the reason)"
