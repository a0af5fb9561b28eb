"""The parser against the hand-checked readings in ../shared/gold (scored by the shared scorer)."""

import importlib.util
import json
from pathlib import Path

import pytest

from clauses.parsing import parse_text, to_gold_dict
from clauses.readers.cleanup import clean_text

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
GOLD_FILES = sorted((SHARED / "gold").glob("*.json")) if SHARED.is_dir() else []
DOC_FIELDS = (
    "title",
    "jurisdiction",
    "doc_number",
    "issuers",
    "addressees",
    "effective_from",
    "valid_years",
)

pytestmark = pytest.mark.skipif(not GOLD_FILES, reason=f"no gold annotations at {SHARED}/gold")


def _scorer():
    spec = importlib.util.spec_from_file_location(
        "score_parse", SHARED / "tools" / "score_parse.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reading(gold_path: Path) -> tuple[dict, dict]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    seed = SHARED / "seeds" / gold_path.with_suffix(".txt").name
    text = seed.read_text(encoding="utf-8")
    return gold, to_gold_dict(parse_text(clean_text(text), source_name=seed.name))


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_every_gold_task_is_found_exactly(gold_path):
    gold, candidate = _reading(gold_path)

    result = _scorer().score(gold, candidate)

    assert result["problems"] == []
    assert result["exact_tasks"] == result["gold_tasks"] == result["found_tasks"]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_document_fields_match_the_gold(gold_path):
    gold, candidate = _reading(gold_path)

    assert len(candidate["documents"]) == len(gold["documents"])
    for expected, found in zip(gold["documents"], candidate["documents"], strict=True):
        assert {k: found[k] for k in DOC_FIELDS} == {k: expected[k] for k in DOC_FIELDS}
        assert [(t["label"], t["title"]) for t in found["non_tasks"]] == [
            (t["label"], t["title"]) for t in expected["non_tasks"]
        ]
        assert sorted(map(sorted, found["same_unit"])) == sorted(map(sorted, expected["same_unit"]))
