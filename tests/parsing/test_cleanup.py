"""clean_text: web chrome, page numbers and artifacts removed, cut lines mended."""

from clauses.readers.cleanup import clean_text


def test_web_chrome_is_removed():
    text = (
        "您当前所在位置:主页 > 实时动态 > 简报\n某市关于印发方案的通知\n更新时间:2025-05-14    来源:某局\n"
        "发布时间：2025-05-14 浏览次数：12\n正文第一段。\n【打印本页】【关闭窗口】\n"
    )

    assert clean_text(text) == "某市关于印发方案的通知\n正文第一段。"


def test_footer_block_is_removed():
    text = (
        "（二十五）加大宣传推广。营造良好氛围。\n\n+0755-86187999\nservice@example.com\n了解我们\n\n平台介绍\n"
        "Copyright © 2014 版权所有 备案序号: 粤ICP备14025247号"
    )

    assert clean_text(text) == "（二十五）加大宣传推广。营造良好氛围。"


def test_page_numbers_and_bookmarks_are_removed():
    text = "第一段结束。\n\n— 3 —\n\n-4-\n\n第5页\n\n6\n\n[bookmark: _GoBack]20.做好监测通报。继续监测。"

    assert clean_text(text) == "第一段结束。\n\n20.做好监测通报。继续监测。"


def test_whitespace_is_normalised():
    assert clean_text(
        "\ufeff\u3000\u3000一、总体要求\r\n\u00a0（一）指导思想。 以新思想为指导。\r\n"
    ) == ("一、总体要求\n（一）指导思想。 以新思想为指导。")


def test_sentence_cut_by_a_page_break_is_joined():
    text = "（二）扩大债券发行规模。创新债券市场服务科技型企业新模式，优化受理审核等业务流程，探索\n\n“投资人选择、发行人付费”的机制。"

    assert clean_text(text) == (
        "（二）扩大债券发行规模。创新债券市场服务科技型企业新模式，优化受理审核等业务流程，探索“投资人选择、发行人付费”的机制。"
    )


def test_unit_name_cut_by_a_page_break_is_joined():
    assert clean_text("（十六）发展服务市场。培育市场。（责任单位：市市\n\n场监管局、越秀区)") == (
        "（十六）发展服务市场。培育市场。（责任单位：市市场监管局、越秀区)"
    )


def test_short_cut_line_with_a_comma_is_joined():
    text = "扩大资金池覆盖面，支持具备\n\n条件的区叠加资金池，设立区级风险补偿机制，形成叠加效应。"

    assert (
        clean_text(text)
        == "扩大资金池覆盖面，支持具备条件的区叠加资金池，设立区级风险补偿机制，形成叠加效应。"
    )


def test_headings_and_titles_stay_on_their_own_lines():
    text = (
        "某市银行业科技金融\n\n高质量发展行动方案\n\n一、总体要求\n(一)指导思想\n以新思想为指导。\n"
        "(五)完善科技金融中介服务体系\n吸引中介机构展业。\n责任单位:市发展改革委、市委金融办\n本文件自印发之日起施行。"
    )

    assert clean_text(text).split("\n") == [
        "某市银行业科技金融",
        "",
        "高质量发展行动方案",
        "",
        "一、总体要求",
        "(一)指导思想",
        "以新思想为指导。",
        "(五)完善科技金融中介服务体系",
        "吸引中介机构展业。",
        "责任单位:市发展改革委、市委金融办",
        "本文件自印发之日起施行。",
    ]


def test_table_cells_on_lines_of_their_own_are_not_joined():
    text = "序号\n工作任务\n责任单位\n完成时限\n1\n推进一网通办\n区数据局牵头，区司法局配合\n2025年底前"

    assert clean_text(text) == text


def test_page_number_lines_inside_a_clause_are_removed_and_the_cut_mended():
    text = (
        "（七）完善统计监测。建立服务业统计监测制度，定期发布运行\n- 3 -\n情况分析报告。\n"
        "（八）加大金融支持。引导金融机构创新金融产品和服务方式，满足企业多样\n第 3 页 共 10 页\n"
        "化融资需求。"
    )

    assert clean_text(text).split("\n") == [
        "（七）完善统计监测。建立服务业统计监测制度，定期发布运行情况分析报告。",
        "（八）加大金融支持。引导金融机构创新金融产品和服务方式，满足企业多样化融资需求。",
    ]


def test_site_owner_line_is_footer_only_beside_other_footer_lines():
    clause_note = "（一）加强统筹。统筹推进。\n主办单位：市商务局"
    footer = "正文结束。\n\n主办单位：某市人民政府办公厅\n网站标识码：1234567890\n"

    assert clean_text(clause_note) == clause_note
    assert clean_text(footer) == "正文结束。"


def test_marker_line_cut_inside_a_name_is_joined_but_a_signature_is_not():
    assert clean_text("责任单位：区科技局、区\n市场监管局\n完成时限：持续推进") == (
        "责任单位：区科技局、区市场监管局\n完成时限：持续推进"
    )
    assert clean_text("责任单位：区科技局\n南山区人民政府") == "责任单位：区科技局\n南山区人民政府"
