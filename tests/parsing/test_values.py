"""Dates, deadlines, validity and quantitative targets."""

from datetime import date
from decimal import Decimal

import pytest

from clauses.parsing.values import find_targets, find_validity, parse_deadline


@pytest.mark.parametrize(
    ("text", "phrase", "when"),
    [
        ("2025年底前完成", "2025年底前", date(2025, 12, 31)),
        ("到2027年，形成体系", "到2027年", date(2027, 12, 31)),
        ("2026年6月底前建成", "2026年6月底前", date(2026, 6, 30)),
        ("2025年年底前", "2025年年底前", date(2025, 12, 31)),
        ("2025年9月30日前", "2025年9月30日前", date(2025, 9, 30)),
        ("2026年上半年", "2026年上半年", date(2026, 6, 30)),
    ],
)
def test_deadline_phrases_and_dates(text, phrase, when):
    assert parse_deadline(text) == (phrase, when)


@pytest.mark.parametrize("text", ["年内", "长期", "持续推进"])
def test_relative_deadlines_have_no_date(text):
    assert parse_deadline(text, relative=True) == (text, None)


def test_a_year_in_passing_is_not_a_deadline():
    assert parse_deadline("《2025年工作要点》提出") == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本实施意见自2023年11月1日生效，有效期5年。", (date(2023, 11, 1), False, 5, None)),
        ("本文件自印发之日起施行,有效期三年。", (None, True, 3, None)),
        (
            "自2024年1月1日起施行，有效期至2026年12月31日。",
            (date(2024, 1, 1), False, None, date(2026, 12, 31)),
        ),
        ("本意见自发布之日起实施。", (None, True, None, None)),
    ],
)
def test_validity_statements(text, expected):
    assert find_validity(text) == expected


@pytest.mark.parametrize(
    ("text", "printed", "comparator", "value", "unit"),
    [
        ("力争每年全市科技信贷增速不低于 15%", "不低于 15%", "gte", Decimal(15), "%"),
        ("争取5年内推动不少于60家科技企业上市", "不少于60家", "gte", Decimal(60), "家"),
        ("推出10款以上融资产品", "10款以上", "gte", Decimal(10), "款"),
        ("设立总规模 200 亿元的并购基金", "总规模 200 亿元", "eq", Decimal(200), "亿元"),
        ("出资比例提高至50%以上", "提高至50%以上", "gte", Decimal(50), "%"),
        ("存续期最长可达15年", "最长可达15年", "lte", Decimal(15), "年"),
    ],
)
def test_targets(text, printed, comparator, value, unit):
    (target,) = find_targets(text)

    assert (target.text, target.comparator, target.value, target.unit) == (
        printed,
        comparator,
        value,
        unit,
    )


def test_target_metric_and_deadline_come_from_its_sentence():
    (target,) = find_targets("到2025年底，全市科技型企业贷款余额突破3000亿元。")

    assert target.metric == "科技型企业贷款余额"
    assert target.deadline_date == date(2025, 12, 31)


def test_doubling_words_are_not_numeric_targets():
    assert find_targets("科技型企业贷款余额比十三五末翻二番") == []


@pytest.mark.parametrize("text", ["每年", "每季度"])
def test_recurring_time_limits_are_kept_without_a_date(text):
    assert parse_deadline(text, relative=True) == (text, None)


@pytest.mark.parametrize(
    ("text", "years"),
    [("本办法试行两年。", 2), ("自2024年3月1日起实施，试行期3年。", 3), ("有效期两年。", 2)],
)
def test_trial_periods_are_validity_years(text, years):
    assert find_validity(text)[2] == years


@pytest.mark.parametrize(
    ("text", "printed", "comparator", "value", "unit", "metric"),
    [
        (
            "累计培育专精特新企业200家。",
            "累计培育专精特新企业200家",
            "gte",
            "200",
            "家",
            "培育专精特新企业",
        ),
        ("新增备案基金管理人累计200家。", "累计200家", "gte", "200", "家", "新增备案基金管理人"),
        ("科技贷款占比提高2个百分点。", "提高2个百分点", "gte", "2", "个百分点", "科技贷款占比"),
        ("每年组织不少于10场银企对接活动。", "不少于10场", "gte", "10", "场", "组织"),
    ],
)
def test_cumulative_and_point_targets(text, printed, comparator, value, unit, metric):
    (target,) = find_targets(text)

    assert (target.text, target.comparator, target.value, target.unit, target.metric) == (
        printed,
        comparator,
        Decimal(value),
        unit,
        metric,
    )


def test_a_subsidy_cap_is_an_lte_target_and_a_term_range_is_none():
    # A cap (给予最高100万元奖励) is read as lte, consistently with 最高不超过; a span of years
    # (贷款期限3至5年) promises nothing.
    (cap,) = find_targets("对首贷户给予最高100万元奖励。")

    assert (cap.comparator, cap.value, cap.unit) == ("lte", Decimal("100"), "万元")
    assert find_targets("贷款期限3至5年。") == []
