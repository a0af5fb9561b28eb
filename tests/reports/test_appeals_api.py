"""Review before publication (复核/申诉) and the evaluation API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports import services
from reports.choices import AppealStatus, PeriodStatus
from reports.models import EvaluationSnapshot
from tests.conftest import api_client
from tests.tracker.helpers import pdf_bytes
from tracker.errors import Conflict, DomainError, NotAllowed
from tracker.models import AuditEvent

from .scenario import NOW, build


@pytest.fixture
def period(world):
    build(world)
    return services.rollup_period(jurisdiction=world.shenzhen, code="2026H1", now=NOW)


def _row(world, unit, document=None):
    return EvaluationSnapshot.objects.get(unit=unit, document=document)


def test_unit_appeals_and_supervisor_corrects(world, period):
    support_doc = _row(world, world.support_unit, world.document)
    # the support unit's staff appeals its document row with evidence
    appeal = services.file_appeal(
        snapshot=support_doc,
        by=world.co_staff,
        reason="三月报告已线下报送",
        evidence=SimpleUploadedFile("证明.pdf", pdf_bytes()),
        now=NOW,
    )
    assert appeal.status == AppealStatus.PENDING and appeal.evidence_name == "证明.pdf"
    with pytest.raises(Conflict) as error:
        services.file_appeal(snapshot=support_doc, by=world.co_staff, reason="again", now=NOW)
    assert error.value.code == "appeal_pending"
    # publication waits for the decision
    with pytest.raises(Conflict) as error:
        services.publish_period(period=period, by=world.supervisor, now=NOW, before_deadline=True)
    assert error.value.code == "appeals_pending"
    # the supervisor corrects: the March report counts as late instead of missing
    with pytest.raises(DomainError):
        services.decide_appeal(
            appeal=appeal,
            by=world.supervisor,
            uphold=False,
            corrections={"reports_late": 2},
            comment="核实",
            now=NOW,
        )  # on time + late + missing would no longer add up
    with pytest.raises(NotAllowed):
        services.decide_appeal(
            appeal=appeal, by=world.other_supervisor, uphold=True, comment="", now=NOW
        )
    services.decide_appeal(
        appeal=appeal,
        by=world.supervisor,
        uphold=False,
        corrections={"reports_late": 2, "reports_missing": 0},
        comment="经核实已报送",
        now=NOW,
    )
    for document in (world.document, None):
        row = _row(world, world.support_unit, document)
        assert (row.reports_late, row.reports_missing, row.corrected) == (2, 0, True)
        assert "经核实已报送" in row.correction_note
        assert row.on_time_rate == Decimal("0.6000")
    assert AuditEvent.objects.filter(action="appeal.decided").count() == 1
    # a re-run keeps the correction
    services.rollup_period(period=period, now=NOW + timedelta(days=1))
    assert _row(world, world.support_unit).reports_missing == 0
    assert _row(world, world.support_unit).corrected


def test_appeal_rules(world, period):
    lead_row = _row(world, world.lead_unit)
    with pytest.raises(NotAllowed):
        services.file_appeal(snapshot=lead_row, by=world.co_staff, reason="x", now=NOW)
    with pytest.raises(DomainError):
        services.file_appeal(snapshot=lead_row, by=world.staff, reason=" ", now=NOW)
    late = timezone.make_aware(
        timezone.datetime.combine(
            period.appeal_deadline + timedelta(days=1), timezone.datetime.min.time()
        )
    )
    with pytest.raises(Conflict) as error:
        services.file_appeal(snapshot=lead_row, by=world.staff, reason="x", now=late)
    assert error.value.code == "appeal_window_closed"
    appeal = services.file_appeal(snapshot=lead_row, by=world.leader, reason="x", now=NOW)
    services.decide_appeal(appeal=appeal, by=world.supervisor, uphold=True, comment="", now=NOW)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert not _row(world, world.lead_unit).corrected


def test_api_rollup_and_snapshots(world, monkeypatch):
    build(world)
    # the API uses the real clock: pin it to 5 July 2026 (period ended, appeal window open)
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client = api_client(world.supervisor)
    response = client.post("/api/v1/periods/2026H1/rollup/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == PeriodStatus.DRAFT
    response = client.get("/api/v1/periods/2026H1/snapshots/?overall=true")
    assert response.status_code == 200
    assert [r["rank"] for r in response.json()["results"]] == [1, 2, 3]
    unit = world.lead_unit.pk
    response = client.get(
        f"/api/v1/periods/2026H1/snapshots/?unit={unit}&document={world.document.pk}"
    )
    assert [r["score"] for r in response.json()["results"]] == ["36.00"]
    # staff see their own unit's rows only; others' periods answer 404
    response = api_client(world.staff).get("/api/v1/periods/2026H1/snapshots/")
    assert {r["unit"] for r in response.json()["results"]} == {unit}
    assert (
        api_client(world.other_supervisor).get("/api/v1/periods/2026H1/snapshots/").status_code
        == 404
    )
    assert api_client(world.staff).post("/api/v1/periods/2026H1/rollup/").status_code == 403
    assert client.post("/api/v1/periods/2026H9/rollup/").json()["code"] == "bad_period_code"
    # appeal and decision through the API
    row = EvaluationSnapshot.objects.get(unit=world.lead_unit, document=None)
    response = api_client(world.staff).post(
        f"/api/v1/snapshots/{row.pk}/appeals/", {"reason": "理由"}, format="json"
    )
    assert response.status_code == 201, response.json()
    appeal_id = response.json()["id"]
    response = client.post(f"/api/v1/appeals/{appeal_id}/decide/", {"uphold": True}, format="json")
    assert response.json()["status"] == "upheld"
    response = client.post(
        "/api/v1/periods/2026H1/publish/", {"before_deadline": True}, format="json"
    )
    assert response.json()["status"] == "published"
    response = client.post("/api/v1/periods/2026H1/rollup/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "period_published")
    response = api_client(world.admin).post(
        "/api/v1/periods/2026H1/unpublish/", {"reason": "更正"}, format="json"
    )
    assert response.json()["status"] == "draft"
