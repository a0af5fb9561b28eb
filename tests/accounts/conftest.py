"""Fixtures for the registry and resolver tests (``registry`` comes from tests/conftest.py)."""

import json
from pathlib import Path

import pytest

from accounts.models import Jurisdiction, Unit, UnitAlias

# shared/ is the sibling of the repository root: tests/accounts/conftest.py → parents[2].
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
GOLD_DIR = SHARED_DIR / "gold"


@pytest.fixture
def juris(registry):
    """Look a loaded jurisdiction up by name: ``juris("深圳市")``."""
    return lambda name: Jurisdiction.objects.get(name=name)


@pytest.fixture
def row_counts(db):
    """A function returning the row counts of Jurisdiction, Unit, UnitAlias and members."""

    def counts():
        return {
            "jurisdictions": Jurisdiction.objects.count(),
            "units": Unit.objects.count(),
            "aliases": UnitAlias.objects.count(),
            "members": Unit.members.through.objects.count(),
        }

    return counts


def gold_documents():
    """Every document of every gold file, as (file name, document) pairs; [] without shared/."""
    if not GOLD_DIR.is_dir():
        return []
    return [
        (path.name, doc)
        for path in sorted(GOLD_DIR.glob("*.json"))
        for doc in json.loads(path.read_text(encoding="utf-8"))["documents"]
    ]


@pytest.fixture
def gold():
    """The gold documents; skips the test when ../shared/gold is absent."""
    docs = gold_documents()
    if not docs:
        pytest.skip(f"gold readings not found at {GOLD_DIR}")
    return docs
