"""Requesting, building and announcing reports: the only writers of Report.

A build claims its row with a conditional update (queued → running, or a running build abandoned for
STALE_AFTER), so a task delivered twice builds once. The monthly schedule makes at most one report per
consortium, month and language (a unique constraint) and announces each once (another conditional update).

Languages: a report's files are written in its `language`, inside `translation.override`: the requester's
language for a requested report. The monthly schedule builds the Japanese report (the report of record) and one
more per other language its readers (the consortium's secretariat users) have chosen; each reader is told of the
report in their language, or of the Japanese one should theirs have none (a reader who changed language since).
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.language import language_of
from backend.periods import Period, last_month
from consortia.models import Consortium, Role
from consortia.selectors import users_with_role
from notifications.services import notify

from . import exports, selectors
from .models import FORMATS, Report

logger = logging.getLogger(__name__)
Status = Report.Status
STALE_AFTER = timedelta(minutes=30)


@transaction.atomic
def request_report(*, actor, consortium: Consortium, period: Period, institution_id: int | None = None) -> Report:
    """Queue a report for a period; it is built by a Celery task once this transaction commits.

    Staff of several member institutions say which one (a stored report covers the whole consortium or one
    institution).
    """
    scope = selectors.report_scope_for(actor, consortium.id, institution_id)
    if scope is not None and len(scope) > 1:
        raise DomainError("institution_required", _("Choose the institution."), field="institution")
    report = Report.objects.create(
        consortium=consortium,
        period_start=period.start,
        period_end=period.end,
        institution_id=next(iter(scope)) if scope else None,
        requested_by=actor,
        language=language_of(actor),
    )
    from .tasks import build_report_task  # tasks call services; the queueing is the one way back

    report_id = str(report.id)
    transaction.on_commit(lambda: build_report_task.delay(report_id))
    return report


def _set_progress(report_id, percent: int) -> None:
    Report.objects.filter(pk=report_id, status=Status.RUNNING).update(progress=percent)


def failure_notice(report_id) -> str:
    """What a reader of a failed report is told, in the active language: no detail of the fault, the reference the
    site operator's log has."""
    return _("Please tell the site operator; reference: report %(id)s.") % {"id": report_id}


def build_report(report_id, *, now=None) -> bool:
    """Compute the figures and write the CSV, Excel and PDF files in the report's language. False when another run
    has (or had) it."""
    now = now or timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER)
    if not Report.objects.filter(claimable, pk=report_id).update(
        status=Status.RUNNING, started_at=now, progress=0, error=""
    ):
        return False
    report = Report.objects.select_related("consortium").get(pk=report_id)
    with translation.override(report.language):
        return _build(report, now)


def _build(report: Report, now) -> bool:
    report_id = report.pk
    try:
        scope = None if report.institution_id is None else {report.institution_id}
        body = selectors.utilization(consortium=report.consortium, period=report.period, institution_ids=scope)
        body = body.as_dict()
        _set_progress(report.pk, 40)
        names = {}
        for step, fmt in enumerate(FORMATS, start=1):
            field = report.file_for(fmt)
            field.save(exports.filename(body, fmt), ContentFile(exports.render(body, fmt)), save=False)
            names[f"{fmt}_file"] = field.name
            _set_progress(report.pk, 40 + 20 * step)
    except Exception:
        # The fault goes to the log only: the row's error is shown to every reader of the report, and an
        # exception's text can tell them about the server (a path that does or does not exist, a query).
        logger.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id, status=Status.RUNNING, started_at=now).update(
            status=Status.FAILED, error=failure_notice(report_id), finished_at=timezone.now()
        )
        return False
    return bool(
        Report.objects.filter(pk=report_id, status=Status.RUNNING, started_at=now).update(
            status=Status.DONE, progress=100, finished_at=timezone.now(), **names
        )
    )


def _readers_languages(consortium_id: int) -> list[str]:
    """Japanese (the report of record), then every other language the consortium's secretariat users read."""
    readers = users_with_role(Role.Kind.SECRETARIAT, consortium_id=consortium_id)
    chosen = {language_of(user) for user in readers} - {settings.LANGUAGE_CODE}
    return [settings.LANGUAGE_CODE, *sorted(chosen)]


def schedule_monthly_reports(*, today: date | None = None) -> list:
    """Last month's report for every consortium in each language its readers use, created once however often the
    schedule fires."""
    period = last_month(today or timezone.localdate())
    ids = []
    for consortium in Consortium.objects.order_by("id"):
        for language in _readers_languages(consortium.id):
            report, _created = Report.objects.get_or_create(
                consortium=consortium,
                period_start=period.start,
                period_end=period.end,
                scheduled=True,
                language=language,
            )
            ids.append(report.id)
    return ids


def build_and_announce(report_id) -> bool:
    """Build a scheduled report (if nobody has) and tell the secretariat once it is done, exactly once."""
    build_report(report_id)
    with transaction.atomic():
        if not Report.objects.filter(pk=report_id, status=Status.DONE, announced_at__isnull=True).update(
            announced_at=timezone.now()
        ):
            return False
        announce_report(Report.objects.select_related("consortium").get(pk=report_id))
    return True


def report_url(report: Report) -> str:
    """The report's page (progress, then the downloads), for people."""
    return settings.SITE_URL.rstrip("/") + reverse("report-status", kwargs={"pk": report.pk})


def _reads(user, report: Report, built: set[str]) -> bool:
    """Whether a secretariat user is told of this report: it is in their language, or theirs has no report of the
    period and this is the Japanese one."""
    language = language_of(user)
    return language == report.language or (language not in built and report.language == settings.LANGUAGE_CODE)


def announce_report(report: Report) -> int:
    """Queue an e-mail with the report's link to each secretariat user of the consortium who reads it (once each:
    the outbox key names the report and the person), in the reader's language. Returns how many have it queued."""
    built = {report.language}
    if report.scheduled:
        built |= set(
            Report.objects.filter(
                consortium_id=report.consortium_id,
                period_start=report.period_start,
                period_end=report.period_end,
                scheduled=True,
            ).values_list("language", flat=True)
        )
    queued = 0
    for user in users_with_role(Role.Kind.SECRETARIAT, consortium_id=report.consortium_id):
        if not _reads(user, report, built):
            continue
        notification = notify(
            key=f"report:{report.pk}:to:{user.pk}",
            recipient=user,
            template="reports/email/ready",
            context={"report": report, "link": report_url(report), "recipient": user},
        )
        queued += notification is not None
    return queued
