"""Consortia, their member institutions, companies, users and the roles that scope them."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.i18n import LocalizedName, is_japanese

from .billing import BillingDetails, FeePolicy  # noqa: F401 (models of this app, in their own module)
from .names import normalize_reading, person_name, short_name
from .validators import validate_corporate_number, validate_name, validate_reading, validate_registration_number

# The 47 prefectures: the stored value is the Japanese name (as addresses write it), the label is the page's
# language (the English name is the message id; the catalogue gives the Japanese back).
PREFECTURE_CHOICES = [
    ("北海道", pgettext_lazy("prefecture", "Hokkaido")),
    ("青森県", pgettext_lazy("prefecture", "Aomori")),
    ("岩手県", pgettext_lazy("prefecture", "Iwate")),
    ("宮城県", pgettext_lazy("prefecture", "Miyagi")),
    ("秋田県", pgettext_lazy("prefecture", "Akita")),
    ("山形県", pgettext_lazy("prefecture", "Yamagata")),
    ("福島県", pgettext_lazy("prefecture", "Fukushima")),
    ("茨城県", pgettext_lazy("prefecture", "Ibaraki")),
    ("栃木県", pgettext_lazy("prefecture", "Tochigi")),
    ("群馬県", pgettext_lazy("prefecture", "Gunma")),
    ("埼玉県", pgettext_lazy("prefecture", "Saitama")),
    ("千葉県", pgettext_lazy("prefecture", "Chiba")),
    ("東京都", pgettext_lazy("prefecture", "Tokyo")),
    ("神奈川県", pgettext_lazy("prefecture", "Kanagawa")),
    ("新潟県", pgettext_lazy("prefecture", "Niigata")),
    ("富山県", pgettext_lazy("prefecture", "Toyama")),
    ("石川県", pgettext_lazy("prefecture", "Ishikawa")),
    ("福井県", pgettext_lazy("prefecture", "Fukui")),
    ("山梨県", pgettext_lazy("prefecture", "Yamanashi")),
    ("長野県", pgettext_lazy("prefecture", "Nagano")),
    ("岐阜県", pgettext_lazy("prefecture", "Gifu")),
    ("静岡県", pgettext_lazy("prefecture", "Shizuoka")),
    ("愛知県", pgettext_lazy("prefecture", "Aichi")),
    ("三重県", pgettext_lazy("prefecture", "Mie")),
    ("滋賀県", pgettext_lazy("prefecture", "Shiga")),
    ("京都府", pgettext_lazy("prefecture", "Kyoto")),
    ("大阪府", pgettext_lazy("prefecture", "Osaka")),
    ("兵庫県", pgettext_lazy("prefecture", "Hyogo")),
    ("奈良県", pgettext_lazy("prefecture", "Nara")),
    ("和歌山県", pgettext_lazy("prefecture", "Wakayama")),
    ("鳥取県", pgettext_lazy("prefecture", "Tottori")),
    ("島根県", pgettext_lazy("prefecture", "Shimane")),
    ("岡山県", pgettext_lazy("prefecture", "Okayama")),
    ("広島県", pgettext_lazy("prefecture", "Hiroshima")),
    ("山口県", pgettext_lazy("prefecture", "Yamaguchi")),
    ("徳島県", pgettext_lazy("prefecture", "Tokushima")),
    ("香川県", pgettext_lazy("prefecture", "Kagawa")),
    ("愛媛県", pgettext_lazy("prefecture", "Ehime")),
    ("高知県", pgettext_lazy("prefecture", "Kochi")),
    ("福岡県", pgettext_lazy("prefecture", "Fukuoka")),
    ("佐賀県", pgettext_lazy("prefecture", "Saga")),
    ("長崎県", pgettext_lazy("prefecture", "Nagasaki")),
    ("熊本県", pgettext_lazy("prefecture", "Kumamoto")),
    ("大分県", pgettext_lazy("prefecture", "Oita")),
    ("宮崎県", pgettext_lazy("prefecture", "Miyazaki")),
    ("鹿児島県", pgettext_lazy("prefecture", "Kagoshima")),
    ("沖縄県", pgettext_lazy("prefecture", "Okinawa")),
]
PREFECTURES = [value for value, _label in PREFECTURE_CHOICES]

# A closed account's address (consortia.services.deactivate_user): .invalid never resolves (RFC 2606).
DEACTIVATED_EMAIL_DOMAIN = "deactivated.invalid"


class User(AbstractUser):
    """A person who logs in. What they may do comes from their roles."""

    # Django's own fields, with the check every name gets.
    first_name = models.CharField(_("first name"), max_length=150, blank=True, validators=[validate_name])
    last_name = models.CharField(_("last name"), max_length=150, blank=True, validators=[validate_name])
    # Readings (フリガナ) in katakana: lists of people sort by them, and English pages write the name from them.
    last_name_kana = models.CharField(
        _("family name reading"), max_length=150, blank=True, validators=[validate_name, validate_reading]
    )
    first_name_kana = models.CharField(
        _("given name reading"), max_length=150, blank=True, validators=[validate_name, validate_reading]
    )
    # Each language in its own name, as every language picker of the site shows it.
    language = models.CharField(
        _("language"), max_length=8, choices=[("ja", "日本語"), ("en", "English")], default="ja"
    )
    # Which optional e-mails the person receives. Changes to their bookings are always sent; these are not.
    receives_digests = models.BooleanField(_("morning digest e-mails"), default=True)
    receives_reminders = models.BooleanField(_("reminder e-mails"), default=True)
    # The terms of use (利用規約) and privacy notice (個人情報の取扱い) the person last accepted: their version
    # (settings.TERMS_VERSION) and when. Empty for accounts made before there were terms to accept.
    terms_version = models.CharField(_("terms accepted"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self) -> str:
        """The name in the page's language: 渡辺 由美 in Japanese, Yumi Watanabe in English (consortia.names)."""
        return person_name(
            self.last_name, self.first_name, self.last_name_kana, self.first_name_kana, english=not is_japanese()
        )

    def get_short_name(self) -> str:
        """A greeting's name: 渡辺 in Japanese, Yumi in English (consortia.names)."""
        return short_name(
            self.last_name, self.first_name, self.last_name_kana, self.first_name_kana, english=not is_japanese()
        )

    @property
    def display_name(self) -> str:
        """The name, or the username for a person who gave none; "Former user" once the account was closed (its
        name removed: consortia.services.deactivate_user)."""
        if self.is_deactivated:
            return str(_("Former user"))
        return self.get_full_name() or self.username

    @property
    def is_deactivated(self) -> bool:
        """Whether the person closed their account (inactive, the address replaced by the unroutable placeholder)."""
        return not self.is_active and self.email.endswith(f"@{DEACTIVATED_EMAIL_DOMAIN}")

    def clean(self):
        super().clean()
        self.last_name_kana = normalize_reading(self.last_name_kana)
        self.first_name_kana = normalize_reading(self.first_name_kana)

    def save(self, *args, **kwargs):
        # A new password revokes every API token of the user, whichever way it was set: the reset and change
        # pages, the admin, `manage.py changepassword`, a service. They all call set_password() then save(), and
        # set_password() leaves the new password in _password until save() hands it to Django's own
        # password_changed hook, as we do here; a hash upgrade on log in clears it first, so it revokes nothing.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from .services import revoke_api_tokens  # services import the models

            revoke_api_tokens(user=self)


class Consortium(LocalizedName, models.Model):
    """A regional operating council (運営協議会) of research institutions."""

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_name])
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=[validate_name])
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    region = models.CharField(_("region"), max_length=200, blank=True, validators=[validate_name])
    prefectures = models.JSONField(_("prefectures"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    contact_email = models.EmailField(_("secretariat e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")


class Institution(LocalizedName, models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        KOSEN = "kosen", _("College of technology (kosen)")
        PUBLIC_TESTING = "public_testing", _("Public testing institute")
        NATIONAL_LAB = "national_lab", _("National research institute")
        TLO = "tlo", _("Technology licensing office (TLO)")
        OTHER = "other", pgettext_lazy("institution kind", "Other")

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_name])
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=[validate_name])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    prefecture = models.CharField(_("prefecture"), max_length=10, choices=PREFECTURE_CHOICES, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[validate_name])
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    registration_number = models.CharField(
        _("qualified-invoice registration number"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
        help_text=_("T and the 13-digit corporate number"),
    )
    usage_report_due_days = models.PositiveIntegerField(
        _("usage report due (days after use)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    consortia = models.ManyToManyField(
        Consortium, through="ConsortiumMembership", related_name="institutions", verbose_name=_("consortia")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")


class ConsortiumMembership(models.Model):
    """An institution's membership of a consortium, with the dates it joined and left."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["consortium_id", "institution_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["consortium", "institution", "joined_on"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.institution} ∈ {self.consortium}"


class Company(models.Model):
    class Size(models.TextChoices):
        SME = "sme", _("SME")
        LARGE = "large", _("Large company")

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, unique=True, validators=[validate_corporate_number]
    )
    size = models.CharField(_("company size"), max_length=10, choices=Size.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True, validators=[validate_name])
    prefecture = models.CharField(_("prefecture"), max_length=10, choices=PREFECTURE_CHOICES, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[validate_name])
    monthly_quota_hours = models.PositiveIntegerField(_("monthly quota (hours)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name


class Role(models.Model):
    """One thing a user is, scoped to the object it applies to.

    Exactly the scope field that belongs to the kind is set (checked in the database). An institution's
    administrator (事務担当) keeps its fee policy, payment details and billing contact (consortia.billing); it is
    often held beside the staff role, by someone of the institution's accounting or liaison office.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("Institution staff")
        INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
        RESEARCHER = "researcher", _("Researcher of a member institution")
        SECRETARIAT = "secretariat", _("Consortium secretariat")
        COORDINATOR = "coordinator", _("Consortium coordinator")
        COMPANY_MEMBER = "company_member", _("Company user")
        COMPANY_ADMIN = "company_admin", _("Company admin")

    INSTITUTION_KINDS = (Kind.STAFF, Kind.INSTITUTION_ADMIN, Kind.RESEARCHER)
    CONSORTIUM_KINDS = (Kind.SECRETARIAT, Kind.COORDINATOR)
    COMPANY_KINDS = (Kind.COMPANY_MEMBER, Kind.COMPANY_ADMIN)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    consortium = models.ForeignKey(Consortium, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    Q(
                        kind__in=["staff", "institution_admin", "researcher"],
                        institution__isnull=False,
                        consortium__isnull=True,
                        company__isnull=True,
                    )
                    | Q(
                        kind__in=["secretariat", "coordinator"],
                        consortium__isnull=False,
                        institution__isnull=True,
                        company__isnull=True,
                    )
                    | Q(
                        kind__in=["company_member", "company_admin"],
                        company__isnull=False,
                        institution__isnull=True,
                        consortium__isnull=True,
                    )
                ),
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", "kind", scope],
                    condition=Q(**{f"{scope}__isnull": False}),
                    name=f"role_unique_{scope}",
                )
                for scope in ("institution", "consortium", "company")
            ],
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} @ {self.institution or self.consortium or self.company}"


def hash_api_key(key: str) -> str:
    """What is stored of an API key: its SHA-256 (a random 160-bit key needs no slow hash)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key for `Authorization: Token …`. Only its hash is stored: the key is shown once, when issued, and lists
    show its first characters. It expires (settings.API_TOKEN_TTL_DAYS after issue) and dies when the user's
    password changes (User.save)."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("name"),
        max_length=100,
        validators=[validate_name],
    )
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later")
        ]

    def __str__(self):
        return f"{self.user} — {self.name} ({self.prefix}…)"


class RoleChange(models.Model):
    """A role granted or revoked: who, which role where, by whom (None: the system, by the path in `via`) and why.
    Written by consortia.services.grant_role and revoke_role only, and never deleted; the names are copied so that
    the record still reads after a person or a scope is gone."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="role_changes")
    user_label = models.CharField(_("person"), max_length=300, validators=[validate_name])
    kind = models.CharField(_("role"), max_length=20, choices=Role.Kind.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    consortium = models.ForeignKey(Consortium, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scope_label = models.CharField(_("where"), max_length=300, validators=[validate_name])
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    via = models.CharField(_("via"), max_length=40, blank=True, validators=[validate_name])
    reason = models.CharField(_("reason"), max_length=500, blank=True, validators=[validate_name])
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self):
        return f"{self.get_action_display()}: {self.user_label} — {self.get_kind_display()} @ {self.scope_label}"
