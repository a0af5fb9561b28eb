"""The importer: seeds become tasks for exactly their units; re-imports and revisions."""

import json

import pytest

from accounts.models import Unit, UnitAlias
from clauses.choices import AssignmentRole
from clauses.models import Clause, PolicyDocument
from clauses.services import UnitDecision, import_document
from tests.conftest import (
    BAD_FILES,
    SEEDS,
    SHARED,
    bad_file,
    plan_file,
    platform_clause,
    seed,
    table_counts,
)
from tracker.errors import DomainError
from tracker.models import Assignment, AuditEvent, Task

GOLD = sorted((SHARED / "gold").glob("*.json"))


def _import(path, **kwargs):
    return import_document(data=path.read_bytes(), filename=path.name, **kwargs)


@pytest.mark.skipif(not GOLD, reason="../shared/gold is not beside the repository")
@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem[:3])
def test_seed_becomes_one_task_per_gold_task_assigned_to_its_units(registry, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    result = _import(SEEDS / gold["file"])
    assert [d.document.title for d in result.documents] == [d["title"] for d in gold["documents"]]
    for entry, gold_doc in zip(result.documents, gold["documents"], strict=True):
        document = entry.document
        assert document.jurisdiction.name == gold_doc["jurisdiction"]
        tasks = list(document.tasks.order_by("order").prefetch_related("assignments__unit"))
        assert [t.title for t in tasks] == [t["title"] for t in gold_doc["tasks"]]
        for task, gold_task in zip(tasks, gold_doc["tasks"], strict=True):
            names = gold_task["units"] or gold_doc["addressees"]
            expected = Unit.objects.none()
            for name in names:
                expected |= Unit.objects.filter(
                    jurisdiction=document.jurisdiction, aliases__name=name
                )
            assert {a.unit_id for a in task.assignments.all()} == set(
                expected.values_list("pk", flat=True)
            )
            assert len(task.assignments.all()) == len(set(expected.values_list("pk", flat=True)))
        non_tasks = Clause.objects.filter(document=document, is_task=False)
        assert non_tasks.count() >= len(gold_doc["non_tasks"]) - sum(
            1 for n in gold_doc["non_tasks"] if "unlabelled" in n["why"]
        )


def test_clause_without_units_is_assigned_to_the_notice_addressees(registry):
    result = _import(seed("001"))
    document = result.documents[0].document
    task = document.tasks.order_by("order").first()
    assert sorted(a.unit.name for a in task.assignments.select_related("unit")) == sorted(
        Unit.objects.filter(
            jurisdiction=document.jurisdiction, aliases__name__in=document.addressees
        )
        .distinct()
        .values_list("name", flat=True)
    )
    assert task.assignments.count() == 2


def test_reimporting_the_same_file_adds_no_row(registry):
    _import(seed("000"))
    before = table_counts()
    result = _import(seed("000"))
    assert not result.created
    assert table_counts() == before


def test_revision_with_one_reworded_clause_keeps_every_other_task_id(registry, tmp_path):
    first = _import(seed("002")).documents[0].document
    ids_before = list(first.tasks.order_by("order").values_list("pk", "title"))
    text = seed("002").read_text(encoding="utf-8")
    reworded = text.replace(
        "鼓励和支持创业投资机构创新募资手段", "鼓励和引导创业投资机构创新募资方式", 1
    )
    assert reworded != text
    revision = tmp_path / "revision.txt"
    revision.write_text(reworded, encoding="utf-8")

    entry = _import(revision).documents[0]

    assert entry.document.version == 2 and entry.document.lineage == first.lineage
    assert len(entry.changed) == 1 and entry.changed[0].startswith("（一）")
    assert entry.added == [] and entry.removed == []
    assert entry.unchanged == len(ids_before) - 1
    assert list(entry.document.tasks.order_by("order").values_list("pk", "title")) == ids_before
    first.refresh_from_db()
    assert not first.is_current
    assert (
        PolicyDocument.objects.filter(lineage=first.lineage, is_current=True).get()
        == entry.document
    )
    assert AuditEvent.objects.filter(
        action="document.revised", object_id=str(entry.document.pk)
    ).exists()


def test_revision_that_drops_a_clause_lists_it_as_removed(registry, tmp_path):
    first = _import(seed("002")).documents[0].document
    text = seed("002").read_text(encoding="utf-8")
    start = text.index("（七）探索设立私募股权交易平台")
    end = text.index("二、进一步提升科技信贷水平")
    revision = tmp_path / "revision.txt"
    revision.write_text(text[:start] + text[end:], encoding="utf-8")

    entry = _import(revision).documents[0]

    assert entry.removed == ["（七）探索设立私募股权交易平台"]
    removed = Task.objects.get(document=first, label="（七）")
    assert not removed.is_active
    assert Task.objects.filter(document=entry.document, is_active=True).count() == 31


def test_lead_and_support_roles_follow_the_text(registry, tmp_path):
    path = plan_file(
        tmp_path,
        "（一）加强信贷支持。鼓励银行加大科技信贷投放。（市地方金融监管局牵头，市科技创新委、中国人民银行深圳市分行配合）",
        "（二）做好宣传。加强政策宣传解读。（责任单位：市科技创新委）",
    )
    document = _import(path).documents[0].document
    first = document.tasks.get(order=1)
    roles = {a.unit.name: a.role for a in first.assignments.select_related("unit")}
    lead = [n for n, r in roles.items() if r == AssignmentRole.LEAD]
    assert len(lead) == 1 and "金融" in lead[0]
    assert sorted(r for r in roles.values()) == ["lead", "support", "support"]


class TestBadInputLeavesEveryTableAsItWas:
    @pytest.fixture(autouse=True)
    def _registry(self, registry):
        _import(seed("000"))

    @pytest.mark.parametrize("key", BAD_FILES)
    def test_unreadable_file(self, key):
        data, filename, code = bad_file(key)
        before = table_counts()
        with pytest.raises(DomainError) as caught:
            import_document(data=data, filename=filename)
        assert caught.value.code == code
        assert str(caught.value.message)
        assert table_counts() == before

    def test_unknown_jurisdiction(self):
        before = table_counts()
        with pytest.raises(DomainError) as caught:
            _import(seed("002"), jurisdiction="火星市")
        assert caught.value.code == "unknown_jurisdiction"
        assert "火星市" in str(caught.value.message)
        assert table_counts() == before

    def test_unknown_unit_waits_for_a_decision(self, tmp_path):
        path = plan_file(tmp_path, platform_clause("市科技创新局、市地方金融监管局"))
        before = table_counts()
        with pytest.raises(DomainError) as caught:
            _import(path)
        assert caught.value.code == "unknown_units"
        unknown = caught.value.extra["unknown_units"]
        assert [u["name"] for u in unknown] == ["市科技创新局"]
        assert unknown[0]["suggestions"], "the closest existing units are proposed"
        assert table_counts() == before

        target = Unit.objects.get(pk=unknown[0]["suggestions"][0]["id"])
        entry = _import(
            path, decisions={"市科技创新局": UnitDecision(unit_id=target.pk)}
        ).documents[0]
        assert UnitAlias.objects.filter(name="市科技创新局", unit=target).exists()
        assert Assignment.objects.filter(task__document=entry.document, unit=target).exists()

    def test_unknown_unit_created_on_purpose(self, tmp_path):
        path = plan_file(tmp_path, platform_clause("深圳市科技金融促进会"))
        units_before = Unit.objects.count()
        _import(path, decisions={"深圳市科技金融促进会": UnitDecision(create=True, kind="other")})
        assert Unit.objects.count() == units_before + 1
        assert AuditEvent.objects.filter(action="unit.created").count() == 1


def test_revision_lists_a_reworded_non_task_clause_and_keeps_every_task(registry, tmp_path):
    first = _import(seed("001")).documents[0].document
    ids_before = list(first.tasks.order_by("order").values_list("pk", flat=True))
    text = seed("001").read_text(encoding="utf-8")
    revision = tmp_path / "revision.txt"
    revision.write_text(
        text.replace("坚持问题导向、市场主导", "坚持目标导向、市场主导", 1), encoding="utf-8"
    )

    entry = _import(revision).documents[0]

    assert entry.changed == ["(一)指导思想"]
    assert entry.added == entry.removed == []
    assert list(entry.document.tasks.order_by("order").values_list("pk", flat=True)) == ids_before


def test_a_deactivated_units_spelling_can_be_mapped_to_its_successor(registry, tmp_path):
    old = Unit.objects.get(jurisdiction__name="广州市", aliases__name="广东银保监局")
    old.is_active = False
    old.save()
    successor = Unit.objects.get(jurisdiction__name="广州市", aliases__name="市地方金融监管局")
    path = plan_file(tmp_path, platform_clause("广东银保监局"), city="广州市")

    entry = _import(path, decisions={"广东银保监局": UnitDecision(unit_id=successor.pk)})

    alias = UnitAlias.objects.get(jurisdiction__name="广州市", name="广东银保监局")
    assert alias.unit == successor
    assert Assignment.objects.filter(
        task__document=entry.documents[0].document, unit=successor
    ).exists()


def test_creating_a_unit_whose_name_is_taken_is_refused(registry, tmp_path):
    old = Unit.objects.get(jurisdiction__name="广州市", aliases__name="广东银保监局")
    old.is_active = False
    old.save()
    path = plan_file(tmp_path, platform_clause("广东银保监局"), city="广州市")
    before = table_counts()
    with pytest.raises(DomainError) as caught:
        _import(path, decisions={"广东银保监局": UnitDecision(create=True, kind="other")})
    assert caught.value.code == "unit_exists"
    assert table_counts() == before
