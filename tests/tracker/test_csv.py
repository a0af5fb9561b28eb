"""CSV downloads of the list pages."""

from tracker.models import Assignment


def test_my_tasks_downloads_every_filtered_row_as_csv(world, client):
    client.force_login(world.supervisor)
    response = client.get("/tasks/mine/?light=green&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = text.strip().splitlines()
    expected = Assignment.objects.filter(
        is_active=True, light="green", task__document__jurisdiction=world.shenzhen
    ).count()
    assert len(rows) == 1 + expected and expected == 3
    assert world.lead_unit.name in text


def test_staff_csv_holds_only_their_units(world, client):
    client.force_login(world.staff)
    text = client.get("/tasks/mine/?format=csv").content.decode("utf-8")
    assert world.lead_unit.name in text and world.unrelated.unit.name not in text


def test_review_and_extension_queues_download_as_csv(world, client):
    from datetime import timedelta

    from django.utils import timezone

    from tracker import services
    from tracker.services import ReportInput

    services.plan_task(
        task=world.task,
        by=world.supervisor,
        plan={"due_date": timezone.localdate() + timedelta(days=60)},
    )
    services.create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(progress="平台上线。", percent=30),
        submit=True,
    )
    world.support.refresh_from_db()
    services.request_extension(
        assignment=world.support,
        by=world.co_staff,
        requested_due_date=timezone.localdate() + timedelta(days=90),
        reason="联调延后。",
    )
    client.force_login(world.supervisor)
    review = client.get("/review/?format=csv").content.decode("utf-8")
    assert review.startswith("\ufeff") and len(review.strip().splitlines()) == 2
    assert "平台上线。" in review
    extensions = client.get("/extensions/?format=csv").content.decode("utf-8")
    assert len(extensions.strip().splitlines()) == 2 and "联调延后。" in extensions
    client.force_login(world.staff)
    assert client.get("/review/?format=csv").status_code == 403


def test_documents_and_notifications_download_as_csv(world, client):
    from tracker.models import Notification
    from tracker.services.notifications import notify

    notify(users=[world.staff], kind="task_closed", message="任务已办结。", obj=world.task)
    client.force_login(world.staff)
    documents = client.get("/?format=csv").content.decode("utf-8")
    assert documents.startswith("\ufeff") and world.document.title in documents
    notes = client.get("/notifications/?format=csv").content.decode("utf-8")
    assert "任务已办结。" in notes
    assert (
        len(notes.strip().splitlines())
        == 1 + Notification.objects.filter(recipient=world.staff).count()
    )
