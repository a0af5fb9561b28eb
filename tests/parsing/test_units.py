"""Responsible-unit notes in the forms policy documents print them."""

from datetime import date

import pytest

from clauses.parsing.notes import parse_note
from clauses.parsing.units import split_units

from .helpers import clause, parse_one

DOC_HEAD = "某市关于推进重点工作的实施意见\n\n为推进工作，制定本意见。\n\n一、重点任务\n\n"


def test_unit_responsible_alone_gives_units_without_split():
    doc = parse_one(DOC_HEAD + "（一）加快网络建设。建设基站。（市工业和信息化局负责）\n")

    c = clause(doc, "（一）")
    assert c.units == ["市工业和信息化局"]
    assert c.lead_units is None and c.co_units is None


def test_lead_and_support_by_verbs():
    doc = parse_one(
        DOC_HEAD
        + "（一）推进算力建设。支持建设算力中心。（市发展改革委牵头，市科技局、市财政局配合）\n"
    )

    c = clause(doc, "（一）")
    assert c.units == ["市发展改革委", "市科技局", "市财政局"]
    assert c.lead_units == ["市发展改革委"]
    assert c.co_units == ["市科技局", "市财政局"]


def test_together_with_makes_the_first_unit_lead():
    doc = parse_one(
        DOC_HEAD
        + "（一）完善数据市场。建设交易平台。（市政务服务数据管理局会同市财政局、市市场监管局负责）\n"
    )

    c = clause(doc, "（一）")
    assert c.lead_units == ["市政务服务数据管理局"]
    assert c.co_units == ["市财政局", "市市场监管局"]
    assert c.units == c.lead_units + c.co_units


def test_keyed_note_counts_only_units():
    doc = parse_one(
        DOC_HEAD
        + "（一）加大财政支持。设立产业基金。（负责部门：市财政局、市国资委；适用范围：全市）\n"
    )

    assert clause(doc, "（一）").units == ["市财政局", "市国资委"]


def test_lead_and_support_keys():
    doc = parse_one(
        DOC_HEAD
        + "（一）强化人才保障。引进人才。（牵头单位：市人力资源社会保障局；配合单位：市教育局、市科技局）\n"
    )

    c = clause(doc, "（一）")
    assert c.lead_units == ["市人力资源社会保障局"]
    assert c.co_units == ["市教育局", "市科技局"]
    assert c.units == ["市人力资源社会保障局", "市教育局", "市科技局"]


def test_square_brackets_with_nested_remark_and_etc():
    doc = parse_one(
        DOC_HEAD
        + "（一）优化营商环境。持续优化。[责任单位：市政务服务数据管理局，各区(含新区、合作区，下同)等]\n"
    )

    assert clause(doc, "（一）").units == ["市政务服务数据管理局", "各区"]


def test_unit_line_of_its_own():
    doc = parse_one(
        "某市支持科技金融发展若干政策\n\n一、健全机构体系\n(一)建立专业机构体系\n推动商业银行设立专业机构。\n"
        "责任单位:市委金融办、市科技局,各开发区管委会、各区县(市)政府\n(二)构建保险服务体系\n支持保险机构。\n"
        "责任单位:市财政局\n本文件自印发之日起施行,有效期三年。\n"
    )

    first, second = doc.clauses
    assert first.title == "建立专业机构体系"
    assert first.body == "推动商业银行设立专业机构。"
    assert first.units == ["市委金融办", "市科技局", "各开发区管委会", "各区县(市)政府"]
    assert second.units == ["市财政局"]
    assert doc.valid_years == 3


def test_split_duties_verb_and_connectives():
    doc = parse_one(
        DOC_HEAD
        + "1.探索发展模式。鼓励合作。(人民银行市分行、市地方金融监管局和各县区人民政府、功能板块管委会等按职责分工落实)\n"
    )

    assert clause(doc, "1.").units == [
        "人民银行市分行",
        "市地方金融监管局",
        "各县区人民政府",
        "功能板块管委会",
    ]


def test_trailing_separator_before_verb_is_ignored():
    note = parse_note("市地方金融监管局、市财政局、按职责分工落实")

    assert note.units == ["市地方金融监管局", "市财政局"]


def test_bare_names_at_the_end_of_a_clause_are_a_note():
    doc = parse_one(DOC_HEAD + "1.探索保险创新。支持开展试点。(国家金融监管总局连云港监管分局)\n")

    assert clause(doc, "1.").units == ["国家金融监管总局连云港监管分局"]


def test_bracket_inside_the_last_sentence_is_not_a_note():
    doc = parse_one(DOC_HEAD + "（一）建设试点城市。支持越秀区建设试点城市（区）。\n")

    assert clause(doc, "（一）").units == []


def test_elided_shared_prefix_is_written_out():
    names = split_units(
        "市委金融办,人行河南省分行信贷政策管理处、货币政策处、省会金融工作协调处,市财政局"
    )

    assert names == [
        "市委金融办",
        "人行河南省分行信贷政策管理处",
        "人行河南省分行货币政策处",
        "人行河南省分行省会金融工作协调处",
        "市财政局",
    ]


def test_a_name_with_a_connective_inside_stays_whole():
    assert split_units("市工业和信息化局及市人力资源和社会保障局") == [
        "市工业和信息化局",
        "市人力资源和社会保障局",
    ]


def test_name_cut_by_a_page_break_is_joined():
    doc = parse_one(
        DOC_HEAD
        + "（一）发展服务市场。培育服务市场。（责任单位：市市\n\n场监管局、越秀区、天河区)\n"
    )

    assert clause(doc, "（一）").units == ["市市场监管局", "越秀区", "天河区"]


@pytest.mark.parametrize(
    "rule",
    ["排在第一位的部门为牵头部门，下同。", "列第一位的为牵头单位。"],
)
def test_lead_rule_stated_once_applies_to_every_clause(rule):
    doc = parse_one(
        "某市关于推进重点工作的实施方案\n\n为推进工作，制定本方案。" + rule + "\n\n一、重点任务\n"
        "（一）加强统筹。加强统筹协调。（责任单位：市发展改革委、市财政局、各区）\n"
        "（二）明确分工。（市科技局牵头，市教育局配合）\n"
    )

    assert doc.lead_rule
    first, second = doc.clauses
    assert first.lead_units == ["市发展改革委"]
    assert first.co_units == ["市财政局", "各区"]
    assert second.lead_units == ["市科技局"]
    assert second.co_units == ["市教育局"]


def test_clause_without_heading_phrase_has_no_title():
    doc = parse_one(DOC_HEAD + "（三）各区要加强统筹，落实属地责任。（责任单位：各区）\n")

    c = clause(doc, "（三）")
    assert c.title is None
    assert c.body == "各区要加强统筹，落实属地责任。"
    assert c.units == ["各区"]


def test_clause_that_names_no_unit_is_still_a_task():
    doc = parse_one(
        DOC_HEAD
        + "（一）优化信贷供给。银行机构应加大投放。\n（二）强化保险保障。保险机构要丰富产品。\n"
    )

    assert [(c.units, c.is_task) for c in doc.clauses] == [([], True), ([], True)]


def test_inline_note_without_brackets_ends_the_paragraph():
    doc = parse_one(
        "某市关于支持科技创新的若干措施\n\n"
        "第一条 支持企业研发投入。对企业研发投入给予补助。责任单位：市科技局、市财政局。\n"
        "第二条 加强人才引进。引进高层次人才。牵头单位：市人社局；配合单位：市科技局、市教育局。\n"
    )

    first, second = doc.clauses
    assert first.units == ["市科技局", "市财政局"]
    assert first.body == "对企业研发投入给予补助。"
    assert second.lead_units == ["市人社局"]
    assert second.co_units == ["市科技局", "市教育局"]
    assert second.body == "引进高层次人才。"


@pytest.mark.parametrize(
    "marker", ["责任部门", "牵头部门", "责任主体", "实施主体", "承办单位", "主办单位"]
)
def test_every_marker_in_brackets_inline_and_on_its_own_line(marker):
    doc = parse_one(
        DOC_HEAD
        + f"（一）加强统筹。统筹推进。（{marker}：市发展改革委）\n"
        + f"（二）强化督办。定期督办。{marker}：市政府督查室。\n"
        + f"（三）做好宣传。加强宣传。\n{marker}：市委宣传部\n"
    )

    assert [c.units for c in doc.clauses] == [["市发展改革委"], ["市政府督查室"], ["市委宣传部"]]


def test_co_department_markers_give_lead_and_co_units():
    doc = parse_one(
        DOC_HEAD
        + "（一）优化审批。压缩审批时限。（牵头部门：市行政审批局；配合部门：市住房城乡建设局）\n"
        + "（二）保障用地。优先保障用地。主办单位：市自然资源局；协办单位：市发展改革委。\n"
    )

    assert [(c.lead_units, c.co_units) for c in doc.clauses] == [
        (["市行政审批局"], ["市住房城乡建设局"]),
        (["市自然资源局"], ["市发展改革委"]),
    ]


def test_marker_inside_a_sentence_or_a_bracket_is_not_an_inline_note():
    doc = parse_one(
        DOC_HEAD
        + "（一）压实责任。明确责任单位：各区要建立台账。（牵头单位：市发展改革委；配合单位：市财政局）\n"
    )

    c = clause(doc, "（一）")
    assert c.body == "明确责任单位：各区要建立台账。"
    assert c.units == ["市发展改革委", "市财政局"]


def test_inline_note_stops_before_a_sentence_that_is_not_part_of_it():
    doc = parse_one(
        DOC_HEAD + "（一）加强统筹。统筹推进。责任单位：市发展改革委。本条所称企业是指规上企业。\n"
    )

    assert clause(doc, "（一）").units == ["市发展改革委"]


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("各区、县（市）人民政府", ["各区、县（市）人民政府"]),
        ("市金融办、各区、县(市)政府", ["市金融办", "各区、县(市)政府"]),
        ("各县（市、区）人民政府、市财政局", ["各县（市、区）人民政府", "市财政局"]),
        ("各区县（市）", ["各区县（市）"]),
        ("各市、县人民政府和市有关部门", ["各市、县人民政府", "市有关部门"]),
        ("各区、市直各部门", ["各区", "市直各部门"]),
    ],
)
def test_collective_names_with_levels_stay_whole(printed, names):
    assert split_units(printed) == names


def test_role_marks_after_names_split_lead_and_co():
    note = parse_note("责任单位：市发展改革委（牵头）、市财政局、市商务局")

    assert note.units == ["市发展改革委", "市财政局", "市商务局"]
    assert note.lead == ["市发展改革委"]
    assert note.co == ["市财政局", "市商务局"]


@pytest.mark.parametrize(
    "note",
    [
        "市商务局、市发展改革委按职责分工抓好落实",
        "市商务局、市发展改革委按职责分工负责",
        "市商务局、市发展改革委分别负责",
        "责任单位：市商务局，市发展改革委",
        "责任单位：市商务局；市发展改革委",
    ],
)
def test_split_duty_verbs_and_separators(note):
    parsed = parse_note(note)

    assert parsed.units == ["市商务局", "市发展改革委"]
    assert parsed.lead is None


def test_time_limit_beside_the_note_is_the_deadline_not_a_unit():
    doc = parse_one(
        DOC_HEAD
        + "（一）优化营商环境。深化改革。（责任单位：市政务服务数据局；完成时限：2025年12月底前）\n"
        + "（二）加强用地保障。保障用地。（责任单位：市自然资源规划局）（完成时限：2025年12月底前）\n"
        + "（三）加大金融支持。创新产品。责任单位：市委金融办。完成时限：2026年6月底前。\n"
        + "（四）强化品牌建设。培育品牌。\n牵头单位：市市场监管局\n配合单位：市商务局\n完成时限：长期坚持\n"
        + "（五）做好统计。定期监测。（责任单位：市统计局）\n完成时限：2025年底前\n"
    )

    found = [(c.units, c.deadline, c.deadline_date) for c in doc.clauses]
    assert found == [
        (["市政务服务数据局"], "2025年12月底前", date(2025, 12, 31)),
        (["市自然资源规划局"], "2025年12月底前", date(2025, 12, 31)),
        (["市委金融办"], "2026年6月底前", date(2026, 6, 30)),
        (["市市场监管局", "市商务局"], "长期坚持", None),
        (["市统计局"], "2025年底前", date(2025, 12, 31)),
    ]
    assert [c.body for c in doc.clauses] == [
        "深化改革。",
        "保障用地。",
        "创新产品。",
        "培育品牌。",
        "定期监测。",
    ]


@pytest.mark.parametrize(
    ("note", "units", "deadline"),
    [
        (
            "（市财政局、市科技局负责，2025年6月底前完成）",
            ["市财政局", "市科技局"],
            "2025年6月底前",
        ),
        (
            "（责任单位：市科技局，各区人民政府按职责分工负责；完成时限：2025年底）",
            ["市科技局", "各区人民政府"],
            "2025年底",
        ),
        (
            "（市科技局、市财政局等单位按职责分工负责，长期坚持）",
            ["市科技局", "市财政局"],
            "长期坚持",
        ),
    ],
)
def test_note_with_a_time_limit_after_the_units(note, units, deadline):
    doc = parse_one(DOC_HEAD + "（一）发展创业投资。做大引导基金。" + note + "\n")

    c = clause(doc, "（一）")
    assert (c.units, c.deadline, c.body) == (units, deadline, "做大引导基金。")


def test_notes_with_spaces_etc_and_collective_endings():
    doc = parse_one(
        DOC_HEAD
        + "（一）加大信贷支持。鼓励长期贷款。（责任单位：市地方金融监管局、 市科技局 ，各市、区人民政府）\n"
        + "（二）发展科技担保。扩大规模。（市财政局、市地方金融监管局及各区）\n"
        + "（三）提升服务效率。优化流程。（责任单位：中国人民银行苏州市分行（国家外汇管理局苏州市分局）、市科技局）\n"
    )

    assert [c.units for c in doc.clauses] == [
        ["市地方金融监管局", "市科技局", "各市、区人民政府"],
        ["市财政局", "市地方金融监管局", "各区"],
        # One body printed with its second name: the first name is kept.
        ["中国人民银行苏州市分行", "市科技局"],
    ]


def test_unmarked_names_beside_role_marks_are_co_units_in_every_part():
    parsed = parse_note("责任单位：市科技局（牵头）、市财政局，各区政府")

    assert (parsed.units, parsed.lead, parsed.co) == (
        ["市科技局", "市财政局", "各区政府"],
        ["市科技局"],
        ["市财政局", "各区政府"],
    )


def test_own_line_marker_note_cut_inside_a_name():
    doc = parse_one(
        DOC_HEAD
        + "（一）优化营商环境。组织银企对接活动。\n责任单位：区科技局、区\n市场监管局\n完成时限：持续推进\n"
        + "（二）强化融资担保。扩大担保规模。\n责任单位：区财政局\n"
    )

    assert [(c.units, c.deadline, c.body) for c in doc.clauses] == [
        (["区科技局", "区市场监管局"], "持续推进", "组织银企对接活动。"),
        (["区财政局"], None, "扩大担保规模。"),
    ]
