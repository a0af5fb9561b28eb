"""The bulletin (通报) of an evaluation period, as a .docx laid out after GB/T 9704.

Layout (as far as python-docx reaches): A4, margins 37/35/28/26 mm (top/bottom/left/right);
title in 方正小标宋简体 二号 (22 pt), centred; the 主送 line; body in 仿宋_GB2312 三号 (16 pt) at
an exact 28 pt line pitch with a two-character first-line indent; parts numbered 一、二、 in
黑体 and sub-parts （一）（二） in 楷体_GB2312; the issuer (落款) and the date right-aligned;
page numbers "— 1 —" in the footer, right on odd pages and left on even pages.

Fonts are named, not embedded: the font table gives each one an ``altName`` (宋体, 仿宋, 楷体),
which Word uses when the GB font is not installed. The figures come from the period's
snapshot rows; the overdue list from the assignments the rollup counted as overdue.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from reports.choices import AppealStatus
from reports.models import Appeal, EvaluationSnapshot

from . import chinese_date, document_time, figures_as_of, percent, period_end_at

# (font name, alternative when it is missing)
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING_FONT = ("黑体", "SimHei")
SUBHEADING_FONT = ("楷体_GB2312", "楷体")
TABLE_FONT = ("仿宋_GB2312", "仿宋")
LATIN_FONT = "Times New Roman"

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE_PITCH = Pt(28)
INDENT = Pt(32)  # two characters of 三号

NUMERALS = "零一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99, enough for parts and sub-parts)."""
    if n < 11:
        return NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens] if tens > 1 else "") + "十" + (NUMERALS[ones] if ones else "")


# --- the data ------------------------------------------------------------------------------


@dataclass
class OverdueItem:
    label: str
    title: str
    due: object  # date or None
    document: str


@dataclass
class BulletinData:
    period: object
    rows: list  # overall EvaluationSnapshot rows in rank order, unit selected
    overdue: dict = field(default_factory=dict)  # unit id → [OverdueItem]
    appeals: list = field(default_factory=list)  # decided Appeal rows
    corrections: list = field(default_factory=list)  # (unit name, note line)
    documents: int = 0  # documents of the period (titles are printed when several)


def overdue_assignments(period):
    """The assignments the rollup counted as overdue at the period's *as of* moment.

    Same definition as ``reports.services`` (not done, evaluation due date before the
    cutoff day), built on its counted-assignment query so the two cannot drift apart.
    """
    from reports.services import _counted_assignments

    as_of = figures_as_of(period)
    start_at = timezone.make_aware(datetime.combine(period.start, time.min))
    cutoff_day = (
        period.end + timedelta(days=1)
        if as_of >= period_end_at(period)
        else timezone.localdate(as_of)
    )
    not_done = (Q(task__closed_at__isnull=True) | Q(task__closed_at__gte=as_of)) & (
        Q(accepted_at__isnull=True) | Q(accepted_at__gte=as_of)
    )
    return (
        _counted_assignments(period, start_at=start_at, as_of=as_of)
        .filter(not_done, eval_due__lt=cutoff_day)
        .select_related("task__document")
        .order_by("unit_id", "task__document_id", "task__order", "pk")
    )


def bulletin_data(period) -> BulletinData:
    """Everything the bulletin prints, in a constant number of queries."""
    rows = list(
        EvaluationSnapshot.objects.filter(period=period, document__isnull=True)
        .select_related("unit")
        .order_by(F("rank").asc(nulls_last=True), "unit__name", "unit_id")
    )
    data = BulletinData(period=period, rows=rows)
    data.documents = (
        EvaluationSnapshot.objects.filter(period=period, document__isnull=False)
        .values("document_id")
        .distinct()
        .count()
    )
    for a in overdue_assignments(period):
        data.overdue.setdefault(a.unit_id, []).append(
            OverdueItem(
                label=a.task.label,
                title=a.task.title,
                due=a.eval_due,
                document=a.task.document.title,
            )
        )
    data.appeals = list(
        Appeal.objects.filter(
            snapshot__period=period, status__in=[AppealStatus.UPHELD, AppealStatus.CORRECTED]
        )
        .select_related("snapshot__unit", "snapshot__document")
        .order_by("decided_at", "id")
    )
    seen = set()
    for s in (
        EvaluationSnapshot.objects.filter(period=period, corrected=True)
        .select_related("unit")
        .order_by("unit__name", "unit_id", F("document_id").asc(nulls_first=True))
    ):
        for line in filter(None, (x.strip() for x in s.correction_note.splitlines())):
            if (s.unit_id, line) not in seen:
                seen.add((s.unit_id, line))
                data.corrections.append((s.unit.name, line))
    return data


# --- typesetting helpers -------------------------------------------------------------------


def _set_fonts(rpr_owner, font: tuple[str, str], size=None, bold=None):
    """Set the Latin and East Asian font (w:rFonts eastAsia) of a run or a style."""
    rpr_owner.font.name = LATIN_FONT
    if size is not None:
        rpr_owner.font.size = size
    if bold is not None:
        rpr_owner.font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), font[0])
    rfonts.set(qn("w:hint"), "eastAsia")


def _spacing(paragraph, *, exact=LINE_PITCH, indent=INDENT, align=None, before=0, after=0):
    fmt = paragraph.paragraph_format
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    fmt.first_line_indent = indent
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if align is not None:
        paragraph.alignment = align
    return fmt


def _para(doc, text="", *, font=BODY_FONT, size=BODY_SIZE, bold=None, **spacing):
    paragraph = doc.add_paragraph()
    _spacing(paragraph, **spacing)
    if text:
        _set_fonts(paragraph.add_run(text), font, size, bold)
    return paragraph


def _runs(paragraph, parts):
    """Add (text, font) runs to one paragraph: a 楷体 lead-in followed by 仿宋 text."""
    for text, font in parts:
        _set_fonts(paragraph.add_run(text), font, BODY_SIZE)


def _heading(doc, number: int, text: str):
    return _para(doc, f"{chinese_number(number)}、{text}", font=HEADING_FONT)


def _page_number(paragraph):
    """ "— PAGE —" with a field, in 宋体 四号."""

    def run(text=None):
        r = paragraph.add_run(text)
        _set_fonts(r, ("宋体", "SimSun"), PAGE_NUMBER_SIZE)
        return r

    run("— ")
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run()._r.append(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run()._r.append(separate)
    run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run()._r.append(end)
    run(" —")


def _setup_page(doc):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    _spacing(odd, exact=None, indent=0, align=WD_ALIGN_PARAGRAPH.RIGHT)
    odd.paragraph_format.right_indent = Pt(14)  # 单页码居右空一字
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    _spacing(even, exact=None, indent=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    even.paragraph_format.left_indent = Pt(14)  # 双页码居左空一字
    _page_number(even)

    normal = doc.styles["Normal"]
    _set_fonts(normal, BODY_FONT, BODY_SIZE)
    table_style = doc.styles["Table Grid"]
    _set_fonts(table_style, TABLE_FONT, TABLE_SIZE)


def _font_table(doc):
    """Declare the GB fonts with an alternative name (used by Word when one is missing)."""
    part = next(
        rel.target_part
        for rel in doc.part.rels.values()
        if rel.reltype.endswith("/fontTable") and not rel.is_external
    )
    root = parse_xml(part.blob)
    for name, alt in (TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, ("宋体", "SimSun")):
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cell(cell, text, *, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0]
    _spacing(paragraph, exact=Pt(20), indent=0, align=align)
    _set_fonts(paragraph.add_run(text), HEADING_FONT if bold else TABLE_FONT, TABLE_SIZE)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


RANKING_COLUMNS = (
    # (header, width in mm)
    (lambda: _("Rank"), 14),
    (lambda: _("Unit"), 58),
    (lambda: _("Score"), 18),
    (lambda: _("On-time report rate"), 24),
    (lambda: _("Completion rate"), 22),
    (lambda: _("Tasks overdue"), 20),
)


def ranking_headers() -> list[str]:
    return [header() for header, _width in RANKING_COLUMNS]


def _ranking_table(doc, rows):
    table = doc.add_table(rows=1, cols=len(RANKING_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, (header, width) in zip(table.rows[0].cells, RANKING_COLUMNS, strict=True):
        cell.width = Mm(width)
        _cell(cell, header(), bold=True)
    _repeat_header(table.rows[0])
    for s in rows:
        values = [
            "" if s.rank is None else str(s.rank),
            s.unit.name,
            f"{s.score}",
            percent(s.on_time_rate) if s.reports_due else "—",
            percent(s.completion_rate) if s.tasks_assigned else "—",
            str(s.tasks_overdue),
        ]
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = Mm(RANKING_COLUMNS[index][1])
            _cell(cell, value, align=WD_ALIGN_PARAGRAPH.LEFT if index == 1 else None)
    return table


def _mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def _half(period) -> str:
    return _("first half") if period.start.month == 1 else _("second half")


def bulletin_title(period) -> str:
    title = _("Bulletin on the tracking evaluation of key tasks for the {half} of {year}").format(
        half=_half(period), year=period.start.year
    )
    if not period.is_published:
        title += _(" (draft for review)")
    return title


def default_issuer(period) -> str:
    configured = getattr(settings, "BULLETIN_ISSUER", "")
    template = configured or _("{jurisdiction} steering office for key tasks")
    return template.format(jurisdiction=period.jurisdiction.name)


# --- the document --------------------------------------------------------------------------


def build_bulletin(
    period, *, issuer: str | None = None, addressees: list[str] | None = None, now=None
) -> bytes:
    """The bulletin of ``period`` as .docx bytes; the same data gives the same bytes.

    ``issuer`` signs it (default: ``settings.BULLETIN_ISSUER`` or "<jurisdiction> steering
    office"); ``addressees`` make the 主送 line (default "All units concerned"); ``now`` dates
    it (default: the publication, else the computation, else the period end).
    """
    from . import stable_zip

    data = bulletin_data(period)
    issuer = issuer or default_issuer(period)
    dated = now or period.published_at or period.computed_at or figures_as_of(period)
    day = timezone.localdate(dated) if hasattr(dated, "hour") else dated
    title = bulletin_title(period)

    doc = Document()
    _setup_page(doc)
    _font_table(doc)

    # 标题 and 主送
    _para(doc, title, font=TITLE_FONT, size=TITLE_SIZE, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, indent=0)
    main_to = "、".join(addressees) if addressees else _("All units concerned")
    _para(doc, f"{main_to}：", indent=0)

    rows = data.rows
    as_of_day = figures_as_of(period) - timedelta(microseconds=1)
    _para(
        doc,
        _(
            "In accordance with the work arrangements, the tracking evaluation of key tasks "
            "from {start} to {end} has been completed (figures as of {as_of}). The results "
            "are announced as follows."
        ).format(
            start=chinese_date(period.start),
            end=chinese_date(period.end),
            as_of=chinese_date(timezone.localdate(as_of_day)),
        ),
    )

    # 一、总体情况
    _heading(doc, 1, _("Overall situation"))
    total = {
        name: sum(getattr(s, name) for s in rows)
        for name in (
            "tasks_assigned",
            "tasks_done",
            "tasks_overdue",
            "reports_due",
            "reports_on_time",
            "reports_late",
            "reports_missing",
        )
    }
    on_time = _mean(s.on_time_rate for s in rows if s.reports_due)
    completion = _mean(s.completion_rate for s in rows if s.tasks_assigned)
    _para(
        doc,
        _(
            "{units} units were evaluated. They were assigned {tasks_assigned} tasks, of which "
            "{tasks_done} were done and {tasks_overdue} were overdue. {reports_due} progress "
            "reports were due: {reports_on_time} on time, {reports_late} late and "
            "{reports_missing} missing. The average on-time report rate of the units was "
            "{on_time}, and their average completion rate {completion}."
        ).format(
            units=len(rows), on_time=percent(on_time), completion=percent(completion), **total
        ),
    )

    # 二、单位排名
    _heading(doc, 2, _("Ranking of units"))
    _para(
        doc,
        _(
            "The units are ranked by their evaluation score (see part {part} for the method)."
        ).format(part=chinese_number(5)),
    )
    _ranking_table(doc, rows)

    # 三、逾期任务
    _heading(doc, 3, _("Overdue tasks"))
    # in rank order; every counted assignment's unit has an overall row
    overdue_units = [s.unit for s in rows if s.unit_id in data.overdue]
    if not data.overdue:
        _para(doc, _("No task was overdue at the end of the period."))
    else:
        _para(
            doc,
            _("{count} tasks of {units} units were overdue at the end of the period:").format(
                count=sum(len(items) for items in data.overdue.values()),
                units=len(data.overdue),
            ),
        )
    for number, unit in enumerate(overdue_units, start=1):
        _para(doc, f"（{chinese_number(number)}）{unit.name}", font=SUBHEADING_FONT)
        for index, item in enumerate(data.overdue[unit.pk], start=1):
            label = f"{item.label}" if item.label else ""
            text = f"{index}. {label}{item.title}"
            if data.documents > 1:
                text = f"{index}. 《{item.document}》{label}{item.title}"
            due = chinese_date(item.due) if item.due else "—"
            text += _(" (due {date})").format(date=due)
            _para(doc, text)

    # 四、按时报送全覆盖单位
    _heading(doc, 4, _("Units that sent every report on time"))
    full = [s.unit.name for s in rows if s.reports_due and s.reports_on_time == s.reports_due]
    if full:
        _para(
            doc,
            _(
                "{count} units sent every progress report due in the period on time: {units}."
            ).format(count=len(full), units="、".join(full)),
        )
    else:
        _para(doc, _("No unit sent every progress report on time."))

    # 五、说明
    _heading(doc, 5, _("Notes"))
    weights = period.weights or {}
    p = _para(doc)
    _runs(
        p,
        [
            ("（" + chinese_number(1) + "）" + _("Scoring method."), SUBHEADING_FONT),
            (
                _(
                    "Score = 100 × ({on_time} × on-time report rate + {completion} × completion "
                    "rate + {target} × target attainment) ÷ the sum of the weights applied − "
                    "100 × {penalty} × the share of tasks overdue. A component with nothing due "
                    "is left out; the score is never below 0; units with equal scores share a "
                    "rank. The on-time report rate is reports sent on time ÷ reports due; the "
                    "completion rate is tasks done ÷ tasks assigned; averages are taken over "
                    "the units with something due."
                ).format(
                    on_time=weights.get("on_time", "—"),
                    completion=weights.get("completion", "—"),
                    target=weights.get("target", "—"),
                    penalty=weights.get("overdue_penalty", "—"),
                ),
                BODY_FONT,
            ),
        ],
    )
    p = _para(doc)
    upheld = sum(1 for a in data.appeals if a.status == AppealStatus.UPHELD)
    corrected = sum(1 for a in data.appeals if a.status == AppealStatus.CORRECTED)
    _runs(
        p,
        [
            ("（" + chinese_number(2) + "）" + _("Appeals."), SUBHEADING_FONT),
            (
                _(
                    "{count} appeals were decided: the figures were upheld in {upheld} and "
                    "corrected in {corrected}."
                ).format(count=len(data.appeals), upheld=upheld, corrected=corrected)
                if data.appeals
                else _("No appeal was decided in this period."),
                BODY_FONT,
            ),
        ],
    )
    for index, appeal in enumerate(data.appeals, start=1):
        snapshot = appeal.snapshot
        scope = f"《{snapshot.document.title}》" if snapshot.document_id else _("overall")
        text = _("{index}. {unit} ({scope}): {decision}.").format(
            index=index,
            unit=snapshot.unit.name,
            scope=scope,
            decision=appeal.get_status_display(),
        )
        if appeal.corrections:
            changes = "，".join(
                f"{EvaluationSnapshot._meta.get_field(name).verbose_name} {value}"
                for name, value in sorted(appeal.corrections.items())
            )
            text += _(" Corrected figures: {changes}.").format(changes=changes)
        if appeal.decision_comment:
            text += " " + appeal.decision_comment
        _para(doc, text)
    if data.corrections:
        p = _para(doc)
        _runs(
            p,
            [
                ("（" + chinese_number(3) + "）" + _("Corrections."), SUBHEADING_FONT),
                (_("The following rows were corrected on appeal:"), BODY_FONT),
            ],
        )
        for unit_name, line in data.corrections:
            _para(doc, f"{unit_name}：{line}")

    # 落款 and 日期
    _para(doc, indent=0)
    _para(doc, indent=0)
    signature = _para(doc, issuer, indent=0, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(32)
    dated_line = _para(doc, chinese_date(day), indent=0, align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated_line.paragraph_format.right_indent = Pt(64)  # 成文日期右空四字

    props = doc.core_properties
    moment = document_time(period)
    props.title = title
    props.author = issuer
    props.last_modified_by = issuer
    props.subject = f"{period.jurisdiction.name} {period.code}"
    props.comments = ""
    props.keywords = period.code
    props.category = ""
    props.revision = 1
    props.created = moment
    props.modified = moment

    out = io.BytesIO()
    doc.save(out)
    return stable_zip(out.getvalue())
