import pytest
from allauth.account.models import EmailAddress

from consortia.models import Company
from tests.factories import UserFactory, valid_corporate_number

NUMBER = valid_corporate_number(424242)


def verified_user(**kwargs):
    """A person who signed up and followed the link of the e-mail (allauth's verified address)."""
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def registrant(db):
    return verified_user(username="registrant", last_name="鈴木", first_name="一郎")


@pytest.fixture
def fields(world):
    """A complete registration for the Hokkaido consortium."""
    return {
        "corporate_number": NUMBER,
        "name": "小樽精機株式会社",
        "size": Company.Size.SME,
        "prefecture": "北海道",
        "address": "小樽市色内1-1",
        "industry": "金属加工",
        "billing_name": "経理部 佐藤",
        "billing_email": "keiri@otaru-seiki.example.jp",
        "billing_phone": "0134-00-0000",
        "invoices_by_email": True,
        "consortium": world.hokkaido,
        "note": "SEMで破断面を観察したい",
    }


@pytest.fixture
def pending(registrant, fields):
    from registrations import services

    return services.register_company(actor=registrant, **fields)
