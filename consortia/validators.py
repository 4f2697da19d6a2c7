"""Pure validators for names and Japanese identifiers (no ORM)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from backend.escaping import refused_in_names

from .names import is_katakana, normalize_reading


def validate_name(value: str) -> None:
    """A name or title someone types (of a person, organisation, instrument, category, downtime, …) is one line of
    visible text: no line break, tab or other control character, no format character (bidirectional overrides,
    zero-width characters), no separator but the spaces. Names travel into calendar lines, e-mail subjects, CSV rows
    and PDFs, where such characters break the file or hide what the name says. Every model field holding such a name
    lists this validator; the services' full_clean turns its error into a 400 naming the field."""
    refused = refused_in_names(str(value))
    if refused:
        raise ValidationError(
            _("Line breaks, tabs and other control characters are not allowed: %(chars)s."),
            code="control_characters",
            params={"chars": ", ".join(f"U+{ord(char):04X}" for char in refused)},
        )


def validate_reading(value: str) -> None:
    """A reading (フリガナ) is katakana (hiragana and half-width katakana are turned into it before this check)."""
    if not is_katakana(normalize_reading(value)):
        raise ValidationError(_("Write the reading in katakana."), code="reading_not_katakana")


def corporate_number_check_digit(body: str) -> int:
    """Check digit of a 法人番号 for its 12-digit body (National Tax Agency's formula).

    Digits are counted from the right (n = 1..12); odd positions weigh 1, even positions 2;
    the check digit is 9 - (sum mod 9).
    """
    total = 0
    for n, char in enumerate(reversed(body), start=1):
        total += int(char) * (1 if n % 2 else 2)
    return 9 - (total % 9)


def validate_corporate_number(value: str) -> None:
    """A 法人番号 is 13 half-width digits; the first is the check digit of the other twelve."""
    if not isinstance(value, str) or len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A corporate number is 13 digits."), code="corporate_number_format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(
            _("The corporate number's check digit is wrong."),
            code="corporate_number_check_digit",
        )


def validate_registration_number(value: str) -> None:
    """An 適格請求書発行事業者登録番号 (qualified-invoice issuer number) is `T` and 13 half-width digits.

    For a corporation — every institution here is one — the digits are its 法人番号, so the first is the
    check digit of the other twelve.
    """
    if (
        not isinstance(value, str)
        or len(value) != 14
        or value[0] != "T"
        or not value[1:].isascii()
        or not value[1:].isdigit()
    ):
        raise ValidationError(
            _("A registration number is T and 13 digits (e.g. T1234567890123)."),
            code="registration_number_format",
        )
    if int(value[1]) != corporate_number_check_digit(value[2:]):
        raise ValidationError(
            _("The registration number's check digit is wrong."),
            code="registration_number_check_digit",
        )
