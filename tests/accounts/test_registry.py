"""The unit registry loader: what it writes, idempotence, and all-or-nothing validation."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from accounts.choices import UnitKind
from accounts.models import Jurisdiction, Unit, UnitAlias, normalize_name
from accounts.registry import RegistryError, default_paths, load_registry
from accounts.registry import loader as registry_loader

JURISDICTIONS = {"深圳市", "广州市", "武汉市", "郑州市", "连云港市"}

GOOD_NEW_FILE = """
jurisdiction: {name: 测试市, short_name: 测试}
units:
  - {name: 测试市财政局, short_name: 市财政局, kind: city_department}
"""

BAD_FILES = {
    "alias_to_two_units": """
jurisdiction: {name: 深圳市}
units:
  - {name: 深圳市财政局, short_name: 市财政局, kind: city_department, aliases: [市财政]}
  - {name: 深圳市审计局, short_name: 市审计局, kind: city_department, aliases: [市财政]}
""",
    "unknown_member": """
jurisdiction: {name: 深圳市}
units:
  - {name: 深圳市福田区人民政府, short_name: 福田区, kind: district}
  - {name: 各区, kind: collective, members: [福田区, 不存在区]}
""",
    "unknown_kind": """
jurisdiction: {name: 深圳市}
units:
  - {name: 深圳市财政局, short_name: 市财政局, kind: ministry}
""",
    "malformed_yaml": """
jurisdiction: {name: 深圳市
units: [
""",
    "members_of_a_non_collective": """
jurisdiction: {name: 深圳市}
units:
  - {name: 深圳市福田区人民政府, short_name: 福田区, kind: district, members: [福田区]}
""",
    "unknown_key": """
jurisdiction: {name: 深圳市}
units:
  - {name: 深圳市财政局, kind: city_department, alias: [市财政]}
""",
    "duplicate_unit": """
jurisdiction: {name: 深圳市}
units:
  - {name: 深圳市财政局, kind: city_department}
  - {name: 深圳市财政局, kind: city_department}
""",
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_files_are_the_five_jurisdictions():
    assert {p.stem for p in default_paths()} == {
        "shenzhen",
        "guangzhou",
        "wuhan",
        "zhengzhou",
        "lianyungang",
    }


def test_load_creates_jurisdictions_units_aliases_and_members(db, row_counts):
    counts = load_registry()

    rows = row_counts()
    assert set(Jurisdiction.objects.values_list("name", flat=True)) == JURISDICTIONS
    assert counts["jurisdictions"]["created"] == 5
    assert counts["units"]["created"] == rows["units"] > 100
    assert counts["aliases"]["created"] == rows["aliases"]
    assert counts["members"]["added"] == rows["members"]


def test_canonical_and_short_names_are_aliases(registry):
    for unit in Unit.objects.prefetch_related("aliases"):
        keys = {alias.normalized for alias in unit.aliases.all()}
        assert normalize_name(unit.name) in keys
        if unit.short_name:
            assert normalize_name(unit.short_name) in keys


def test_aliases_stay_in_the_jurisdiction_of_their_unit(registry):
    assert not UnitAlias.objects.exclude(jurisdiction=F("unit__jurisdiction")).exists()


def test_shenzhen_collective_has_its_eleven_members(registry):
    collective = Unit.objects.get(jurisdiction__name="深圳市", name="各区")
    assert collective.kind == UnitKind.COLLECTIVE
    assert {m.short_name for m in collective.members.all()} == {
        "福田区", "罗湖区", "盐田区", "南山区", "宝安区", "龙岗区",
        "龙华区", "坪山区", "光明区", "大鹏新区", "深汕特别合作区",
    }  # fmt: skip


def test_district_canonical_name_and_aliases(registry):
    unit = Unit.objects.get(jurisdiction__name="深圳市", name="深圳市福田区人民政府")
    assert unit.kind == UnitKind.DISTRICT
    assert {"福田区", "福田区政府", "福田区人民政府"} <= set(
        unit.aliases.values_list("name", flat=True)
    )


def test_loading_twice_changes_nothing(db, row_counts):
    load_registry()
    before = row_counts()
    stamps = dict(Unit.objects.values_list("pk", "updated_at"))

    counts = load_registry()

    assert row_counts() == before
    assert dict(Unit.objects.values_list("pk", "updated_at")) == stamps
    for table, numbers in counts.items():
        assert {k: v for k, v in numbers.items() if k != "unchanged" and v} == {}, table


def test_reload_keeps_aliases_recorded_by_hand(registry):
    unit = Unit.objects.get(jurisdiction__name="深圳市", name="深圳市科技创新委员会")
    UnitAlias.objects.create(unit=unit, name="市科技创新局")

    load_registry()

    assert (
        UnitAlias.objects.get(jurisdiction=unit.jurisdiction, normalized="市科技创新局").unit
        == unit
    )


def test_reload_updates_a_changed_entry(registry, tmp_path):
    path = write(
        tmp_path,
        "sz.yaml",
        """
jurisdiction: {name: 深圳市, short_name: 深圳, province: 广东省}
units:
  - {name: 深圳市财政局, short_name: 深圳财政局, kind: city_department}
""",
    )
    counts = load_registry([path])

    unit = Unit.objects.get(jurisdiction__name="深圳市", name="深圳市财政局")
    assert unit.short_name == "深圳财政局"
    assert counts["units"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert counts["aliases"]["created"] == 1


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_raises_and_writes_nothing(registry, row_counts, tmp_path, case):
    good = write(tmp_path, "good.yaml", GOOD_NEW_FILE)
    bad = write(tmp_path, f"{case}.yaml", BAD_FILES[case])
    before = row_counts()

    with pytest.raises(RegistryError) as excinfo:
        load_registry([good, bad])

    assert f"{case}.yaml" in str(excinfo.value)
    assert row_counts() == before
    assert not Jurisdiction.objects.filter(name="测试市").exists()


def test_error_names_the_entry(db, tmp_path):
    path = write(tmp_path, "sz.yaml", BAD_FILES["alias_to_two_units"])
    with pytest.raises(
        RegistryError, match=r"sz\.yaml, unit #2 \(深圳市审计局\).*'市财政'.*深圳市财政局"
    ):
        load_registry([path])


def test_alias_conflict_after_normalization_is_caught(db, tmp_path):
    path = write(
        tmp_path,
        "x.yaml",
        """
jurisdiction: {name: 郑州市}
units:
  - {name: 各区县(市)人民政府, kind: collective}
  - {name: 另一单位, kind: other, aliases: [各区县（市）人民政府]}
""",
    )
    with pytest.raises(RegistryError, match="另一单位"):
        load_registry([path])


def test_failure_while_writing_rolls_everything_back(registry, row_counts, tmp_path, monkeypatch):
    good = write(tmp_path, "good.yaml", GOOD_NEW_FILE)
    before = row_counts()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry_loader, "_write_members", explode)
    with pytest.raises(RuntimeError):
        load_registry([good])

    assert row_counts() == before


def test_command_prints_counts(db):
    out = StringIO()
    call_command("load_units", stdout=out)
    text = out.getvalue()
    assert "jurisdictions: 5 created" in text
    assert "units:" in text and "aliases:" in text and "members:" in text


def test_command_reports_a_bad_file(db, tmp_path):
    path = write(tmp_path, "bad.yaml", BAD_FILES["unknown_kind"])
    with pytest.raises(CommandError, match=r"bad\.yaml"):
        call_command("load_units", str(path), stdout=StringIO())
