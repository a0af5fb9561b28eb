"""Resolve unit names as printed in a document to the units of the registry.

A name resolves only by an alias of the jurisdiction, either exactly or after equivalences
that cannot change which body is meant inside one city: the city prefix (深圳市 / 深圳 / 市),
政府 ↔ 人民政府, and 中国人民银行 ↔ 人民银行 ↔ 人行. Fuzzy matching never resolves a name: it
only ranks suggestions for the supervisor, because 市科技局 and 市科技创新委 are close strings
and may still be two bodies. The jurisdiction's aliases are read in one query, so the cost does
not grow with the number of names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from accounts.models import Jurisdiction, Unit, UnitAlias, normalize_name

SUGGESTION_THRESHOLD = 60.0
_MAX_ROUNDS = 3  # equivalences applied on top of each other, at most
_GOVERNMENT = ("人民政府", "政府")
_CENTRAL_BANK = ("中国人民银行", "人民银行", "人行")


@dataclass(frozen=True)
class Suggestion:
    """A unit that a name might mean, with a similarity score from 0 to 100."""

    unit_id: int
    name: str
    score: float


@dataclass(frozen=True)
class Resolution:
    """The outcome for one name: the unit it denotes, or None and suggestions."""

    name: str
    unit: Unit | None
    suggestions: list[Suggestion] = field(default_factory=list)


def resolve_units(*, jurisdiction: Jurisdiction, names: Iterable[str]) -> dict[str, Resolution]:
    """Resolve each name in ``jurisdiction``; return a Resolution per distinct name.

    The importer needs a unit for every name and the preview needs suggestions for the names
    that have none; both call this once per document, and it runs one query whatever the
    number of names. Unresolved names (unknown or ambiguous) get up to five suggestions.
    """
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    index = _AliasIndex(jurisdiction)
    results = {}
    for name in names:
        unit = index.resolve(name)
        suggestions = [] if unit is not None else index.suggest(name)
        results[name] = Resolution(name=name, unit=unit, suggestions=suggestions)
    return results


def suggest_units(*, jurisdiction: Jurisdiction, name: str, limit: int = 5) -> list[Suggestion]:
    """Return up to ``limit`` units of ``jurisdiction`` whose names resemble ``name``, best first.

    For the preview's search box and for mapping an unknown name by hand: scores are
    rapidfuzz ratios (0–100) over every alias, the best alias counting for its unit, and only
    scores from SUGGESTION_THRESHOLD up are kept.
    """
    return _AliasIndex(jurisdiction).suggest(name, limit=limit)


class _AliasIndex:
    """The aliases of one jurisdiction by lookup key, loaded in one query."""

    def __init__(self, jurisdiction: Jurisdiction):
        self.units: dict[str, Unit] = {}
        aliases = UnitAlias.objects.filter(
            jurisdiction=jurisdiction, unit__is_active=True
        ).select_related("unit")
        for alias in aliases:
            self.units[alias.normalized] = alias.unit
        self.prefixes = _city_prefixes(jurisdiction)
        self.city = jurisdiction.name if jurisdiction.name.endswith("市") else ""
        self._fuzzy_keys = {key: _strip_prefix(key, self.prefixes) for key in self.units}

    def resolve(self, name: str) -> Unit | None:
        """Exact key first, then keys reached by more and more equivalences; None if ambiguous."""
        frontier = {normalize_name(name)}
        seen = set(frontier)
        for _ in range(_MAX_ROUNDS + 1):
            hits = {self.units[key].pk: self.units[key] for key in frontier if key in self.units}
            if hits:
                return next(iter(hits.values())) if len(hits) == 1 else None
            frontier = {v for key in frontier for v in self._variants(key)} - seen
            seen |= frontier
            if not frontier:
                break
        return None

    def suggest(self, name: str, limit: int = 5) -> list[Suggestion]:
        """Rank units by the best fuzzy score of any of their aliases, prefix removed."""
        query = _strip_prefix(normalize_name(name), self.prefixes)
        if not query:
            return []
        best: dict[int, tuple[float, Unit]] = {}
        matches = process.extract(
            query,
            self._fuzzy_keys,
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=SUGGESTION_THRESHOLD,
        )
        for _stripped, score, key in matches:
            unit = self.units[key]
            if score > best.get(unit.pk, (-1.0, None))[0]:
                best[unit.pk] = (score, unit)
        ranked = sorted(best.values(), key=lambda item: (-item[0], len(item[1].name), item[1].name))
        return [Suggestion(unit_id=u.pk, name=u.name, score=round(s, 1)) for s, u in ranked[:limit]]

    def _variants(self, key: str) -> set[str]:
        """Keys one safe equivalence away from ``key``."""
        found = set()
        for prefix in self.prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                rest = key[len(prefix) :]
                found.update({rest, "市" + rest} if not rest.startswith("市") else {rest})
        if self.city:
            if self.city in key:
                found.add(key.replace(self.city, "市", 1))
            else:
                found.update(
                    key[:i] + self.city + key[i + 1 :] for i, ch in enumerate(key) if ch == "市"
                )
                if not key.startswith("市"):
                    found.add(self.city + key)
        found.update(_swap_suffix(key, _GOVERNMENT))
        found.update(_swap_token(key, _CENTRAL_BANK))
        found.discard("")
        found.discard(key)
        return found


def _city_prefixes(jurisdiction: Jurisdiction) -> list[str]:
    """深圳市, 深圳 (short name or the name without 市): longest first."""
    name = jurisdiction.name
    candidates = {name, jurisdiction.short_name or "", name.removesuffix("市")}
    return sorted((p for p in candidates if p), key=len, reverse=True)


def _strip_prefix(key: str, prefixes: list[str]) -> str:
    """The key without a leading city prefix or 市, for fuzzy comparison."""
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    return key.removeprefix("市") or key


def _swap_suffix(key: str, forms: tuple[str, ...]) -> set[str]:
    """``X人民政府`` ↔ ``X政府`` (forms longest first)."""
    for form in forms:
        if key.endswith(form) and len(key) > len(form):
            stem = key[: -len(form)]
            return {stem + other for other in forms if other != form}
    return set()


def _swap_token(key: str, forms: tuple[str, ...]) -> set[str]:
    """``中国人民银行X`` ↔ ``人民银行X`` ↔ ``人行X`` (forms longest first)."""
    for form in forms:
        if form in key:
            return {key.replace(form, other, 1) for other in forms if other != form}
    return set()
