"""Workflow rules that need a clock or two reports: extensions, receipt flags, 疑似照搬."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tracker import services
from tracker.choices import NotificationKind
from tracker.models import Assignment, AuditEvent, Notification
from tracker.services import ReportInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_a_due_date_on_a_holiday_moves_to_the_next_working_day(world):
    now = at(date(2026, 9, 1))
    task = services.plan_task(
        task=world.task, by=world.supervisor, plan={"due_date": date(2026, 10, 1)}, now=now
    )
    assert task.due_date == date(2026, 10, 8)  # National Day holiday: Oct 1–7
    assert {a.due_date for a in task.assignments.all()} == {date(2026, 10, 8)}


def test_document_plan_reaches_every_task_and_unit(world):
    count = services.plan_document(
        document=world.document,
        by=world.supervisor,
        plan={"report_cycle": "quarterly", "needs_sign_off": True},
        now=at(date(2026, 9, 1)),
    )
    assert count == 2
    assert set(Assignment.objects.values_list("report_cycle", "needs_sign_off")) == {
        ("quarterly", True)
    }
    assert AuditEvent.objects.filter(action="task.planned").count() == 2


def _plan_and_extend(world, *, approved_on: date):
    services.plan_task(
        task=world.task,
        by=world.supervisor,
        plan={"due_date": date(2026, 9, 30)},
        now=at(date(2026, 9, 1)),
    )
    request = services.request_extension(
        assignment=world.lead,
        by=world.staff,
        requested_due_date=date(2026, 12, 31),
        reason="需要协调省级部门。",
        now=at(date(2026, 9, 20)),
    )
    services.approve_extension(request=request, by=world.supervisor, now=at(approved_on))
    world.lead.refresh_from_db()
    return world.lead


def test_an_extension_approved_in_time_moves_the_date_the_evaluation_scores(world):
    lead = _plan_and_extend(world, approved_on=date(2026, 9, 25))
    assert (lead.due_date, lead.original_due_date) == (date(2026, 12, 31), date(2026, 9, 30))
    assert lead.evaluation_due_date == date(2026, 12, 31)


def test_an_extension_approved_after_the_original_date_scores_against_the_original(world):
    lead = _plan_and_extend(world, approved_on=date(2026, 10, 12))
    assert lead.due_date == date(2026, 12, 31)
    assert lead.evaluation_due_date == date(2026, 9, 30)


def test_late_receipts_are_flagged_to_the_supervisor_once(world, settings):
    settings.RECEIPT_WORKING_DAYS = 3
    Assignment.objects.update(created_at=at(date(2026, 11, 2)))  # a Monday
    services.receive_assignment(assignment=world.support, by=world.co_staff)

    assert services.flag_unreceived(now=at(date(2026, 11, 5))) == 0  # 3 working days: not late
    assert services.flag_unreceived(now=at(date(2026, 11, 6))) == 2  # lead and the other task
    assert services.flag_unreceived(now=at(date(2026, 11, 9))) == 0  # never twice

    notes = Notification.objects.filter(
        recipient=world.supervisor, kind=NotificationKind.RECEIPT_OVERDUE
    )
    assert notes.count() == 2
    assert not Assignment.objects.get(pk=world.support.pk).receipt_flagged_at


def _submitted(world, assignment, by, text, now):
    return services.create_report(
        assignment=assignment,
        by=by,
        data=ReportInput(progress=text, percent=40),
        submit=True,
        now=now,
    )


def test_a_report_nearly_the_same_as_a_co_units_is_flagged_with_the_similar_one(world):
    now = at(date(2026, 11, 23))
    text = "已完成平台一期建设，接入银行十二家，服务企业一百八十家，下一步推进数据共享。"
    first = _submitted(world, world.lead, world.staff, text, now)
    copied = _submitted(world, world.support, world.co_staff, text.replace("一期", "首期"), now)
    assert first.similar_to is None
    assert copied.similar_to == first and copied.similarity >= 0.9


def test_a_report_nearly_the_same_as_the_units_previous_one_is_flagged(world):
    text = "按计划推进平台建设，本月召开协调会一次，完成需求调研。"
    first = _submitted(world, world.lead, world.staff, text, at(date(2026, 11, 23)))
    services.accept_report(report=first, by=world.supervisor, now=at(date(2026, 11, 24)))
    later = services.create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(progress=text + "。", percent=45),
        submit=True,
        period_key=(date(2026, 12, 1)).strftime("%Y-%m"),
        now=at(date(2026, 12, 20)),
    )
    assert later.similar_to == first


def test_a_different_report_is_not_flagged(world):
    now = at(date(2026, 11, 23))
    _submitted(world, world.lead, world.staff, "已完成平台一期建设，接入银行十二家。", now)
    other = _submitted(
        world, world.support, world.co_staff, "牵头制定再贷款支持科技企业的操作细则并印发。", now
    )
    assert other.similar_to is None


def test_the_report_owed_is_chosen_by_date(world):
    services.plan_task(
        task=world.task,
        by=world.supervisor,
        plan={"report_cycle": "monthly", "report_day": 5, "start_date": date(2026, 9, 1)},
        now=at(date(2026, 9, 1)),
    )
    report = services.create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(progress="十月进展。", percent=20),
        now=at(date(2026, 11, 3)),
    )
    assert report.period_start == date(2026, 10, 1)  # October's report is due on Nov 5
    assert report.due_on == date(2026, 11, 5)
    assert report.period_start + timedelta(days=30) == report.period_end


def test_a_change_of_the_sign_off_plan_never_strands_a_report(world):
    now = at(date(2026, 11, 23))
    services.plan_task(task=world.task, by=world.supervisor, plan={"needs_sign_off": True}, now=now)
    signed = _submitted(world, world.lead, world.staff, "平台建设进展。", now)
    services.sign_off_report(report=signed, by=world.leader, now=now)
    pending = _submitted(world, world.support, world.co_staff, "再贷款政策宣传。", now)

    services.plan_task(
        task=world.task, by=world.supervisor, plan={"needs_sign_off": False}, now=now
    )

    assert services.accept_report(report=signed, by=world.supervisor, now=now).status == "accepted"
    assert services.accept_report(report=pending, by=world.supervisor, now=now).status == (
        "accepted"
    )


def test_edit_and_submit_is_one_step_a_refused_submit_saves_nothing(world):
    import pytest

    from tracker.errors import DomainError

    draft = services.create_report(
        assignment=world.lead, by=world.staff, data=ReportInput(progress="初稿。", percent=10)
    )
    with pytest.raises(DomainError) as caught:
        services.update_report(
            report=draft,
            by=world.staff,
            data=ReportInput(progress="", percent=20),
            version=draft.version,
            submit=True,
        )
    assert caught.value.code == "progress_required"
    draft.refresh_from_db()
    assert (draft.progress, draft.percent, draft.status) == ("初稿。", 10, "draft")


def test_a_removed_attachment_takes_its_file_with_it(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    report = services.create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(
            progress="附证明。",
            percent=10,
            attachments=[("证明.pdf", SimpleUploadedFile("证明.pdf", pdf_bytes()))],
        ),
    )
    attachment = report.attachments.get()
    path = tmp_path / attachment.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_report(
            report=report,
            by=world.staff,
            data=ReportInput(remove_attachments=[attachment.pk]),
            version=report.version,
        )
    assert not report.attachments.exists() and not path.exists()
