"""The evaluation pages: compute, ranking, appeals, corrections, publication, scope, queries."""

import re
from datetime import datetime
from itertools import product

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit
from reports import services, views
from reports.choices import AppealStatus, PeriodStatus
from reports.models import Appeal, EvaluationPeriod, EvaluationSnapshot
from tests.conftest import table_counts
from tracker.models import AuditEvent

from .scenario import NOW, build

LATE = timezone.make_aware(datetime(2026, 8, 3, 9, 0))  # after the appeal window of NOW


@pytest.fixture
def scenario(world):
    return build(world)


@pytest.fixture
def clock(monkeypatch):
    """Set the pages' clock: ``clock(moment)``; starts at the scenario's NOW (5 July 2026)."""

    def set_to(moment):
        monkeypatch.setattr(views, "_now", lambda: moment)

    set_to(NOW)
    return set_to


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def computed(world):
    return services.rollup_period(jurisdiction=world.shenzhen, code="2026H1", now=NOW)


def ranking_units(html: str) -> list[str]:
    """Unit ids of the ranking table, in page order."""
    table = html.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-unit="(\d+)"', table)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_supervisor_computes_and_sees_the_ranking_in_rank_order(scenario, clock):
    # given the supervisor of 深圳市 on the list page, with the default code offered
    client = client_for(scenario.supervisor)
    page = client.get(reverse("reports:period-list"))
    assert page.status_code == 200
    assert 'value="2026H1"' in page.content.decode()  # the last ended half-year
    # when they compute 2026H1
    response = client.post(
        reverse("reports:period-compute"),
        {"code": "2026H1", "jurisdiction": scenario.shenzhen.pk},
    )
    # then the period exists and the ranking lists unrelated (100), lead (36), support (10)
    period = EvaluationPeriod.objects.get(jurisdiction=scenario.shenzhen, code="2026H1")
    assert response.status_code == 302
    assert response.url == reverse("reports:period-detail", args=[period.pk])
    page = client.get(response.url)
    html = page.content.decode()
    expected = [scenario.unrelated.unit_id, scenario.lead_unit.pk, scenario.support_unit.pk]
    assert ranking_units(html) == [str(pk) for pk in expected]
    assert "100.00" in html and "36.00" in html and "10.00" in html
    assert html.count('class="action document-breakdown"') == 1
    # the downloads link to the exports when their routes are wired in
    bulletin = reverse("period-bulletin", args=["2026H1"])
    assert f'href="{bulletin}?jurisdiction={scenario.shenzhen.pk}"' in html
    # and the period appears on the list page
    assert f'href="{response.url}"' in client.get(reverse("reports:period-list")).content.decode()


def test_staff_sees_only_its_rows_and_files_an_appeal(scenario, clock, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    period = computed(scenario)
    client = client_for(scenario.staff)
    page = client.get(reverse("reports:period-detail", args=[period.pk]))
    html = page.content.decode()
    # only the lead unit's row is shown, with an appeal form
    assert ranking_units(html) == [str(scenario.lead_unit.pk)]
    assert scenario.support_unit.name not in html
    overall = EvaluationSnapshot.objects.overall().get(period=period, unit=scenario.lead_unit)
    action = reverse("reports:snapshot-appeal", args=[overall.pk])
    assert f'action="{action}"' in html
    # when the staff member appeals with a reason
    before = table_counts()
    response = client.post(action, {f"appeal{overall.pk}-reason": "第一季度报告已按时报送。"})
    # then one Appeal is added (and its audit event)
    assert response.status_code == 302
    after = table_counts()
    assert after["reports.Appeal"] == before["reports.Appeal"] + 1
    assert Appeal.objects.get().snapshot == overall
    html = client.get(response.url).content.decode()
    assert "第一季度报告已按时报送。" in html


def test_appeal_after_the_deadline_is_refused_and_changes_nothing(scenario, clock):
    period = computed(scenario)
    overall = EvaluationSnapshot.objects.overall().get(period=period, unit=scenario.lead_unit)
    clock(LATE)
    before = table_counts()
    response = client_for(scenario.staff).post(
        reverse("reports:snapshot-appeal", args=[overall.pk]),
        {f"appeal{overall.pk}-reason": "迟到的申诉"},
    )
    assert response.status_code == 409
    assert any("closed" in m or "截止" in m or "已于" in m for m in messages_of(response))
    assert table_counts() == before


def test_supervisor_corrects_an_appeal(scenario, clock):
    period = computed(scenario)
    overall = EvaluationSnapshot.objects.overall().get(period=period, unit=scenario.lead_unit)
    appeal = services.file_appeal(snapshot=overall, by=scenario.staff, reason="漏计", now=NOW)
    client = client_for(scenario.supervisor)
    html = client.get(reverse("reports:period-detail", args=[period.pk])).content.decode()
    action = reverse("reports:appeal-decide", args=[appeal.pk])
    assert f'action="{action}"' in html
    # when the supervisor corrects: the late report counted as on time
    data = {
        f"decide{appeal.pk}-{name}": getattr(overall, name)
        for name in (
            "tasks_assigned",
            "tasks_done",
            "tasks_overdue",
            "reports_due",
            "reports_late",
            "reports_missing",
        )
    }
    data |= {
        f"decide{appeal.pk}-reports_on_time": 2,
        f"decide{appeal.pk}-reports_late": 0,
        f"decide{appeal.pk}-target_attainment": "0.8000",
        f"decide{appeal.pk}-comment": "系统故障导致延迟",
        "decision": "correct",
    }
    response = client.post(action, data)
    assert response.status_code == 302, messages_of(response)
    overall.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CORRECTED
    assert appeal.corrections == {"reports_on_time": 2, "reports_late": 0}
    assert (overall.reports_on_time, overall.reports_late, overall.corrected) == (2, 0, True)
    assert AuditEvent.objects.filter(action="appeal.decided").count() == 1
    html = client.get(response.url).content.decode()
    assert 'class="flag corrected"' in html and "系统故障导致延迟" in html


def test_correction_without_a_comment_is_refused(scenario, clock):
    period = computed(scenario)
    overall = EvaluationSnapshot.objects.overall().get(period=period, unit=scenario.lead_unit)
    appeal = services.file_appeal(snapshot=overall, by=scenario.staff, reason="漏计", now=NOW)
    before = table_counts()
    response = client_for(scenario.supervisor).post(
        reverse("reports:appeal-decide", args=[appeal.pk]),
        {f"decide{appeal.pk}-reports_due": 3, "decision": "correct"},
    )
    assert response.status_code == 400
    assert table_counts() == before


def test_publish_then_a_second_rollup_is_a_conflict(scenario, clock):
    period = computed(scenario)
    client = client_for(scenario.supervisor)
    # within the appeal window, publishing needs the checkbox
    response = client.post(reverse("reports:period-publish", args=[period.pk]), {})
    assert response.status_code == 409
    response = client.post(
        reverse("reports:period-publish", args=[period.pk]), {"publish-before_deadline": "on"}
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.status == PeriodStatus.PUBLISHED
    # a second rollup of the published period is refused and writes nothing
    before = table_counts()
    rows = list(EvaluationSnapshot.objects.filter(period=period).order_by("pk").values_list())
    response = client.post(
        reverse("reports:period-compute"),
        {"code": "2026H1", "jurisdiction": scenario.shenzhen.pk},
    )
    assert response.status_code == 409
    assert any("unpublish" in m or "撤回发布" in m for m in messages_of(response))
    assert table_counts() == before
    assert rows == list(
        EvaluationSnapshot.objects.filter(period=period).order_by("pk").values_list()
    )


def test_superuser_unpublishes_with_a_reason(scenario, clock):
    period = computed(scenario)
    services.publish_period(period=period, by=None, now=NOW, before_deadline=True)
    client = client_for(scenario.admin)
    url = reverse("reports:period-unpublish", args=[period.pk])
    assert client.post(url, {"unpublish-reason": ""}).status_code == 400
    assert client.post(url, {"unpublish-reason": "数据有误"}).status_code == 302
    period.refresh_from_db()
    assert period.status == PeriodStatus.DRAFT


def test_another_jurisdictions_supervisor_gets_404(scenario, clock):
    period = computed(scenario)
    client = client_for(scenario.other_supervisor)
    assert client.get(reverse("reports:period-detail", args=[period.pk])).status_code == 404
    before = table_counts()
    response = client.post(
        reverse("reports:period-publish", args=[period.pk]), {"publish-before_deadline": "on"}
    )
    assert response.status_code == 404
    overall = EvaluationSnapshot.objects.overall().filter(period=period).first()
    response = client.post(
        reverse("reports:snapshot-appeal", args=[overall.pk]),
        {f"appeal{overall.pk}-reason": "x"},
    )
    assert response.status_code == 404
    assert table_counts() == before
    listing = client.get(reverse("reports:period-list")).content.decode()
    assert f'data-period="{period.pk}"' not in listing


def test_staff_cannot_compute(scenario, clock):
    before = table_counts()
    response = client_for(scenario.staff).post(
        reverse("reports:period-compute"), {"code": "2026H1"}
    )
    assert response.status_code == 403
    assert table_counts() == before


def _grow(world, periods, extra_units: int) -> None:
    """Add ``extra_units`` units with an overall and a document row in each period."""
    units = Unit.objects.bulk_create(
        Unit(jurisdiction=world.shenzhen, name=f"测试单位{i:03d}", short_name=f"测{i:03d}")
        for i in range(extra_units)
    )
    rows = []
    for (i, unit), period, document in product(enumerate(units), periods, (None, world.document)):
        rows.append(
            EvaluationSnapshot(period=period, unit=unit, document=document, score=i, rank=10 + i)
        )
    EvaluationSnapshot.objects.bulk_create(rows)


def _detail_queries(client, period) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:period-detail", args=[period.pk]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["supervisor", "staff"])
def test_detail_query_count_is_constant(scenario, clock, persona):
    # given a previous period (for the comparison) and a pending appeal
    period = computed(scenario)
    previous = services.rollup_period(jurisdiction=scenario.shenzhen, code="2025H2", now=NOW)
    overall = EvaluationSnapshot.objects.overall().get(period=period, unit=scenario.lead_unit)
    services.file_appeal(snapshot=overall, by=scenario.staff, reason="漏计", now=NOW)
    client = client_for(getattr(scenario, persona))
    # the session and the user; the page: the period, the supervisor check, the user's units,
    # the rows, the appeals, the previous period and its rows; the navigation's supervisor flag
    # and unread count; the session saved (savepoint, update, release) = 14
    small = _detail_queries(client, period)
    _grow(scenario, [period, previous], 40)
    large = _detail_queries(client, period)
    assert small == large
    assert small == 14
