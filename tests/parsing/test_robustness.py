"""Arbitrary and adversarial text: the parser finishes and raises nothing but ParseError."""

import random

import pytest

from clauses.parsing import ParseError, parse_text, to_gold_dict
from clauses.readers.cleanup import clean_text

SIZE = 200_000

ADVERSARIAL = {
    "nested brackets": "（" * (SIZE // 2) + "）" * (SIZE // 2),
    "unclosed note": "（一）任务。（责任单位：" + "（" * SIZE,
    "endless list": "（一）任务。（责任单位：" + "市科技局、" * (SIZE // 5) + "）",
    "endless list with 和": "（一）任务。（" + "市科技局和" * (SIZE // 5) + "负责）",
    "no punctuation": "推进科技金融服务体系建设" * (SIZE // 12),
    "many clauses": "（一）加强领导。（市科技局负责）\n" * (SIZE // 16),
    "many titles": "关于印发某某方案的通知\n" * (SIZE // 12),
    "run-on lines": "市科技局，\n" * (SIZE // 6),
    "spaces after numbers": ("不低于15" + " " * 50 + "x") * (SIZE // 60),
    "years": "到2025年" + " " * SIZE + "底前",
    "flattened table": "序号\n重点任务\n牵头单位\n配合单位\n"
    + "1\n任务\n市科技局\n市财政局\n" * (SIZE // 20),
    "inline markers": "（一）任务。" + "。责任单位：x" * (SIZE // 8),
    "time-limit groups": "（一）任务。" + "（完成时限：2025年）" * (SIZE // 12),
    "closing lines": "（一）任务。\n" + "本措施自印发之日起施行。\n" * (SIZE // 12),
    "sub-items": "1．加强融资支持：\n" + "(1)推动；\n" * (SIZE // 8),
    "elided prefixes": "（一）任务。（责任单位：人行某省分行信贷处"
    + "、货币处" * (SIZE // 4)
    + "）",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_text_finishes(text):
    parsed = parse_text(clean_text(text), source_name="adversarial.txt")

    to_gold_dict(parsed)


def test_random_text_raises_nothing():
    alphabet = "一二三四五六七八九十（）()【】[]、，。；：:责任单位牵头配合负责局委办区各市和及等年月日底前0123456789.%\n \t|"
    rng = random.Random(20250601)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        to_gold_dict(parse_text(clean_text(text), source_name="random.txt"))


def test_input_that_is_not_text_raises_parse_error():
    with pytest.raises(ParseError) as caught:
        parse_text(b"bytes", source_name="x")  # type: ignore[arg-type]

    assert caught.value.code == "invalid_input"


def test_empty_text_gives_no_documents():
    assert parse_text("", source_name="empty.txt").documents == []
    assert clean_text("") == ""
