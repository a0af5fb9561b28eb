"""The import_document command: dry-run JSON in the gold schema, imports, clear errors."""

import json
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from clauses.models import PolicyDocument
from tests.conftest import BAD_FILES, REPO, SHARED, bad_file, seed, table_counts


def test_dry_run_json_needs_no_database(tmp_path):
    # given a fresh data folder without any migrated database
    env = {"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}  # no key, no database needed
    out = subprocess.run(
        [sys.executable, "manage.py", "import_document", str(seed("000")), "--dry-run", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    parsed = json.loads(out.stdout)
    (doc,) = parsed["documents"]
    assert doc["title"] == "深圳市关于金融支持科技创新的实施意见"
    assert len(doc["tasks"]) == 20
    assert {"seq", "label", "section", "title", "units", "body_starts", "body_ends"} <= set(
        doc["tasks"][0]
    )


def test_dry_run_writes_nothing(registry, capsys):
    before = table_counts()
    call_command("import_document", str(seed("002")), "--dry-run", "--json")
    assert json.loads(capsys.readouterr().out)["documents"][0]["tasks"][0]["units"] == [
        "市地方金融监管局",
        "各区政府",
    ]
    assert table_counts() == before


def test_import_then_reimport(registry, capsys):
    call_command("import_document", str(seed("002")), "--json")
    first = json.loads(capsys.readouterr().out)["documents"][0]
    assert first["created"] and first["tasks"] == 32
    before = table_counts()
    call_command("import_document", str(seed("002")))
    assert "unchanged" in capsys.readouterr().out
    assert table_counts() == before


@pytest.mark.parametrize("key", BAD_FILES)
def test_bad_file_fails_in_english_and_writes_nothing(registry, tmp_path, key):
    content, name, code = bad_file(key)
    path = tmp_path / name
    path.write_bytes(content)
    before = table_counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_document", str(path))
    assert str(caught.value).startswith(f"{code}: ")
    # English for the IT staff at the console (examples of document kinds may stay Chinese)
    assert re.search(r"[A-Za-z]{4,} [a-z]{2,}", str(caught.value).split(":", 1)[1])
    assert table_counts() == before


def test_unknown_jurisdiction_fails(registry):
    before = table_counts()
    with pytest.raises(CommandError, match="unknown_jurisdiction"):
        call_command("import_document", str(seed("000")), "--jurisdiction", "火星市")
    assert table_counts() == before
    assert PolicyDocument.objects.count() == 0


def test_command_exits_non_zero_for_a_missing_file(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_document",
            str(tmp_path / "none.txt"),
            "--dry-run",
            "--json",
        ],
        cwd=REPO,
        env={"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "no such file" in out.stderr


GOLD = sorted((SHARED / "gold").glob("*.json"))


@pytest.mark.skipif(not GOLD, reason="../shared/gold is not beside the repository")
@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem)
def test_dry_run_json_scores_exact_against_the_gold(gold_path, tmp_path):
    # the contract of ../shared/tools/score_seeds: command output scored by the shared scorer
    candidate = tmp_path / "candidate.json"
    seed_path = SHARED / "seeds" / gold_path.with_suffix(".txt").name
    with candidate.open("w", encoding="utf-8") as out:
        call_command("import_document", str(seed_path), "--dry-run", "--json", stdout=out)
    scored = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_parse.py"), str(gold_path), str(candidate)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert scored.returncode == 0, scored.stdout
