"""Every change to instruments and what belongs to them. API, admin and pages call these.

Each function takes the acting user, checks that they may act, validates, and writes in one
transaction; refusals are DomainErrors with a code and the field at fault. A verb on an existing row first
re-reads it from its locked row (`lock_current`) and writes only the fields it changes; an edit of what the
catalogue searches rebuilds the search text (backend.search).

Long: one function per verb over an instrument and what belongs to it (opening hours, rates, manuals, photos,
downtime, qualifications), sharing one permission check and one search-text rebuild; split, those would scatter.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import Conflict, DomainError, PermissionDenied, full_clean_or_refuse, refuse_unknown_fields
from backend.plumbing import atomic_with_files, lock_current, user_or_none
from backend.search import lock_sources, refresh_search_text
from consortia.models import Institution, User

from . import selectors
from .ical_import import MAX_BYTES as ICS_MAX_BYTES
from .ical_import import parse_downtimes
from .models import Category, Downtime, Instrument, Manual, OpeningHours, Photo, Qualification, Rate, UsageMode
from .uploads import check_pdf, check_photo

INSTRUMENT_FIELDS = {
    "category",
    "name",
    "name_en",
    "maker",
    "model",
    "description",
    "description_en",
    "specs",
    "location",
    "status",
    "modes",
    "requires_qualification",
    *Instrument.BOOKING_RULE_FIELDS,
}


def ensure_can_manage(actor, institution_id: int) -> None:
    """Every verb on an institution's instruments raises `selectors.may_manage_instruments`."""
    if not selectors.may_manage_instruments(actor, institution_id):
        raise PermissionDenied(
            "not_institution_staff",
            _("Only this institution's staff may change its instruments."),
        )


def _validate_modes(modes) -> list[str]:
    if not isinstance(modes, list) or not modes or any(m not in UsageMode.values for m in modes):
        raise DomainError(
            "invalid_modes",
            _("Choose one or more usage modes: self, assisted, commissioned."),
            field="modes",
        )
    return sorted(set(modes), key=UsageMode.values.index)


def _validate_lengths(instrument: Instrument) -> None:
    if instrument.min_minutes > instrument.max_minutes:
        raise DomainError(
            "min_above_max",
            _("The minimum length exceeds the maximum length."),
            field="min_minutes",
        )
    for name in ("min_minutes", "max_minutes"):
        if getattr(instrument, name) % instrument.slot_minutes:
            raise DomainError(
                "length_off_grid",
                _("Lengths must be multiples of the slot granularity."),
                field=name,
            )


@transaction.atomic
def create_instrument(
    *, actor, institution: Institution, category: Category, name: str, opening_hours: list[dict] | None = None, **fields
) -> Instrument:
    ensure_can_manage(actor, institution.id)
    refuse_unknown_fields(fields, INSTRUMENT_FIELDS)
    lock_sources(institutions=[institution], categories=[category])  # its search text is made of them
    fields.setdefault("modes", [UsageMode.ASSISTED, UsageMode.COMMISSIONED])
    fields["modes"] = _validate_modes(fields["modes"])
    instrument = Instrument(institution=institution, category=category, name=name, **fields)
    _validate_lengths(instrument)
    full_clean_or_refuse(instrument, exclude=["search_text"])
    instrument.save()
    refresh_search_text(instruments=[instrument])  # from the category and institution as they are now
    if opening_hours is not None:
        _replace_opening_hours(instrument, opening_hours)
    return instrument


@transaction.atomic
def update_instrument(
    *, actor, instrument: Instrument, opening_hours: list[dict] | None = None, **fields
) -> Instrument:
    ensure_can_manage(actor, instrument.institution_id)
    refuse_unknown_fields(fields, INSTRUMENT_FIELDS)
    if "modes" in fields:
        fields["modes"] = _validate_modes(fields["modes"])
    if "category" in fields:
        lock_sources(categories=[fields["category"]])  # before the instrument: see backend.search.lock_sources
    lock_current(instrument)
    if fields.get("status") == Instrument.Status.RETIRED and instrument.status != Instrument.Status.RETIRED:
        raise DomainError(
            "retire_with_its_own_action",
            _("Retire an instrument with its own action, which asks what to do with its bookings."),
            field="status",
        )
    for key, value in fields.items():
        setattr(instrument, key, value)
    _validate_lengths(instrument)
    full_clean_or_refuse(instrument, exclude=["search_text"])
    instrument.save(update_fields=[*fields, "updated_at"])
    refresh_search_text(instruments=[instrument])
    if opening_hours is not None:
        _replace_opening_hours(instrument, opening_hours)
    return instrument


def _replace_opening_hours(instrument: Instrument, hours: list[dict]) -> None:
    """Replace the weekly schedule; intervals of one weekday must not overlap."""
    rows = []
    for index, item in enumerate(hours):
        weekday, opens, closes = item.get("weekday"), item.get("opens"), item.get("closes")
        if (
            not isinstance(weekday, int)
            or not 0 <= weekday <= 6
            or not isinstance(opens, time)
            or not isinstance(closes, time)
            or opens >= closes
        ):
            raise DomainError(
                "invalid_opening_hours",
                _(
                    "Opening hours need a weekday (0 = Monday to 6 = Sunday) and an opening time before the closing time."
                ),
                field=f"opening_hours[{index}]",
            )
        rows.append(OpeningHours(instrument=instrument, weekday=weekday, opens=opens, closes=closes))
    by_day: dict[int, list[OpeningHours]] = {}
    for row in rows:
        by_day.setdefault(row.weekday, []).append(row)
    for day_rows in by_day.values():
        day_rows.sort(key=lambda r: r.opens)
        for earlier, later in zip(day_rows, day_rows[1:]):
            if later.opens < earlier.closes:
                raise DomainError(
                    "overlapping_opening_hours",
                    _("Opening hours of one weekday overlap."),
                    field="opening_hours",
                )
    instrument.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(rows)


@transaction.atomic
def retire_instrument(*, actor, instrument: Instrument) -> Instrument:
    """Instruments are retired, not deleted: bookings and reports keep pointing at them. Pages and API retire through
    bookings.disruptions.retire_instrument, which settles the bookings it hits."""
    ensure_can_manage(actor, instrument.institution_id)
    lock_current(instrument)
    instrument.status = Instrument.Status.RETIRED
    instrument.save(update_fields=["status", "updated_at"])
    return instrument


@transaction.atomic
def add_rate(
    *,
    actor,
    instrument: Instrument,
    user_category: str,
    mode: str,
    amount_jpy: int,
    valid_from: date,
    unit: str = Rate.Unit.HOUR,
) -> Rate:
    ensure_can_manage(actor, instrument.institution_id)
    rate = Rate(
        instrument=instrument,
        user_category=user_category,
        mode=mode,
        unit=unit,
        amount_jpy=amount_jpy,
        valid_from=valid_from,
    )
    full_clean_or_refuse(rate, exclude=["instrument"])
    if Rate.objects.filter(
        instrument=instrument, user_category=user_category, mode=mode, valid_from=valid_from
    ).exists():
        raise Conflict(
            "rate_exists",
            _("A rate for this user category, mode and date already exists."),
            field="valid_from",
        )
    rate.save()
    return rate


@transaction.atomic
def delete_rate(*, actor, rate: Rate) -> None:
    """Only a rate not yet in force may be deleted; rates in force stay as history."""
    lock_current(rate)
    ensure_can_manage(actor, rate.instrument.institution_id)
    if rate.valid_from <= timezone.localdate():
        raise Conflict(
            "rate_in_force",
            _("A rate already in force cannot be deleted; add a new rate with a later date."),
        )
    rate.delete()


def upload_manual(*, actor, instrument: Instrument, upload, title: str, version: str, language: str = "ja") -> Manual:
    ensure_can_manage(actor, instrument.institution_id)
    checked = check_pdf(upload, field="file")  # outside the transaction: no write lock is held while parsing
    with atomic_with_files() as files:
        manual = Manual(
            instrument=instrument,
            title=title,
            version=version,
            language=language,
            size_bytes=len(checked.content),
            pages=checked.pages,
            checksum=checked.checksum,
            uploaded_by=user_or_none(actor),
        )
        full_clean_or_refuse(manual, exclude=["file", "instrument", "uploaded_by"])
        if Manual.objects.filter(instrument=instrument, language=language, version=version).exists():
            raise Conflict(
                "manual_version_exists",
                _("This version is already registered; give a new version."),
                field="version",
            )
        files.save(manual.file, f"{checked.checksum[:16]}.pdf", ContentFile(checked.content))
        manual.save()
    return manual


def upload_photo(*, actor, instrument: Instrument, upload, caption: str = "", position: int | None = None) -> Photo:
    ensure_can_manage(actor, instrument.institution_id)
    checked = check_photo(upload, field="image")
    with atomic_with_files() as files:
        if position is None:
            position = instrument.photos.count()
        photo = Photo(
            instrument=instrument,
            caption=caption,
            position=position,
            width=checked.width,
            height=checked.height,
            uploaded_by=user_or_none(actor),
        )
        full_clean_or_refuse(photo, exclude=["image", "thumbnail", "instrument", "uploaded_by"])
        stem = timezone.now().strftime("%Y%m%d%H%M%S%f")
        files.save(photo.image, f"{stem}.{checked.extension}", ContentFile(checked.image))
        files.save(photo.thumbnail, f"{stem}-thumb.{checked.extension}", ContentFile(checked.thumbnail))
        photo.save()
    return photo


@transaction.atomic
def delete_photo(*, actor, photo: Photo) -> None:
    lock_current(photo)
    ensure_can_manage(actor, photo.instrument.institution_id)
    files = [photo.image, photo.thumbnail]
    photo.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])


@transaction.atomic
def add_downtime(  # pages and API: bookings.disruptions.add_downtime, which settles the bookings it hits
    *,
    actor,
    instrument: Instrument,
    start,
    end,
    kind: str = Downtime.Kind.MAINTENANCE,
    title: str = "",
    note: str = "",
    source_uid: str = "",
) -> Downtime:
    ensure_can_manage(actor, instrument.institution_id)
    Downtime.check_period(start, end)
    downtime = Downtime(
        instrument=instrument,
        start=start,
        end=end,
        kind=kind,
        title=title,
        note=note,
        source_uid=source_uid,
        created_by=user_or_none(actor),
    )
    full_clean_or_refuse(downtime, exclude=["instrument", "created_by"])
    downtime.save()
    return downtime


IMPORT_PAST = timedelta(days=366)  # past downtime still matters: reports subtract it from available hours
IMPORT_FUTURE = timedelta(days=2 * 366)


def import_ics(upload, *, now: datetime | None, rows, create) -> dict:
    """The events of an uploaded .ics file, from a year back to two years ahead, laid over `rows` (a related
    manager of rows with `source_uid`, `start`, `end`, `title`) by UID: a new UID is `create(uid, values)`d, a changed
    one updated, a CANCELLED one deleted; the counts of each. The one import of downtime (`import_downtimes`) and of
    operators' absences (staffing.absences). Any fault in the file refuses it before a row is written."""
    if upload is None:
        raise DomainError("required", _("Choose an .ics file."), field="file")
    now = now or timezone.now()
    events = parse_downtimes(
        upload.read(ICS_MAX_BYTES + 1), window_start=now - IMPORT_PAST, window_end=now + IMPORT_FUTURE
    )
    latest = {event.source_uid: event for event in events}  # a UID given twice: the later one wins
    existing = {row.source_uid: row for row in rows.filter(source_uid__in=latest)}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    for uid, event in latest.items():
        current = existing.get(uid)
        if event.cancelled:
            if current:
                current.delete()
                counts["deleted"] += 1
            continue
        values = {"start": event.start, "end": event.end, "title": event.title}
        if current is None:
            create(uid, values)
            counts["created"] += 1
        elif any(getattr(current, name) != value for name, value in values.items()):
            type(current).objects.filter(pk=current.pk).update(**values)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


@transaction.atomic
def import_downtimes(  # pages and API: bookings.disruptions.import_downtimes
    *, actor, instrument: Instrument, upload, kind: str = Downtime.Kind.MAINTENANCE, now: datetime | None = None
) -> dict:
    """Create or update downtime from an .ics file, keyed by each event's UID (recurring events per
    occurrence), so importing the same export again changes nothing; a CANCELLED event removes its
    downtime. All or nothing: any fault in the file refuses it before a row is written."""
    ensure_can_manage(actor, instrument.institution_id)
    if kind not in Downtime.Kind.values:
        raise DomainError("invalid_choice", _("Unknown kind: %(kind)s") % {"kind": kind}, field="kind")
    return import_ics(
        upload,
        now=now,
        rows=instrument.downtimes,
        create=lambda uid, values: Downtime.objects.create(
            instrument=instrument, kind=kind, source_uid=uid, created_by=user_or_none(actor), **values
        ),
    )


@transaction.atomic
def delete_downtime(*, actor, downtime: Downtime) -> None:
    lock_current(downtime)
    ensure_can_manage(actor, downtime.instrument.institution_id)
    downtime.delete()


NO_SUCH_GRANTEE = gettext_lazy("No user who may be qualified on this instrument has this username or e-mail.")


def _grantee(instrument: Instrument, user: User | str) -> User:
    """The user named — a user, or the username or e-mail staff typed — if they may be qualified on the instrument
    (equipment.selectors.may_be_qualified). Nobody by that name and somebody staff may not qualify get the same
    refusal, so the answer tells staff nothing about who has an account."""
    users = User.objects
    if isinstance(user, str):
        text = user.strip()
        named = [u for u in users.filter(username=text) if selectors.may_be_qualified(u, instrument)]
        if not named and text:
            named = [
                u for u in users.filter(email__iexact=text).order_by("id") if selectors.may_be_qualified(u, instrument)
            ]
    else:  # as it is now: its roles and is_active may have changed since the caller loaded it
        named = [u for u in users.filter(pk=user.pk) if selectors.may_be_qualified(u, instrument)]
    if len(named) > 1:
        raise DomainError(
            "ambiguous_email",
            _("Several users have this e-mail; give the username."),
            field="user",
        )
    if not named:
        raise DomainError("unknown_user", NO_SUCH_GRANTEE, field="user")
    return named[0]


@transaction.atomic
def grant_qualification(
    *, actor, instrument: Instrument, user: User | str, expires_on: date | None = None, note: str = ""
) -> Qualification:
    """Qualify a user (or the username or e-mail staff typed) to operate the instrument alone; a current grant is
    renewed (kept as history, revoked)."""
    ensure_can_manage(actor, instrument.institution_id)
    if expires_on is not None and expires_on < timezone.localdate():
        raise DomainError("expiry_in_past", _("The expiry date is in the past."), field="expires_on")
    user = _grantee(instrument, user)
    current = (
        Qualification.objects.select_for_update()
        .filter(instrument=instrument, user=user, revoked_at__isnull=True)
        .first()
    )
    if current is not None:  # a renewal: revoke the old grant, keep it as history
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
    return Qualification.objects.create(
        instrument=instrument,
        user=user,
        granted_by=user_or_none(actor),
        expires_on=expires_on,
        note=note,
    )


@transaction.atomic
def revoke_qualification(*, actor, qualification: Qualification) -> Qualification:
    lock_current(qualification)  # revoked meanwhile (or renewed): keep the time it was revoked
    ensure_can_manage(actor, qualification.instrument.institution_id)
    if qualification.revoked_at is None:
        qualification.revoked_at = timezone.now()
        qualification.save(update_fields=["revoked_at"])
    return qualification


@transaction.atomic
def create_category(*, actor, name: str, code: str, name_en: str = "", keywords: str = "") -> Category:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("not_site_admin", _("Site operators only."))
    category = Category(name=name, code=code, name_en=name_en, keywords=keywords)
    full_clean_or_refuse(category)
    category.save()
    return category
