"""Documents, sections and clauses: outline levels, odd numbering, non-tasks, notices, tables."""

from datetime import date

import pytest

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


@pytest.mark.parametrize(
    "closing",
    [
        "四、其他事项。本措施自2024年4月1日起施行，有效期3年。",
        "四、本政策由市科技局负责解释，自发布之日起施行。",
        "四、本办法自印发之日起实施",
        "四、附则\n本措施自2024年4月1日起施行，此前有关规定与本措施不一致的，以本措施为准。",
    ],
)
def test_closing_clause_is_not_a_task_whatever_its_heading(closing):
    doc = parse_one(
        "某市推动制造业高质量发展若干政策\n\n一、加大信贷支持力度。引导银行增加贷款。（责任单位：市金融办）\n"
        "二、强化用地保障。优先保障用地。（责任单位：市自然资源局）\n"
        "三、优化审批服务。压缩审批时限。（责任单位：市行政审批局）\n" + closing + "\n"
    )

    last = doc.clauses[-1]
    assert (last.label, last.is_task, last.units) == ("四、", False, [])
    assert last.non_task_reason
    assert [c.is_task for c in doc.clauses[:3]] == [True, True, True]


def test_a_clause_that_also_asks_for_action_is_still_a_task():
    doc = parse_one(
        "某市若干措施\n\n一、抓好落实。本措施自印发之日起施行，各区要抓好落实。\n二、加强宣传。做好政策解读。\n"
    )

    assert [c.is_task for c in doc.clauses] == [True, True]


def test_flat_document_whose_top_level_items_are_the_clauses():
    doc = parse_one(
        "某市金融支持实体经济若干措施\n\n为加大金融支持力度，制定本措施。\n"
        "一、加大信贷支持力度。引导银行增加制造业中长期贷款。（责任单位：市金融办、人民银行市分行）\n"
        "二、降低融资成本。推动贷款利率稳中有降。（责任单位：人民银行市分行）\n"
        "三、本措施自印发之日起施行。\n"
    )

    assert [(c.label, c.title, c.section_heading, c.units, c.is_task) for c in doc.clauses] == [
        ("一、", "加大信贷支持力度", None, ["市金融办", "人民银行市分行"], True),
        ("二、", "降低融资成本", None, ["人民银行市分行"], True),
        ("三、", None, None, [], False),
    ]


def test_articles_are_clauses():
    doc = parse_one(
        "某市支持科技创新若干政策\n\n第一条 支持研发投入。对企业研发投入给予补助。（责任单位：市科技局）\n"
        "第二条 支持人才引进。对引进人才给予奖励。（责任单位：市人社局）\n"
        "第三条 本政策由市科技局负责解释，自发布之日起施行。\n"
    )

    assert [(c.label, c.title, c.units, c.is_task) for c in doc.clauses] == [
        ("第一条", "支持研发投入", ["市科技局"], True),
        ("第二条", "支持人才引进", ["市人社局"], True),
        ("第三条", None, [], False),
    ]


def test_full_width_numbers_and_heading_ending_with_a_semicolon():
    doc = parse_one(
        "某省促进民营经济发展若干措施\n\n一、优化发展环境\n１．持续破除市场准入壁垒；\n"
        "全面落实市场准入负面清单制度。（责任单位：省发展改革委）\n"
        "２．强化公平竞争审查\n开展政策措施清理。（省市场监管局牵头，省司法厅配合）\n"
    )

    assert [(c.label, c.title, c.body, c.section_heading) for c in doc.clauses] == [
        ("１．", "持续破除市场准入壁垒", "全面落实市场准入负面清单制度。", "一、优化发展环境"),
        ("２．", "强化公平竞争审查", "开展政策措施清理。", "一、优化发展环境"),
    ]


def test_sub_items_under_one_note_are_the_body_of_their_clause():
    doc = parse_one(
        "某省促进民营经济发展若干措施\n\n二、加大要素支持\n3．加强融资支持。扩大民营企业贷款规模：\n"
        "(1)推动银行机构加大首贷投放；\n(2)扩大政府性融资担保覆盖面。\n"
        "（责任单位：人民银行某省分行、省财政厅）\n4．保障用地需求。\n①优先保障重点项目用地；\n"
        "②盘活存量低效用地。\n（省自然资源厅、省发展改革委按职责分工负责）\n"
    )

    assert [(c.label, c.title, c.units) for c in doc.clauses] == [
        ("3．", "加强融资支持", ["人民银行某省分行", "省财政厅"]),
        ("4．", "保障用地需求", ["省自然资源厅", "省发展改革委"]),
    ]
    body = clause(doc, "3．").body
    assert body.startswith("扩大民营企业贷款规模：") and body.endswith("担保覆盖面。")
    assert clause(doc, "4．").body == "①优先保障重点项目用地；\n②盘活存量低效用地。"


def test_sub_items_with_notes_of_their_own_stay_clauses():
    doc = parse_one(
        "某省行动方案\n\n一、重点任务\n（一）提升服务能力。围绕以下方面开展工作：\n"
        "1.组建服务机构。鼓励设立支行。（责任单位：省金融局）\n2.丰富金融产品。推出新产品。（责任单位：人民银行某省分行）\n"
    )

    assert [(c.label, c.section_heading) for c in doc.clauses] == [
        ("1.", "（一）提升服务能力"),
        ("2.", "（一）提升服务能力"),
    ]


def test_table_after_its_heading_and_text_after_the_table():
    doc = parse_one(
        "某市推进数字政府建设\n\n实施方案\n\n为加快推进数字政府建设，制定本方案。\n一、工作目标\n"
        "到2025年底，全程网办率达到90%以上。\n二、重点任务\n"
        "序号 | 重点任务 | 工作措施 | 牵头单位 | 配合单位 | 完成时限\n"
        "1 | 推进一网通办 | 实现全程网办。 | 市政务服务数据局 | 市发展改革委、市司法局 | 2025年12月底前\n"
        "2 | 建设城市大脑 | 建设运行中枢。 | 市大数据中心 | 各区、县（市）人民政府 | 长期\n"
        "三、保障措施\n加强组织领导，建立工作专班。\n附件：1.重点任务分解表\n2.数字政府建设指标体系\n"
    )

    assert doc.title == "某市推进数字政府建设实施方案"
    tasks = [(c.label, c.section_heading, c.title, c.units) for c in doc.clauses if c.is_task]
    assert tasks == [
        ("1", "二、重点任务", "推进一网通办", ["市政务服务数据局", "市发展改革委", "市司法局"]),
        ("2", "二、重点任务", "建设城市大脑", ["市大数据中心", "各区、县（市）人民政府"]),
    ]
    assert clause(doc, "2").body == "建设运行中枢。"
    assert [c.label for c in doc.clauses if not c.is_task] == ["一、", "三、"]


def test_table_one_cell_per_line_ends_at_the_next_part():
    doc = parse_one(
        "某市推进数字政府建设实施方案\n一、重点任务\n序号\n重点任务\n工作措施\n牵头单位\n配合单位\n完成时限\n"
        "1\n推进一网通办\n实现全程网办。\n市政务服务数据局\n市司法局\n2025年12月底前\n"
        "2\n强化数据安全\n落实分类分级保护。\n市委网信办\n市公安局\n长期\n"
        "二、保障措施\n加强组织领导，建立工作专班。\n"
    )

    assert [(c.label, c.section_heading, c.units, c.is_task) for c in doc.clauses] == [
        ("1", "一、重点任务", ["市政务服务数据局", "市司法局"], True),
        ("2", "一、重点任务", ["市委网信办", "市公安局"], True),
        ("二、", None, [], False),
    ]
    assert clause(doc, "2").deadline == "长期"


def test_notice_addressees_with_collective_county_names_and_attachment_list():
    doc = parse_one(
        "某市人民政府关于印发某市推动制造业高质量发展若干政策的通知\n某政规〔2024〕3号\n"
        "各区、县（市）人民政府，市政府各部门、各直属单位：\n现将《某市推动制造业高质量发展若干政策》印发给你们。\n"
        "附件：某市推动制造业高质量发展若干政策\n某市人民政府\n2024年3月1日\n\n"
        "某市推动制造业高质量发展若干政策\n\n一、加大信贷支持力度。增加贷款。（责任单位：市金融办、各区、县（市）人民政府）\n"
    )

    assert doc.addressees == ["各区、县（市）人民政府", "市政府各部门", "各直属单位"]
    assert doc.clauses[0].units == ["市金融办", "各区、县（市）人民政府"]


def test_closing_paragraph_under_the_last_clause_is_not_its_body():
    doc = parse_one(
        "某市关于促进消费的若干措施\n一、促进汽车消费。开展汽车促销活动。\n二、扩大家电消费。支持家电以旧换新。\n"
        "本措施自2024年1月1日起施行，有效期2年。\n"
    )

    assert doc.clauses[-1].body == "支持家电以旧换新。"
    assert (doc.effective_from, doc.valid_years) == (date(2024, 1, 1), 2)


def test_title_cut_before_the_notice_word():
    doc = parse_one(
        "某市人民政府办公厅关于印发《某市推进数字政府建设实施方案》\n的通知\n各区人民政府：\n现印发给你们。\n"
        "某市人民政府办公厅\n2025年1月2日\n\n某市推进数字政府建设实施方案\n"
        "一、重点任务\n（一）推进一网通办。实现全程网办。（责任单位：市政务服务数据局）\n"
    )

    assert doc.title == "某市推进数字政府建设实施方案"
    assert doc.issuers == ["某市人民政府办公厅"]
    assert doc.addressees == ["各区人民政府"]


def test_table_unit_cell_with_a_role_mark():
    doc = parse_one(
        "某区优化营商环境实施方案\n序号\t重点任务\t工作措施\t责任单位\t完成时限\n"
        "1\t推进一网通办\t实现全程网办。\t区政务服务数据局（牵头）、区司法局\t2025年底前\n"
    )

    (c,) = doc.clauses
    assert (c.lead_units, c.co_units) == (["区政务服务数据局"], ["区司法局"])


def test_provincial_document_is_the_province_even_when_it_cites_other_places():
    doc = parse_one(
        "浙江省人民政府办公厅关于加快推进科技金融深度融合的实施意见\n浙政办发〔2024〕12号\n"
        "各市、县（市、区）人民政府，省政府直属各单位：\n"
        "为实施创新驱动发展战略，借鉴北京、上海、深圳等地经验，现提出如下意见。\n一、重点任务\n"
        "（一）加大科技信贷投放。引导银行机构单列科技信贷计划。（责任单位：人民银行浙江省分行、省财政厅，"
        "各市人民政府按职责分工负责）\n"
        "（二）优化融资担保。扩大政府性融资担保覆盖面。（责任单位：省财政厅、省科技厅）\n"
    )

    assert doc.jurisdiction == "浙江省"
    assert clause(doc, "（一）").units == ["人民银行浙江省分行", "省财政厅", "各市人民政府"]


def test_city_document_citing_other_cities_stays_with_its_city():
    doc = parse_one(
        "深圳市关于金融支持科技创新的实施意见\n\n学习北京、上海经验，借鉴北京中关村、上海张江、"
        "北京市海淀区和上海市浦东新区做法，制定本意见。\n一、重点任务\n"
        "（一）优化科技信贷。银行要加大投放。（责任单位：市科技创新委）\n"
    )

    assert doc.jurisdiction == "深圳市"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            "深圳市南山区人民政府关于印发《南山区促进科技金融发展若干措施》的通知\n各街道办事处，区政府各部门：\n"
            "现将《南山区促进科技金融发展若干措施》印发给你们。\n深圳市南山区人民政府\n2024年4月10日\n"
            "南山区促进科技金融发展若干措施\n",
            "深圳市南山区",
        ),
        ("南山区促进科技金融发展若干措施\n", "南山区"),
    ],
)
def test_district_document_is_the_district_with_its_city_when_printed(head, expected):
    # District units (区科技局) mean a different body in each district: the jurisdiction is
    # the district, prefixed with its city when the text prints the city with it.
    parsed = parse_text(
        clean_text(
            head
            + "一、支持科技信贷\n（一）贴息支持。按照贷款利息的50%给予贴息。（责任单位：区科技创新局、区财政局）\n"
            "（二）担保费补贴。给予担保费补贴。（责任单位：区发展改革局，各街道办事处配合）\n"
        )
    )

    assert [d.jurisdiction for d in parsed.documents] == [expected]


def test_measures_under_a_clause_fold_when_one_note_closes_them_all():
    doc = parse_one(
        "广州市加快发展科技金融行动计划\n\n为加快建设科技金融中心，制定本行动计划。\n一、主要任务\n"
        "（一）壮大科技信贷规模\n1.扩大信贷投放。引导银行机构加大信贷支持。\n2.创新信贷产品。推广知识产权质押贷款。\n"
        "（责任单位：市地方金融监管局、市科技局）\n"
        "（二）拓宽股权融资渠道\n1.做大引导基金。扩大基金规模。（责任单位：市财政局）\n"
        "2.推动企业上市。加强上市培育。（责任单位：市地方金融监管局）\n"
    )

    tasks = [(c.label, c.section_heading, c.title, c.units) for c in doc.clauses if c.is_task]
    assert tasks == [
        ("（一）", "一、主要任务", "壮大科技信贷规模", ["市地方金融监管局", "市科技局"]),
        ("1.", "（二）拓宽股权融资渠道", "做大引导基金", ["市财政局"]),
        ("2.", "（二）拓宽股权融资渠道", "推动企业上市", ["市地方金融监管局"]),
    ]
    assert clause(doc, "（一）").body.startswith("1.扩大信贷投放")


def test_safeguard_items_without_notes_are_tasks_without_units():
    # As in the gold: a numbered item asks for action even without a note (its units are the
    # addressees); an unnumbered paragraph under a heading is not a task.
    doc = parse_one(
        "某市科技金融行动计划\n\n一、主要任务\n1.扩大信贷投放。引导银行加大支持。（责任单位：市科技局）\n"
        "二、保障措施\n1.加强组织领导。成立工作专班。\n2.强化督促检查。定期通报进展。\n"
        "三、宣传引导\n加大宣传力度，总结推广典型经验。\n"
    )

    assert [(c.title, c.is_task, c.units) for c in doc.clauses] == [
        ("扩大信贷投放", True, ["市科技局"]),
        ("加强组织领导", True, []),
        ("强化督促检查", True, []),
        ("宣传引导", False, []),
    ]


def test_signature_after_the_closing_paragraph_belongs_to_the_document():
    doc = parse_one(
        "某省关于推进科技金融的实施意见\n\n一、保障措施\n（一）加强组织领导。建立协调机制。\n"
        "（二）强化督促检查。将落实情况纳入年度考核。\n"
        "本意见自2024年5月1日起施行，有效期至2026年12月31日。\n\n浙江省人民政府办公厅\n二〇二四年三月五日\n"
    )

    last = clause(doc, "（二）")
    assert (last.body, last.deadline) == ("将落实情况纳入年度考核。", None)
    assert doc.issuers == ["浙江省人民政府办公厅"]
    assert (doc.issued_on, doc.effective_from, doc.valid_until) == (
        date(2024, 3, 5),
        date(2024, 5, 1),
        date(2026, 12, 31),
    )


def test_safeguard_items_in_a_style_that_heads_measures_elsewhere_are_tasks():
    doc = parse_one(
        "成都市推进科技金融发展行动计划\n（2024年3月5日）\n\n一、主要任务\n（一）实施科技信贷扩面行动\n"
        "1.扩大首贷覆盖面。开展首贷服务。（责任单位：市金融工作局）\n"
        "2.推广质押融资。建立风险补偿资金池。（责任单位：市市场监管局）\n"
        "二、保障措施\n（一）加强组织领导。成立工作领导小组。\n（二）强化督促检查。加强督查。\n"
        "本行动计划自印发之日起施行。\n"
    )

    assert [(c.label, c.title, c.is_task) for c in doc.clauses] == [
        ("1.", "扩大首贷覆盖面", True),
        ("2.", "推广质押融资", True),
        ("（一）", "加强组织领导", True),
        ("（二）", "强化督促检查", True),
    ]
    # 自印发之日起施行 takes the issue date printed in brackets under the title.
    assert (doc.issued_on, doc.effective_from) == (date(2024, 3, 5), date(2024, 3, 5))


def test_district_articles_signed_by_the_district_government():
    doc = parse_one(
        "关于促进科技金融发展的若干措施\n\n"
        "第一条 支持科技信贷。对科技型企业贷款给予贴息。责任单位：区科技局、区财政局。\n"
        "第二条 支持股权融资。对创投机构给予奖励。责任单位：区发展改革局、各街道办事处。\n"
        "第三条 本措施由区科技局负责解释，自2024年6月1日起施行，有效期3年。\n\n"
        "广州市黄埔区人民政府\n2024年5月20日\n"
    )

    assert (doc.jurisdiction, doc.issuers) == ("广州市黄埔区", ["广州市黄埔区人民政府"])
    assert [(c.label, c.is_task) for c in doc.clauses] == [
        ("第一条", True),
        ("第二条", True),
        ("第三条", False),
    ]
    assert (doc.effective_from, doc.valid_years) == (date(2024, 6, 1), 3)


def test_principles_under_an_aims_section_are_not_tasks():
    doc = parse_one(
        "某市关于推动科技金融发展的实施意见\n\n一、总体要求\n\n"
        "（一）坚持市场主导。充分发挥市场在资源配置中的决定性作用。\n\n"
        "二、重点任务\n\n"
        "（二）加大信贷支持。鼓励银行加大科技信贷投放。（责任单位：市地方金融监管局）\n\n"
        "三、保障措施\n\n"
        "（三）加强组织领导。建立工作协调机制。\n"
    )
    principle, credit, safeguard = doc.clauses
    assert not principle.is_task and "aims" in principle.non_task_reason
    assert credit.is_task and credit.units == ["市地方金融监管局"]
    # safeguards ask for action even without a unit note (as the gold reads 001)
    assert safeguard.is_task and safeguard.units == []
