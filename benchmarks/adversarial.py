"""Benchmark of adversarial input: 1 MiB texts and hostile files through the reader and parser.

    python -m benchmarks.adversarial [--runs 5] [--out benchmarks/results/adversarial.json]

Each case is read, cleaned and parsed as an upload is (``read_document`` then ``parse_text``
and ``to_gold_dict``, without the database), and ends in a parse or in a ReaderError that
names the limit it hit. Each figure is the median of several runs in this process, wall time.
``tests/fuzz/test_adversarial.py`` asserts the outcome of every case (not its time).
"""

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.machine import cpu_model

REPO = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024

NOTE_CLAUSE = (
    "推动科技金融服务体系建设，加大信贷投放力度，到2025年底贷款余额不低于1000亿元。"
    "（责任单位：市科技局、市财政局、各区人民政府）"
)


def _fill(unit: str, size: int = MIB) -> str:
    """``unit`` repeated to ``size`` bytes of UTF-8 (cut at a character boundary)."""
    count = size // len(unit.encode("utf-8")) + 1
    return (unit * count).encode("utf-8")[:size].decode("utf-8", errors="ignore")


def _lines(make: Callable[[int], str], size: int = MIB) -> str:
    """Lines ``make(0)``, ``make(1)`` … up to ``size`` bytes of UTF-8."""
    out, total, i = [], 0, 0
    while total < size:
        line = make(i)
        out.append(line)
        total += len(line.encode("utf-8")) + 1
        i += 1
    return "\n".join(out)


def _n(i: int) -> int:
    return i % 99 + 1


# Texts of 1 MiB (UTF-8), name -> (text, expected outcome): "parsed", or the ReaderError code.
def text_cases() -> dict[str, tuple[str, str]]:
    """The adversarial texts and the outcome each must have."""
    return {
        "nested brackets （（（…": ("（" * (MIB // 6) + "）" * (MIB // 6), "parsed"),
        "unclosed brackets": ("（一）任务。（责任单位：" + _fill("（", MIB - 60), "parsed"),
        "endless 、 list": (
            "（一）任务。（责任单位：" + _fill("市科技局、", MIB - 60) + "）",
            "parsed",
        ),
        "endless 和 list": ("（一）任务。（" + _fill("市科技局和", MIB - 40) + "负责）", "parsed"),
        "no punctuation at all": (_fill("推进科技金融服务体系建设"), "parsed"),
        "one enormous line": (
            _fill("（一）各区要加强领导，不低于15%，2025年底前，责任单位："),
            "parsed",
        ),
        "run of 责任单位： on one line": ("（一）任务。" + _fill("。责任单位：市科技局"), "parsed"),
        "lines of 责任单位：": (
            "（一）任务。\n"
            + _lines(
                lambda i: "责任单位：市科技局、市财政局、各区政府、市发展改革委、市工业和信息化局、市商务局、市住房建设局、市交通运输局"
            ),
            "parsed",
        ),
        "100k numbered headings": (_lines(lambda i: f"{_n(i)}.推动发展"), "too_many_lines"),
        "8000 numbered headings": (
            _lines(lambda i: f"（{_n(i)}）推动科技金融发展" + "，加大力度" * 20),
            "too_many_items",
        ),
        "990 clauses with notes": (
            "一、重点任务\n"
            + "\n".join(f"（{_n(i)}）{NOTE_CLAUSE}" for i in range(990))
            + "\n"
            + _lines(lambda i: "各单位要高度重视，加强组织领导，" * 8, MIB - 990 * 260),
            "parsed",
        ),
        "9500 short lines": (
            _lines(lambda i: f"市科技局第{i}项工作要点汇总说明" + "。" * 80),
            "parsed",
        ),
        "990 table rows": (
            "序号|重点任务|具体内容|牵头单位|配合单位|完成时限\n"
            + "\n".join(
                f"{_n(i)}|推动科技金融发展|{NOTE_CLAUSE[:40]}|市科技局|市财政局、市发展改革委|2025年底前"
                for i in range(990)
            )
            + "\n"
            + _lines(lambda i: "各单位要高度重视，加强组织领导。" * 10, MIB - 990 * 200),
            "parsed",
        ),
        "990 documents": (
            "\n".join(
                f"关于深圳市第{i}项科技金融的实施方案\n一、推动发展。（市科技局负责）"
                for i in range(990)
            )
            + "\n"
            + _lines(lambda i: "各单位要高度重视，加强组织领导。" * 10, MIB - 990 * 120),
            "parsed",
        ),
        "ASCII without line breaks": (_fill("abc def. ghi; (1) x, "), "text_too_long"),
        "full-width punctuation": (_fill("，。；：！？（）【】“”、"), "parsed"),
        "digits and years": (_fill("2025年12月31日底前不低于15%"), "parsed"),
        "signature blocks": (
            _lines(lambda i: "市科技局 市财政局 市发展改革委 " * 8 if i % 2 else "2025年6月1日"),
            "parsed",
        ),
        "titles cut in two": (
            _lines(lambda i: "某某工作" if i % 2 else "实施方案"),
            "too_many_lines",
        ),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_zip_bomb(megabytes: int = 210) -> bytes:
    """A .docx-shaped zip whose document.xml unpacks to ``megabytes`` MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * MIB
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_document_xml(xml: bytes) -> bytes:
    """A minimal .docx package around the given word/document.xml."""
    content_types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        b'package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="'
        b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        b"</Relationships>"
    )
    return _zip(
        {"[Content_Types].xml": content_types, "_rels/.rels": rels, "word/document.xml": xml}
    )


def docx_billion_laughs() -> bytes:
    """A document.xml whose entities would expand to gigabytes if they were resolved."""
    entities = ['<!ENTITY lol0 "哈哈哈哈哈哈哈哈哈哈">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(entities)}]>'
        f"<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx_with_document_xml(xml.encode("utf-8"))


def docx_deep_nesting(depth: int = 100_000) -> bytes:
    """A document.xml with content controls nested ``depth`` deep."""
    xml = (
        f"<w:document {_W}><w:body>"
        + "<w:sdt><w:sdtContent>" * depth
        + "<w:p><w:r><w:t>一、任务</w:t></w:r></w:p>"
        + "</w:sdtContent></w:sdt>" * depth
        + "</w:body></w:document>"
    )
    return docx_with_document_xml(xml.encode("utf-8"))


def docx_lying_sizes(megabytes: int = 20) -> bytes:
    """A .docx whose document.xml declares 1000 bytes but inflates to ``megabytes`` MB."""
    xml = f"<w:document {_W}><w:body>".encode() + b" " * (megabytes * MIB)
    data = bytearray(docx_with_document_xml(xml + b"</w:body></w:document>"))
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[start + size_at : start + size_at + 4] = (1000).to_bytes(4, "little")
            start += 4
    return bytes(data)


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF with the given object bodies (numbered from 1, object 1 the catalog) and an xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_TEXT = b"BT /F1 12 Tf 72 700 Td (Policy document: one line of text on the page) Tj ET"


def _stream(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + (b"\nendstream")
    )


def _page(contents: int, extra: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R%s >>" % (contents, extra)
    )


def pdf_pages(pages: int, *, declared: int | None = None, content: bytes = _TEXT) -> bytes:
    """A PDF of ``pages`` pages sharing one content stream, with a /Count that may lie."""
    objects = [_CATALOG, b"", _FONT, _stream(content)]
    kids = []
    for _ in range(pages):
        objects.append(_page(4))
        kids.append(b"%d 0 R" % len(objects))
    count = pages if declared is None else declared
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), count)
    return build_pdf(objects)


def pdf_nested(depth: int = 50_000, *, kind: str = "dict") -> bytes:
    """A one-page PDF whose page dictionary holds a value nested ``depth`` deep."""
    if kind == "dict":
        value = b"<< /A " * depth + b"1" + b" >>" * depth
    else:
        value = b"[" * depth + b"]" * depth
    return build_pdf(
        [
            _CATALOG,
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            _FONT,
            _page(5, b" /X " + value),
            _stream(_TEXT),
        ]
    )


def pdf_page_tree_loop() -> bytes:
    """A page tree whose node lists itself among its kids."""
    return build_pdf(
        [
            _CATALOG,
            b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>",
            _FONT,
            _page(5),
            _stream(_TEXT),
        ]
    )


def html_tags(count: int = 200_000) -> bytes:
    """A page of ``count`` nested <div> tags."""
    return b"<html><body>" + b"<div>" * count + "一、任务".encode()


def html_spans(rows: int = 200) -> bytes:
    """A table in which every cell spans 1000 rows, so each row would be wider than the last."""
    row = b"<tr>" + b'<td rowspan="1000">x</td>' * 10 + b"</tr>"
    return b"<html><body><table>" + row * rows + b"</table></body></html>"


# Hostile files, name -> (file name, builder, expected outcome).
FILE_CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "docx zip bomb (210 MB of spaces)": ("bomb.docx", docx_zip_bomb, "docx_too_large"),
    "docx zip bomb (20 MB at 1000:1)": ("ratio.docx", lambda: docx_zip_bomb(20), "docx_too_large"),
    "docx billion laughs": ("laughs.docx", docx_billion_laughs, "docx_invalid"),
    "docx lying about its unpacked size": ("lying.docx", docx_lying_sizes, "docx_invalid"),
    "docx nested 100k deep": ("deep.docx", docx_deep_nesting, "docx_invalid"),
    "pdf declaring 10^9 pages": (
        "count.pdf",
        lambda: pdf_pages(1, declared=10**9),
        "pdf_too_many_pages",
    ),
    "pdf with 5000 pages declaring 1": (
        "many.pdf",
        lambda: pdf_pages(5000, declared=1),
        "pdf_too_many_pages",
    ),
    "pdf dictionaries 50k deep": ("dicts.pdf", pdf_nested, "pdf_invalid"),
    "pdf arrays 100k deep": (
        "arrays.pdf",
        lambda: pdf_nested(100_000, kind="array"),
        "pdf_invalid",
    ),
    "pdf page tree loop": ("loop.pdf", pdf_page_tree_loop, "pdf_invalid"),
    "pdf content bomb (16 MB)": (
        "content.pdf",
        lambda: pdf_pages(1, content=_TEXT + b" " * (16 * MIB)),
        "pdf_too_complex",
    ),
    "pdf 1M text operators": (
        "ops.pdf",
        lambda: pdf_pages(1, content=b"BT /F1 12 Tf " + b"(a) Tj " * 1_000_000 + b"ET"),
        "pdf_too_complex",
    ),
    "html 200k tags": ("tags.html", html_tags, "html_too_complex"),
    "html widening row spans": ("spans.html", html_spans, "parsed"),
}


# Known slow paths inside the limits, benchmarked so their cost stays visible (not tested).
RESIDUAL_CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "pdf 1.9 MB of text operators (under the budget)": (
        "dense.pdf",
        lambda: pdf_pages(1, content=b"BT /F1 12 Tf " + b"(a) Tj " * 270_000 + b"ET"),
        "parsed",
    ),
}


def run_case(data: bytes, filename: str) -> str:
    """Read and parse one upload as the importer does; return "parsed" or the error code."""
    from clauses.parsing import parse_text, to_gold_dict
    from clauses.readers import ReaderError, read_document

    try:
        result = read_document(data, filename)
    except ReaderError as exc:
        return exc.code
    to_gold_dict(parse_text(result.text, source_name=filename))
    return "parsed"


def _django() -> None:
    """Django only for the lazy error messages: no project settings, no database."""
    sys.path.insert(0, str(REPO))
    import django
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(USE_I18N=True)
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    args = parser.parse_args()
    _django()

    cases = {
        name: (f"{name}.txt", text.encode("utf-8"), expected)
        for name, (text, expected) in text_cases().items()
    }
    files = FILE_CASES | RESIDUAL_CASES
    cases |= {name: (fn, build(), expected) for name, (fn, build, expected) in files.items()}
    run_case(cases["no punctuation at all"][1], "warm-up.txt")  # imports, regex compilation
    results = []
    for name, (filename, data, expected) in cases.items():
        if args.only and args.only not in name:
            continue
        runs, outcome = [], None
        for _ in range(args.runs):
            start = time.perf_counter()
            outcome = run_case(data, filename)
            runs.append(time.perf_counter() - start)
        results.append(
            {
                "case": name,
                "bytes": len(data),
                "outcome": outcome,
                "expected": expected,
                "s_median": round(statistics.median(runs), 3),
                "s_max": round(max(runs), 3),
            }
        )
        print(f"{name:40s} {len(data):>10,d} B  {outcome:20s} {results[-1]['s_median']:.3f} s")
    result = {
        "benchmark": "adversarial",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": cpu_model(),
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}",
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "runs": args.runs,
        "slowest_s_median": max((r["s_median"] for r in results), default=0.0),
        "cases": results,
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
