"""Demo company registrations (利用登録), called by `seed_demo` (see its `seed_extensions`): one new company waiting
for the demo `secretariat` (北海道) to decide, and one person asking to join the demo `company`'s company (石狩),
for its admin to decide. Written through registrations.services, as the registrants would have sent them; the two
registrants are people without a demo login of their own. Idempotent: a registrant who has sent theirs is skipped.
"""

from consortia import services as consortia_services
from consortia.models import User
from consortia.validators import corporate_number_check_digit
from registrations import services
from registrations.models import CompanyRegistration, JoinRequest

# username, family name, given name, readings
APPLICANT = ("reg-otaru", "西村", "拓海", "ニシムラ", "タクミ")
JOINER = ("reg-ishikari", "岡田", "優子", "オカダ", "ユウコ")
NEW_COMPANY_BODY = "999901000101"  # the fictional corporate number's 12 digits (its check digit is computed)
REGISTRATION = {
    "name": "小樽ガラス工芸株式会社",
    "size": "sme",
    "industry": "ガラス製品製造",
    "prefecture": "北海道",
    "address": "小樽市堺町1-1",
    "billing_name": "総務部 西村",
    "billing_email": "soumu@otaru-glass.example.jp",
    "billing_phone": "0134-00-0101",
    "invoices_by_email": True,
    "note": "ガラス表面の微細な傷をSEMで観察したいと考えています。",
}
JOIN_NOTE = "石狩精密工業 品質保証課の岡田です。X線CTの予約のため参加させてください。"


def _person(seeder, username, last, first, last_kana, first_kana) -> User:
    user = User.objects.filter(username=username).first()
    return user or consortia_services.create_user(
        actor=seeder.admin,
        username=username,
        password=seeder.password,
        last_name=last,
        first_name=first,
        last_name_kana=last_kana,
        first_name_kana=first_kana,
        email=f"{username}@example.jp",
    )


def seed(seeder) -> None:
    created = 0
    applicant = _person(seeder, *APPLICANT)
    if not CompanyRegistration.objects.filter(applicant=applicant).exists():
        services.register_company(
            actor=applicant,
            corporate_number=f"{corporate_number_check_digit(NEW_COMPANY_BODY)}{NEW_COMPANY_BODY}",
            consortium=seeder.consortia["hokkaido"],
            **REGISTRATION,
        )
        created += 1
    joiner = _person(seeder, *JOINER)
    if not JoinRequest.objects.filter(user=joiner).exists():
        company = seeder.companies["ishikari"]
        services.register_company(
            actor=joiner,
            corporate_number=company.corporate_number,
            consortium=seeder.consortia["hokkaido"],
            **{**REGISTRATION, "name": company.name, "note": JOIN_NOTE},
        )
        created += 1
    total = CompanyRegistration.objects.count() + JoinRequest.objects.count()
    seeder.report("利用登録・参加申請 (registrations, join requests)", total, created)
