import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from consortia.validators import corporate_number_check_digit, validate_corporate_number

# Published corporate numbers (国税庁 法人番号公表サイト): the check digit is their first digit.
REAL_NUMBERS = ["7000012050002", "1180301018771", "4010001008772", "5010401089998"]


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_published_corporate_numbers_are_valid(number):
    validate_corporate_number(number)


@pytest.mark.parametrize(
    "number, code",
    [
        ("", "corporate_number_format"),
        ("123456789012", "corporate_number_format"),  # 12 digits
        ("70000120500021", "corporate_number_format"),  # 14 digits
        ("７０００１２０５０００２", "corporate_number_format"),  # full-width digits
        ("700001205000A", "corporate_number_format"),
        ("8000012050002", "corporate_number_check_digit"),  # wrong check digit
        ("1000012050002", "corporate_number_check_digit"),
    ],
)
def test_malformed_corporate_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as info:
        validate_corporate_number(number)
    assert info.value.code == code


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_body_with_its_check_digit_is_valid_and_every_other_digit_is_not(body):
    right = corporate_number_check_digit(body)
    assert 1 <= right <= 9
    validate_corporate_number(f"{right}{body}")
    for wrong in set(range(10)) - {right}:
        with pytest.raises(ValidationError):
            validate_corporate_number(f"{wrong}{body}")
