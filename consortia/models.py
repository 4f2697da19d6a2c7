"""Consortia, their member institutions, companies, users and the roles that scope them."""

import hashlib
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.i18n import LocalizedName, is_japanese

from .names import normalize_reading, person_name
from .validators import validate_corporate_number, validate_name, validate_reading, validate_registration_number

PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]
PREFECTURE_CHOICES = [(p, p) for p in PREFECTURES]


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
    language = models.CharField(
        _("表示言語 (language)"), max_length=8, choices=[("ja", "日本語"), ("en", "English")], default="ja"
    )

    class Meta:
        verbose_name = _("利用者 (user)")
        verbose_name_plural = _("利用者 (users)")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self) -> str:
        """The name in the page's language: 渡辺 由美 in Japanese, Yumi Watanabe in English (consortia.names)."""
        return person_name(
            self.last_name, self.first_name, self.last_name_kana, self.first_name_kana, english=not is_japanese()
        )

    @property
    def display_name(self) -> str:
        """The name, or the username for a person who gave none."""
        return self.get_full_name() or self.username

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

    name = models.CharField(_("名称 (name)"), max_length=200, unique=True, validators=[validate_name])
    name_en = models.CharField(_("英語名称 (English name)"), max_length=200, blank=True, validators=[validate_name])
    slug = models.SlugField(_("識別子 (slug)"), max_length=60, unique=True)
    region = models.CharField(_("地域 (region)"), max_length=200, blank=True, validators=[validate_name])
    prefectures = models.JSONField(_("対象都道府県 (prefectures)"), default=list, blank=True)
    description = models.TextField(_("概要 (description)"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    contact_email = models.EmailField(_("事務局連絡先 (secretariat e-mail)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("協議会 (consortium)")
        verbose_name_plural = _("協議会 (consortia)")


class Institution(LocalizedName, models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("大学 (university)")
        KOSEN = "kosen", _("高等専門学校 (kosen)")
        PUBLIC_TESTING = "public_testing", _("公設試験研究機関 (public testing institute)")
        NATIONAL_LAB = "national_lab", _("国立研究開発法人 (national lab)")
        TLO = "tlo", _("TLO (technology licensing office)")
        OTHER = "other", _("その他 (other)")

    name = models.CharField(_("名称 (name)"), max_length=200, unique=True, validators=[validate_name])
    name_en = models.CharField(_("英語名称 (English name)"), max_length=200, blank=True, validators=[validate_name])
    kind = models.CharField(_("種別 (kind)"), max_length=20, choices=Kind.choices)
    prefecture = models.CharField(_("都道府県 (prefecture)"), max_length=10, choices=PREFECTURE_CHOICES, blank=True)
    address = models.CharField(_("所在地 (address)"), max_length=300, blank=True, validators=[validate_name])
    website = models.URLField(_("ウェブサイト (website)"), blank=True)
    contact_email = models.EmailField(_("連絡先 (contact e-mail)"), blank=True)
    registration_number = models.CharField(
        _("適格請求書発行事業者登録番号 (qualified-invoice registration number)"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
        help_text=_("「T」と法人番号13桁 (T and the 13-digit corporate number)"),
    )
    usage_report_due_days = models.PositiveIntegerField(
        _("利用報告書の提出期限（利用後の日数） (usage report due, days after use)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    consortia = models.ManyToManyField(
        Consortium, through="ConsortiumMembership", related_name="institutions", verbose_name=_("協議会 (consortia)")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("機関 (institution)")
        verbose_name_plural = _("機関 (institutions)")


MULTIPLIER_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))]


class FeePolicy(models.Model):
    """How an institution charges on top of an instrument's base rate (see docs/fees.md).

    Multipliers apply to the instrument's fee only, never to staff time or consumables. An institution
    without a policy charges the rate table as it stands.
    """

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="fee_policy", verbose_name=_("機関 (institution)")
    )
    confidential_multiplier = models.DecimalField(
        _("成果非公開の倍率 (multiplier for results not to be published)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=MULTIPLIER_VALIDATORS,
    )
    outside_region_multiplier = models.DecimalField(
        _("地域外企業の倍率 (multiplier for companies outside the region)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=MULTIPLIER_VALIDATORS,
    )
    large_company_multiplier = models.DecimalField(
        _("大企業の倍率（中小企業料金に対して） (large companies, times the SME rate)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=MULTIPLIER_VALIDATORS,
        help_text=_("空欄: 機器の大企業料金を適用 (empty: the instrument's large-company rate applies)"),
    )
    staff_rate_jpy = models.PositiveIntegerField(
        _("技術職員の時間単価（円・税抜） (staff rate per hour, JPY excl. tax)"),
        null=True,
        blank=True,
        help_text=_("技術補助・依頼分析に加算。空欄: 加算なし (added to assisted and commissioned use; empty: none)"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("料金規程 (fee policy)")
        verbose_name_plural = _("料金規程 (fee policies)")
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential_multiplier__gt=0)
                & Q(outside_region_multiplier__gt=0)
                & (Q(large_company_multiplier__isnull=True) | Q(large_company_multiplier__gt=0)),
                name="fee_policy_multipliers_positive",
            ),
        ]

    def __str__(self):
        return f"{self.institution} の料金規程"


class ConsortiumMembership(models.Model):
    """An institution's membership of a consortium, with the dates it joined and left."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("加入日 (joined)"))
    left_on = models.DateField(_("脱退日 (left)"), null=True, blank=True)

    class Meta:
        ordering = ["consortium_id", "institution_id"]
        verbose_name = _("協議会への加入 (membership)")
        verbose_name_plural = _("協議会への加入 (memberships)")
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
        SME = "sme", _("中小企業 (SME)")
        LARGE = "large", _("大企業 (large company)")

    name = models.CharField(_("名称 (name)"), max_length=200, validators=[validate_name])
    corporate_number = models.CharField(
        _("法人番号 (corporate number)"), max_length=13, unique=True, validators=[validate_corporate_number]
    )
    size = models.CharField(_("企業規模 (size)"), max_length=10, choices=Size.choices)
    industry = models.CharField(_("業種 (industry)"), max_length=100, blank=True, validators=[validate_name])
    prefecture = models.CharField(_("都道府県 (prefecture)"), max_length=10, choices=PREFECTURE_CHOICES, blank=True)
    address = models.CharField(_("所在地 (address)"), max_length=300, blank=True, validators=[validate_name])
    monthly_quota_hours = models.PositiveIntegerField(
        _("月間利用上限（時間） (monthly quota, hours)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("企業 (company)")
        verbose_name_plural = _("企業 (companies)")

    def __str__(self):
        return self.name


class Role(models.Model):
    """One thing a user is, scoped to the object it applies to.

    Exactly the scope field that belongs to the kind is set (checked in the database).
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("機器担当者 (institution staff)")
        RESEARCHER = "researcher", _("会員機関の研究者 (researcher of a member institution)")
        SECRETARIAT = "secretariat", _("事務局 (consortium secretariat)")
        COORDINATOR = "coordinator", _("コーディネータ (consortium coordinator)")
        COMPANY_MEMBER = "company_member", _("企業利用者 (company user)")
        COMPANY_ADMIN = "company_admin", _("企業管理者 (company admin)")

    INSTITUTION_KINDS = (Kind.STAFF, Kind.RESEARCHER)
    CONSORTIUM_KINDS = (Kind.SECRETARIAT, Kind.COORDINATOR)
    COMPANY_KINDS = (Kind.COMPANY_MEMBER, Kind.COMPANY_ADMIN)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("役割 (role)"), max_length=20, choices=Kind.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    consortium = models.ForeignKey(Consortium, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")

    class Meta:
        ordering = ["id"]
        verbose_name = _("役割 (role)")
        verbose_name_plural = _("役割 (roles)")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    Q(
                        kind__in=["staff", "researcher"],
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
        _("名前 (name)"),
        max_length=100,
        validators=[validate_name],
    )
    prefix = models.CharField(_("キーの先頭 (key prefix)"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("発行 (created)"))
    last_used_at = models.DateTimeField(_("最終使用 (last used)"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有効期限 (expires)"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("APIトークン (API token)")
        verbose_name_plural = _("APIトークン (API tokens)")
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later")
        ]

    def __str__(self):
        return f"{self.user} — {self.name} ({self.prefix}…)"
