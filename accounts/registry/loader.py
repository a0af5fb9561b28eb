"""Load the unit registry (YAML files) into Jurisdiction, Unit, UnitAlias and members.

Every file is read and checked before anything is written, and everything is written in one
transaction: a bad file leaves the database exactly as it was. Writing is an upsert that
compares before it saves, so loading the same files twice changes nothing. Nothing is ever
deleted: aliases that supervisors recorded while importing documents survive a reload.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from accounts.choices import UnitKind
from accounts.models import Jurisdiction, Unit, UnitAlias, normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"

_JURISDICTION_KEYS = {"name", "short_name", "province"}
_UNIT_KEYS = {"name", "short_name", "kind", "aliases", "members"}
# Column sizes of the models: checked up front so a long name fails validation, not the insert.
_MAX = {"jurisdiction": 50, "jurisdiction_short": 20, "province": 20, "unit": 100, "short": 50}


class RegistryError(Exception):
    """A registry file is malformed or inconsistent; the message names the file and entry."""


@dataclass
class UnitSpec:
    """One unit entry of a file, checked."""

    name: str
    short_name: str
    kind: str
    aliases: list[str]  # every spelling, canonical name and short name first
    members: list[str] | None
    where: str  # "file.yaml, unit #3 (name)" for error messages


@dataclass
class JurisdictionSpec:
    """The units of one jurisdiction, gathered from one or more files."""

    name: str
    short_name: str = ""
    province: str = ""
    units: list[UnitSpec] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def default_paths() -> list[Path]:
    """Return the registry files shipped with the project, in a stable order.

    The command and the tests load these when no path is given.
    """
    return sorted(DATA_DIR.glob("*.yaml"))


def load_registry(paths: list[Path] | None = None) -> dict[str, dict[str, int]]:
    """Upsert jurisdictions, units, aliases and members from registry files; return counts.

    All files are validated first (RegistryError names the file and the entry), then written
    in one transaction, so a bad file writes nothing. The result maps ``jurisdictions``,
    ``units``, ``aliases`` and ``members`` to ``{"created"|"added", "updated"|"removed",
    "unchanged"}`` counts; a second run reports only ``unchanged``.
    """
    specs = read_specs(list(paths) if paths is not None else default_paths())
    counts = {
        "jurisdictions": Counter(created=0, updated=0, unchanged=0),
        "units": Counter(created=0, updated=0, unchanged=0),
        "aliases": Counter(created=0, updated=0, unchanged=0),
        "members": Counter(added=0, removed=0, unchanged=0),
    }
    with transaction.atomic():
        for spec in specs:
            _write_jurisdiction(spec, counts)
    return {key: dict(counter) for key, counter in counts.items()}


# --- reading and validation ----------------------------------------------------------------


def read_specs(paths: list[Path]) -> list[JurisdictionSpec]:
    """Parse and validate registry files; raise RegistryError on the first problem.

    Files naming the same jurisdiction are merged, and the alias and member checks run over
    the merged list, because uniqueness is per jurisdiction, not per file.
    """
    by_name: dict[str, JurisdictionSpec] = {}
    for path in paths:
        data = _read_yaml(Path(path))
        name = Path(path).name
        juris = _jurisdiction_fields(data.get("jurisdiction"), name)
        spec = by_name.setdefault(juris["name"], JurisdictionSpec(name=juris["name"]))
        for key in ("short_name", "province"):
            if juris[key] and getattr(spec, key) and juris[key] != getattr(spec, key):
                raise RegistryError(
                    f"{name}: jurisdiction {spec.name}: {key} differs from {spec.files}"
                )
            setattr(spec, key, juris[key] or getattr(spec, key))
        spec.files.append(name)
        units = data.get("units") or []
        if not isinstance(units, list):
            raise RegistryError(f"{name}: 'units' must be a list")
        spec.units.extend(
            _unit_spec(entry, f"{name}, unit #{i}") for i, entry in enumerate(units, 1)
        )
    for spec in by_name.values():
        _check_names(spec)
    return list(by_name.values())


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{path.name}: expected a mapping with 'jurisdiction' and 'units'")
    unknown = set(data) - {"jurisdiction", "units"}
    if unknown:
        raise RegistryError(f"{path.name}: unknown top-level key(s) {sorted(unknown)}")
    return data


def _text(value, where: str, key: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RegistryError(f"{where}: '{key}' must be text, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise RegistryError(f"{where}: '{key}' is required")
    if len(value) > limit:
        raise RegistryError(f"{where}: '{key}' is longer than {limit} characters")
    return value


def _jurisdiction_fields(raw, filename: str) -> dict[str, str]:
    where = f"{filename}, jurisdiction"
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: expected a mapping with at least 'name'")
    unknown = set(raw) - _JURISDICTION_KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {sorted(unknown)}")
    return {
        "name": _text(raw.get("name"), where, "name", _MAX["jurisdiction"], required=True),
        "short_name": _text(raw.get("short_name"), where, "short_name", _MAX["jurisdiction_short"]),
        "province": _text(raw.get("province"), where, "province", _MAX["province"]),
    }


def _name_list(raw, where: str, key: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RegistryError(f"{where}: '{key}' must be a list")
    return [_text(item, where, key, _MAX["unit"], required=True) for item in raw]


def _unit_spec(raw, where: str) -> UnitSpec:
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: expected a mapping with 'name' and 'kind'")
    name = _text(raw.get("name"), where, "name", _MAX["unit"], required=True)
    where = f"{where} ({name})"
    unknown = set(raw) - _UNIT_KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {sorted(unknown)}")
    kind = raw.get("kind")
    if kind not in UnitKind.values:
        raise RegistryError(f"{where}: unknown kind {kind!r}; expected one of {UnitKind.values}")
    short_name = _text(raw.get("short_name"), where, "short_name", _MAX["short"])
    members = _name_list(raw.get("members"), where, "members") if "members" in raw else None
    if members and kind != UnitKind.COLLECTIVE:
        raise RegistryError(f"{where}: only a collective unit has members (kind is {kind})")
    spellings = [name, short_name, *_name_list(raw.get("aliases"), where, "aliases")]
    return UnitSpec(
        name=name,
        short_name=short_name,
        kind=kind,
        aliases=list({normalize_name(s): s for s in reversed(spellings) if s}.values())[::-1],
        members=members,
        where=where,
    )


def _check_names(spec: JurisdictionSpec) -> None:
    """Unit names unique, each alias key owned by one unit, every member known."""
    owner: dict[str, UnitSpec] = {}
    names: set[str] = set()
    for unit in spec.units:
        if unit.name in names:
            raise RegistryError(
                f"{unit.where}: a unit of this name is already defined in {spec.name}"
            )
        names.add(unit.name)
        for alias in unit.aliases:
            other = owner.setdefault(normalize_name(alias), unit)
            if other is not unit:
                raise RegistryError(
                    f"{unit.where}: alias {alias!r} already names {other.name!r} ({other.where}) "
                    f"in {spec.name}"
                )
    for unit in spec.units:
        for member in unit.members or []:
            target = owner.get(normalize_name(member))
            if target is None:
                raise RegistryError(f"{unit.where}: member {member!r} is not a unit of {spec.name}")
            if target is unit:
                raise RegistryError(f"{unit.where}: a collective cannot be its own member")


# --- writing ---------------------------------------------------------------------------------


def _write_jurisdiction(spec: JurisdictionSpec, counts: dict[str, Counter]) -> None:
    juris = Jurisdiction.objects.filter(name=spec.name).first()
    if juris is None:
        juris = Jurisdiction.objects.create(
            name=spec.name, short_name=spec.short_name, province=spec.province
        )
        counts["jurisdictions"]["created"] += 1
    else:
        # Only the fields a file gives: a file without province does not erase it.
        given = {
            key: getattr(spec, key) for key in ("short_name", "province") if getattr(spec, key)
        }
        changed = _assign(juris, **given)
        counts["jurisdictions"]["updated" if changed else "unchanged"] += 1

    units = _write_units(juris, spec.units, counts["units"])
    _write_aliases(juris, spec.units, units, counts["aliases"])
    _write_members(spec.units, units, counts["members"])


def _assign(obj, **values) -> bool:
    """Set the fields that differ and save only those; return whether anything changed."""
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _write_units(juris, specs: list[UnitSpec], counter: Counter) -> dict[str, Unit]:
    units = {unit.name: unit for unit in Unit.objects.filter(jurisdiction=juris)}
    new = []
    for spec in specs:
        unit = units.get(spec.name)
        if unit is None:
            new.append(
                Unit(jurisdiction=juris, name=spec.name, short_name=spec.short_name, kind=spec.kind)
            )
        else:
            changed = _assign(unit, short_name=spec.short_name, kind=spec.kind)
            counter["updated" if changed else "unchanged"] += 1
    for unit in Unit.objects.bulk_create(new):
        units[unit.name] = unit
    counter["created"] += len(new)
    return units


def _current(unit: Unit, by_pk: dict[int, Unit]) -> Unit:
    """The unit that carries ``unit``'s work today: the end of its chain of successors."""
    seen = {unit.pk}
    while unit.successor_id and unit.successor_id not in seen and unit.successor_id in by_pk:
        unit = by_pk[unit.successor_id]
        seen.add(unit.pk)
    return unit


def _write_aliases(juris, specs: list[UnitSpec], units: dict[str, Unit], counter: Counter) -> None:
    existing = {alias.normalized: alias for alias in UnitAlias.objects.filter(jurisdiction=juris)}
    by_pk = {unit.pk: unit for unit in units.values()}
    new = []
    for spec in specs:
        # A unit renamed or merged since the file was written: its names lead to its successor.
        unit = _current(units[spec.name], by_pk)
        for spelling in spec.aliases:
            alias = existing.get(normalize_name(spelling))
            if alias is None:
                # bulk_create skips UnitAlias.save(): set the lookup key as save() would.
                new.append(
                    UnitAlias(
                        unit=unit,
                        jurisdiction=juris,
                        name=spelling,
                        normalized=normalize_name(spelling),
                    )
                )
            elif alias.unit_id != unit.pk:
                # The registry is the authority: an alias recorded by hand for another unit moves.
                alias.unit = unit
                alias.save(update_fields=["unit", "updated_at"])
                counter["updated"] += 1
            else:
                counter["unchanged"] += 1
    UnitAlias.objects.bulk_create(new)
    counter["created"] += len(new)


def _write_members(specs: list[UnitSpec], units: dict[str, Unit], counter: Counter) -> None:
    by_key = {normalize_name(alias): units[spec.name] for spec in specs for alias in spec.aliases}
    for spec in specs:
        if spec.members is None:
            continue
        collective = units[spec.name]
        wanted = {by_key[normalize_name(m)].pk for m in spec.members}
        current = set(collective.members.values_list("pk", flat=True))
        if wanted - current:
            collective.members.add(*(wanted - current))
        if current - wanted:
            collective.members.remove(*(current - wanted))
        counter["added"] += len(wanted - current)
        counter["removed"] += len(current - wanted)
        counter["unchanged"] += len(wanted & current)
