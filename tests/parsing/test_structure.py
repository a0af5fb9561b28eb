"""Documents, sections and clauses: outline levels, odd numbering, non-tasks, notices, tables."""

from datetime import date

from clauses.parsing import parse_text
from clauses.readers.cleanup import clean_text

from .helpers import clause, parse_one


def test_mixed_label_styles_keep_their_levels():
    doc = parse_one(
        "关于提升金融供给能力的实施意见\n\n为做好工作，制定本意见。\n1、 总体要求\n（一）指导思想。以新思想为指导。\n"
        "2、 重点任务\n（1） 提升服务能力\n1.组建服务机构。鼓励设立支行。(市地方金融监管局按职责分工落实)\n"
        "（2） 畅通融资渠道\n2.加大信贷投放。指导银行。(人民银行市分行按职责分工落实)\n"
        "（三）优化服务环境\n3.探索发展模式。鼓励合作。(市科技局按职责分工落实)\n"
        "3、 保障机制\n4.强化组织推动。完善机制。（市财政局按职责分工落实）\n"
    )

    tasks = [(c.label, c.section_heading, c.title) for c in doc.clauses if c.is_task]
    assert tasks == [
        ("1.", "（1） 提升服务能力", "组建服务机构"),
        ("2.", "（2） 畅通融资渠道", "加大信贷投放"),
        ("3.", "（三）优化服务环境", "探索发展模式"),
        ("4.", "3、 保障机制", "强化组织推动"),
    ]
    assert [(c.label, c.title, c.is_task) for c in doc.clauses if not c.is_task] == [
        ("（一）", "指导思想", False)
    ]


def test_repeated_and_skipped_numbers_are_kept_as_printed():
    doc = parse_one(
        "某市行动方案\n\n一、重点任务\n(十九)深化合作机制。支持合作。\n(二十)畅通信息渠道。协同部门。\n"
        "(二十)做实风险管理。银行机构要研究。\n(二十二)完善风控体系。保险机构要提高能力。\n"
    )

    assert [c.label for c in doc.clauses] == ["(十九)", "(二十)", "(二十)", "(二十二)"]


def test_heading_printed_without_its_full_stop():
    doc = parse_one(
        "某市行动方案\n\n一、重点任务\n(三)健全组织架构体系各银行保险机构根据自身情况,将科技金融纳入规划。\n"
    )

    c = clause(doc, "(三)")
    assert c.title == "健全组织架构体系"
    assert c.body.startswith("各银行保险机构")


def test_non_actionable_clauses_are_kept_but_not_tasks():
    doc = parse_one(
        "某市行动方案\n\n一、总体要求\n(一)指导思想\n以新思想为指导。\n(二)主要目标\n到2027年，贷款余额突破5000亿元。\n"
        "二、主要任务\n(三)优化信贷供给。银行机构应加大投放。\n"
    )

    assert [(c.label, c.is_task) for c in doc.clauses] == [
        ("(一)", False),
        ("(二)", False),
        ("(三)", True),
    ]
    assert "指导思想" in doc.clauses[0].non_task_reason


def test_section_with_only_a_paragraph_is_not_a_task():
    doc = parse_one(
        "某市行动方案\n\n一、总体目标\n到2027年，设立专营机构50家以上。\n二、主要任务\n(一)实施培育行动\n"
        "1.强化基金引导。提高出资比例。(责任单位:市财政局)\n三、保障措施\n建立由市委金融办牵头的推进机制。\n"
    )

    assert [(c.label, c.title, c.is_task) for c in doc.clauses] == [
        ("一、", "总体目标", False),
        ("1.", "强化基金引导", True),
        ("三、", "保障措施", False),
    ]
    assert clause(doc, "1.").section_heading == "(一)实施培育行动"
    target = clause(doc, "一、").targets[0]
    assert (target.text, target.comparator, target.unit, target.deadline_date) == (
        "50家以上",
        "gte",
        "家",
        date(2027, 12, 31),
    )


def test_notice_wrapping_a_plan_gives_the_plan_title_and_notice_facts():
    doc = parse_one(
        "某市人民政府办公厅关于印发某市推动科技金融发展行动方案(2025-2027年)的通知\n\n某政办〔2025〕7号\n\n"
        "各区人民政府，市人民政府各部门：\n《某市推动科技金融发展行动方案(2025—2027年)》已经市人民政府同意，现印发给你们。\n\n"
        "某市人民政府办公厅\n2025年6月7日\n\n某市推动科技金融发展行动方案(2025—2027年)\n\n为推进工作，特制定本方案。\n"
        "一、主要任务\n1.强化基金引导。提高出资比例。(责任单位:市财政局)\n本方案自印发之日起施行。\n"
    )

    assert doc.title == "某市推动科技金融发展行动方案(2025—2027年)"
    assert doc.kind == "行动方案"
    assert doc.doc_number == "某政办〔2025〕7号"
    assert doc.addressees == ["各区人民政府", "市人民政府各部门"]
    assert doc.issuers == ["某市人民政府办公厅"]
    assert doc.issued_on == doc.effective_from == date(2025, 6, 7)


def test_bulletin_with_two_documents_between_news_articles():
    text = (
        "您当前所在位置:主页 > 简报\n简报·第1期\n\n上半年科技金融成效显著\n截至5月末，贷款增长12%。记者说。\n"
        "来源:科技日报 2025-07-14\n\n"
        "广州市人民政府关于印发广州市科技金融行动方案的通知\n\n穗府〔2025〕1号\n\n各区人民政府：\n现印发给你们。\n\n"
        "广州市人民政府\n2025年6月1日\n\n广州市科技金融行动方案\n\n为推进工作，制定本方案。\n一、主要任务\n"
        "（一）加强信贷服务。加大投放。（责任单位：市科技局）\n\n"
        "天津探路科技金融新路径\n记者从天津市获悉，方案公开征求意见。\n\n"
        "武汉市支持科技金融若干政策\n\n一、健全机构体系\n(一)建立专业机构\n推动银行设立机构。\n责任单位:市委金融办\n"
        "本文件自2025年7月1日起施行，有效期3年。\n"
    )

    parsed = parse_text(clean_text(text), source_name="bulletin.txt")

    assert [(d.title, d.jurisdiction) for d in parsed.documents] == [
        ("广州市科技金融行动方案", "广州市"),
        ("武汉市支持科技金融若干政策", "武汉市"),
    ]
    first, second = parsed.documents
    assert first.doc_number == "穗府〔2025〕1号"
    assert first.issuers == ["广州市人民政府"]
    assert [c.units for c in first.clauses] == [["市科技局"]]
    assert second.effective_from == date(2025, 7, 1)
    assert second.valid_years == 3
    assert second.valid_until == date(2028, 6, 30)
    assert second.clauses[0].body == "推动银行设立机构。"


def test_title_cut_over_two_lines_is_joined():
    doc = parse_one(
        "某市金融局关于印发《某市银行业科技金融高质量发展行动方案》的通知\n\n各银行机构:\n现印发给你们。\n\n某市金融局\n2025年5月7日\n\n"
        "某市银行业科技金融\n\n高质量发展行动方案\n\n一、主要任务\n(一)丰富信贷产品。银行机构应加大投放。\n"
    )

    assert doc.title == "某市银行业科技金融高质量发展行动方案"
    assert doc.addressees == ["各银行机构"]
    assert doc.issuers == ["某市金融局"]


def test_text_without_clauses_gives_no_documents():
    parsed = parse_text("这是一段新闻。没有任何编号条款。\n", source_name="news.txt")

    assert parsed.documents == []


def test_task_table_with_tab_separated_cells():
    doc = parse_one(
        "某区重点任务分解表\n序号\t重点任务\t具体内容\t牵头单位\t配合单位\t完成时限\n一、提升政务服务\n"
        "1\t推进一网通办\t实现高频事项全程网办。\t区政务服务数据局\t区发展改革局、区司法局\t2025年底前\n"
        "2\t优化审批流程\t压减审批时间不少于50%。\t区住房建设局\t\t长期\n"
    )

    first, second = doc.clauses
    assert (first.label, first.title, first.section_heading) == (
        "1",
        "推进一网通办",
        "一、提升政务服务",
    )
    assert first.lead_units == ["区政务服务数据局"]
    assert first.co_units == ["区发展改革局", "区司法局"]
    assert (first.deadline, first.deadline_date) == ("2025年底前", date(2025, 12, 31))
    assert second.units == ["区住房建设局"]
    assert (second.deadline, second.deadline_date) == ("长期", None)
    assert second.targets[0].text == "不少于50%"


def test_task_table_with_pipes():
    doc = parse_one(
        "| 序号 | 重点任务 | 牵头单位 | 配合单位 |\n|---|---|---|---|\n"
        "| 1 | 建设科技金融中心 | 市委金融办 | 市科技局、市财政局 |\n| 2 | 推动企业上市 | 市委金融办 | 各区人民政府 |\n"
    )

    assert [(c.label, c.title, c.units) for c in doc.clauses] == [
        ("1", "建设科技金融中心", ["市委金融办", "市科技局", "市财政局"]),
        ("2", "推动企业上市", ["市委金融办", "各区人民政府"]),
    ]


def test_task_table_flattened_one_cell_per_line():
    doc = parse_one(
        "工作任务清单\n序号\n工作任务\n工作措施\n责任单位\n完成时限\n1\n推进一网通办\n实现全程网办。\n"
        "区政务服务数据局牵头，区司法局配合\n2025年底前\n2\n优化审批流程\n区住房建设局\n年内\n"
    )

    first, second = doc.clauses
    assert (first.title, first.body, first.lead_units, first.co_units) == (
        "推进一网通办",
        "实现全程网办。",
        ["区政务服务数据局"],
        ["区司法局"],
    )
    assert (second.title, second.units, second.deadline) == (
        "优化审批流程",
        ["区住房建设局"],
        "年内",
    )
