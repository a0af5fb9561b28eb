"""Adversarial uploads: 1 MiB texts and hostile files end in a parse or a clear refusal.

Each case asserts its outcome, not its speed: the texts below the readers' limits are parsed
in full, the others are refused with the code of the limit they exceed, and the hostile files
are refused before the expensive step. The conftest's 10 s alarm turns a hang (catastrophic
backtracking, a quadratic loop) into a failure; ``python -m benchmarks.adversarial`` records
the real timings.
"""

import pytest

from benchmarks.adversarial import FILE_CASES, MIB, html_spans, run_case, text_cases
from clauses.parsing import parse_text
from clauses.readers import MAX_ITEMS, MAX_LINES, MAX_TEXT_CHARS, ReaderError, read_document
from clauses.readers.cleanup import clean_text
from clauses.readers.html import html_to_text
from clauses.readers.pdf import too_deeply_nested

TEXTS = text_cases()


@pytest.mark.parametrize(("text", "expected"), TEXTS.values(), ids=TEXTS.keys())
def test_one_mebibyte_of_adversarial_text_parses_or_is_refused(text, expected):
    data = text.encode("utf-8")
    assert MIB * 0.9 < len(data) <= MIB * 1.01

    assert run_case(data, "adversarial.txt") == expected


# The 210 MB bomb takes a second to build; tests/readers covers the declared-size refusal.
FILES = {name: case for name, case in FILE_CASES.items() if "210 MB" not in name}


@pytest.mark.parametrize(("filename", "build", "expected"), FILES.values(), ids=FILES.keys())
def test_hostile_file_is_refused_or_read(filename, build, expected):
    assert run_case(build(), filename) == expected


def test_limits_are_far_above_a_real_document():
    # The largest seed (two documents, 41 tasks) is far inside every limit.
    from tests.conftest import SEEDS

    for seed in SEEDS.glob("*.txt"):
        text = seed.read_text(encoding="utf-8")
        lines = [line for line in text.split("\n") if line.strip()]
        assert len(text) * 10 < MAX_TEXT_CHARS
        assert len(lines) * 10 < MAX_LINES
        assert (
            sum(1 for line in lines if line[:1] in "一二三四五六七八九十（(0123456789")
            < MAX_ITEMS / 5
        )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("x" * (MAX_TEXT_CHARS + 1), "text_too_long"),
        ("段落\n" * (MAX_LINES + 1), "too_many_lines"),
        ("（一）任务\n" * (MAX_ITEMS + 1), "too_many_items"),
        ("1 | 任务 | 市科技局\n" * (MAX_ITEMS + 1), "too_many_items"),
    ],
    ids=["characters", "lines", "numbered items", "table rows"],
)
def test_one_over_each_limit_is_refused(text, code):
    with pytest.raises(ReaderError) as info:
        read_document(text.encode("utf-8"), "long.txt")

    assert info.value.code == code
    assert str(info.value.message).strip()


@pytest.mark.parametrize(
    "text",
    ["x" * MAX_TEXT_CHARS, "段落\n" * MAX_LINES, "（一）任务\n" * MAX_ITEMS],
    ids=["characters", "lines", "numbered items"],
)
def test_exactly_at_each_limit_is_read(text):
    assert read_document(text.encode("utf-8"), "long.txt").text


def test_quadratic_target_overlap_is_gone():
    # Thousands of targets and point changes in one clause: each change match used to be
    # compared with every target; the clause keeps its first targets only.
    body = "（一）任务。" + "不低于15%，提高2个百分点，" * 20_000

    clause = parse_text(clean_text(body)).documents[0].clauses[0]

    assert 0 < len(clause.targets) <= 50
    assert {t.unit for t in clause.targets} == {"%", "个百分点"}


def test_row_spans_cannot_widen_every_row_below():
    # Every cell spans 1000 rows: without a cap, row k would hold 10·k cells.
    rows = html_to_text(html_spans(150).decode()).split("\n")

    assert len(rows) == 150
    assert max(row.count(" | ") + 1 for row in rows) == 100


def test_brackets_in_strings_and_streams_are_not_nesting():
    # UTF-16 titles of Chinese bookmarks hold "[" bytes (学 is U+5B66), and so do streams.
    title = "（实施学习安排）".encode("utf-16-be")
    strings = b"<< /Title (" + title.replace(b"(", b"\\(").replace(b")", b"\\)") + b") >>\n"
    stream = b"<< /Length 200 >>\nstream\n" + b"[[[[" * 50 + b"\nendstream\n"

    assert not too_deeply_nested(b"%PDF-1.7\n" + strings * 500 + stream * 50)
    assert not too_deeply_nested(b"[" * 64 + b"]" * 64)
    assert too_deeply_nested(b"[" * 65 + b"]" * 65)
    assert too_deeply_nested(b"<< /A " * 65 + b">>" * 65)
