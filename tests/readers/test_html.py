"""Saved web pages: visible text only, tables kept as rows."""

import pytest

from clauses.readers.html import declared_charset, extract_html, html_to_text

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>网站标题</title><style>.x { color: red }</style>
<script>var tracker = "统计代码";</script></head>
<body>
<nav><a href="/">首页</a> | <a href="/zwgk">政务公开</a></nav>
<header>深圳市人民政府门户网站</header>
<div class="hidden">隐藏类</div>
<div style="DISPLAY: none;">隐藏样式</div>
<p hidden>隐藏属性</p>
<article>
  <header><h1>关于加快推进金融科技发展的实施意见</h1></header>
  <p>各区人民政府，市直各单位：</p>
  <p>一、总体要求<br>（一）市地方金融监管局牵头，
     2025年底前完成。</p>
  <table>
    <thead><tr><th>序号</th><th>任务</th><th>牵头单位</th></tr></thead>
    <tbody><tr><td>1</td><td><p>推进</p><p>试点</p></td><td>市地方金融监管局</td></tr></tbody>
  </table>
  <ul><li>二、重点任务</li></ul>
</article>
<noscript>请启用脚本</noscript>
<aside>相关链接</aside>
<form><input value="搜索"></form>
<footer>版权所有 &copy; 深圳市人民政府</footer>
</body></html>
"""


def test_visible_text_only():
    text, encoding = extract_html(PAGE.encode("gbk"))
    assert encoding == "gb18030"
    assert text.split("\n") == [
        "关于加快推进金融科技发展的实施意见",
        "各区人民政府，市直各单位：",
        "一、总体要求",
        "（一）市地方金融监管局牵头，2025年底前完成。",
        "序号 | 任务 | 牵头单位",
        "1 | 推进 试点 | 市地方金融监管局",
        "二、重点任务",
    ]


def test_read_document_on_html(read):
    result = read(PAGE.encode("utf-8").replace(b"gb2312", b"utf-8"), "page.htm")
    assert result.format == "html"
    assert result.encoding == "utf-8"
    assert "市地方金融监管局牵头" in result.text
    assert "统计代码" not in result.text
    assert "版权所有" not in result.text


def test_wrong_meta_charset_falls_back_to_detection():
    # Declared UTF-8, saved as GBK: a common mistake of older portals.
    page = '<html><meta charset="utf-8"><body><p>市科技创新局</p></body></html>'
    assert extract_html(page.encode("gbk")) == ("市科技创新局", "gb18030")


def test_html_is_detected_without_an_html_name(read):
    page = "\ufeff  <div><p>第一段</p><p>第二段</p></div>".encode()
    result = read(page, "download")
    assert result.format == "html"
    assert "第一段" in result.text


def test_layout_table_keeps_paragraphs_apart():
    page = "<table><tr><td><p>甲段</p><p>乙段</p></td></tr></table>"
    assert html_to_text(page) == "甲段\n乙段"


def test_nested_layout_tables():
    page = (
        "<table><tr><td>栏目</td><td><table><tr><td>1</td><td>任务</td></tr></table>"
        "</td></tr></table>"
    )
    assert html_to_text(page) == "栏目\n1 | 任务"


def test_deep_nesting_does_not_recurse():
    page = "<div>" * 5000 + "正文" + "</div>" * 5000
    assert "正文" in html_to_text(page)


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<meta charset="GBK">', "GBK"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', "gb2312"),
        (b'<?xml version="1.0" encoding="UTF-8"?><html>', "UTF-8"),
        (b"<html><body>", None),
    ],
)
def test_declared_charset(head, charset):
    assert declared_charset(head) == charset


def test_rowspan_repeats_the_cell_in_each_row():
    page = """<table>
      <tr><th>序号</th><th>任务</th><th>牵头单位</th><th>时限</th></tr>
      <tr><td>1</td><td>推进试点</td><td rowspan="2">市地方金融监管局</td><td>2025年</td></tr>
      <tr><td>2</td><td>完善设施</td><td>持续推进</td></tr>
      <tr><td colspan="2">合计</td><td>两项</td><td rowspan="9">—</td></tr>
      <tr><td>3</td><td>收尾</td><td>市科技创新局</td></tr>
    </table>"""
    assert html_to_text(page).split("\n") == [
        "序号 | 任务 | 牵头单位 | 时限",
        "1 | 推进试点 | 市地方金融监管局 | 2025年",
        "2 | 完善设施 | 市地方金融监管局 | 持续推进",
        "合计 | 两项 | —",
        "3 | 收尾 | 市科技创新局 | —",
    ]
