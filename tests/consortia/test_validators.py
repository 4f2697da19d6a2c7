import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from consortia.validators import corporate_number_check_digit, validate_corporate_number, validate_name

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


# --- Names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "走査電子顕微鏡 JSM-IT800",
        "株式会社　北見センサー",
        "SEM <b",
        "R&D <img src='x'>",
        "=1+1",
        "山田 太郎",
        "ｾﾑ",
        "🔬",
    ],
)
def test_names_of_visible_text_and_spaces_are_valid(name):
    validate_name(name)  # markup and formula characters are text here; the formats escape them


@pytest.mark.parametrize(
    "name, shown",
    [
        ("SEM\nX", "U+000A"),
        ("SEM\r\nX", "U+000D, U+000A"),
        ("SEM\tX", "U+0009"),
        ("SEM\x00X", "U+0000"),
        ("SEM\x1bX", "U+001B"),
        ("SEM\x85X", "U+0085"),
        ("SEM\u2028X", "U+2028"),
        ("SEM\u202eX", "U+202E"),  # right-to-left override
        ("SEM\u200bX", "U+200B"),  # zero-width space
        ("SEM\ud800X", "U+D800"),  # a lone surrogate (JSON can carry one)
    ],
)
def test_names_with_line_breaks_tabs_or_control_characters_are_refused(name, shown):
    with pytest.raises(ValidationError) as info:
        validate_name(name)
    assert info.value.code == "control_characters" and shown in info.value.messages[0]
