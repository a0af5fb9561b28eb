"""Property tests of the readers: any upload ends in text or a ReaderError, never another error.

The upload path (``clauses.services.parse_file``) is fuzzed too: it must answer a result or a
DomainError carrying the reader's code, since the views show that message as is.
"""

import hashlib
import io
import zipfile

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from clauses.readers import ReaderError, ReadResult, read_document
from clauses.readers.errors import MESSAGES
from clauses.services import parse_file
from tracker.errors import DomainError

from .conftest import FUZZ, counted, policy_like_text

EXTENSIONS = ["", ".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".TXT"]
filenames = st.builds(
    lambda stem, ext: stem + ext,
    st.sampled_from(["意见", "plan", "", "a.b", "任务 分解表"]),
    st.sampled_from(EXTENSIONS),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5"]


def _read(data: bytes, filename: str) -> ReadResult | None:
    """Read an upload; a ReaderError must carry a known code and a message in both languages."""
    try:
        result = read_document(data, filename)
    except ReaderError as exc:
        assert exc.code in MESSAGES
        for language in ("en", "zh-hans"):
            with translation.override(language):
                assert str(exc.message).strip()
        return None
    assert result.format in {"txt", "docx", "pdf", "html"}
    assert result.text.strip()
    assert "\r" not in result.text
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    return result


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
xml_fragments = st.lists(
    st.sampled_from(
        [
            "<w:p><w:r><w:t>一、重点任务</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>（一）加强领导。（责任单位：市科技局）</w:t></w:r></w:p>",
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>",
            "<w:tc><w:tcPr><w:vMerge/><w:gridSpan w:val='x'/></w:tcPr>",
            "</w:tc></w:tr></w:tbl>",
            "<w:sdt><w:sdtContent>",
            "</w:sdtContent></w:sdt>",
            "<w:r><w:tab/><w:br/></w:r>",
            "<!-- c -->",
            "&amp;",
            "<",
        ]
    ),
    max_size=12,
).map(lambda parts: f"<w:document {_W}><w:body>{''.join(parts)}</w:body></w:document>")


@st.composite
def docx_like(draw) -> bytes:
    """Zip archives shaped like .docx: random members, and document.xml from tag fragments."""
    members = {"word/document.xml": draw(xml_fragments).encode()}
    if draw(st.booleans()):
        members["[Content_Types].xml"] = draw(
            st.sampled_from([b"<Types/>", b"", b"<Types xmlns='x'><Override/></Types>"])
        )
    if draw(st.booleans()):
        members[draw(st.sampled_from(["_rels/.rels", "word/_rels/document.xml.rels"]))] = draw(
            st.binary(max_size=40)
        )
    data = _zip(members)
    if draw(st.booleans()):
        # Damage: truncate or flip bytes, as an interrupted download does.
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut + 8 :]
    return data


@st.composite
def pdf_like(draw) -> bytes:
    """Bytes that start like a PDF: header, objects, streams and trailers, possibly broken."""
    parts = draw(
        st.lists(
            st.sampled_from(
                [
                    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
                    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n",
                    b"2 0 obj << /Type /Pages /Kids [2 0 R] /Count 99999999 >> endobj\n",
                    b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n",
                    b"4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (Hello) Tj ET\nendstream endobj\n",
                    b"4 0 obj << /Length 5 /Filter /FlateDecode >> stream\nxxxxx\nendstream endobj\n",
                    b"5 0 obj [[[[[[[[ ]]]]]]]] endobj\n",
                    b"trailer << /Root 1 0 R /Size 6 >>\n",
                    b"trailer << /Root 1 0 R /Encrypt 9 0 R >>\n",
                    b"xref\n0 1\n0000000000 65535 f \n",
                    b"startxref\n9\n%%EOF\n",
                ]
            ),
            max_size=10,
        )
    )
    tail = draw(st.binary(max_size=64))
    return b"%PDF-1." + draw(st.sampled_from([b"4", b"7", b""])) + b"\n" + b"".join(parts) + tail


html_like = st.lists(
    st.sampled_from(
        [
            "<html>",
            "<head><meta charset='gbk'><title>t</title></head>",
            "<body>",
            "<p>一、重点任务</p>",
            "<div style='display:none'>隐藏</div>",
            "<table><tr><td rowspan='3'>1</td><td colspan='x'>任务</td></tr>",
            "<tr><td>市科技局</td></tr></table>",
            "<script>var a = '<p>';</script>",
            "<br>",
            "<pre>  （一）  </pre>",
            "&nbsp;&#x4e00;&#99999999;",
            "<!--",
            "<",
            "（责任单位：市财政局）",
        ]
    ),
    max_size=15,
).map("".join)


@settings(FUZZ, max_examples=400)
@given(st.binary(max_size=600), filenames)
@counted
def test_arbitrary_bytes_read_or_refused(data, filename):
    _read(data, filename)


@settings(FUZZ, max_examples=150)
@given(policy_like_text(), st.sampled_from(ENCODINGS), filenames)
@counted
def test_text_in_any_encoding_read_or_refused(text, encoding, filename):
    data = text.encode(encoding, errors="replace")
    result = _read(data, filename)
    if result is not None and encoding.startswith("utf") and filename.endswith(".txt"):
        # A text in a Unicode encoding keeps its characters (the cleanup only moves lines).
        assert set(result.text) - {"\n", " "} <= set(text)


@settings(FUZZ, max_examples=120)
@given(docx_like(), st.sampled_from([".docx", ".txt", ""]))
@counted
def test_docx_like_archives_read_or_refused(data, ext):
    _read(data, "意见" + ext)


@settings(FUZZ, max_examples=120)
@given(pdf_like(), st.sampled_from([".pdf", ".txt", ""]))
@counted
def test_pdf_like_bytes_read_or_refused(data, ext):
    _read(data, "意见" + ext)


@settings(FUZZ, max_examples=150)
@given(html_like, st.sampled_from([".html", ".htm", ".txt", ""]), st.sampled_from(ENCODINGS))
@counted
def test_html_like_pages_read_or_refused(markup, ext, encoding):
    _read(markup.encode(encoding, errors="replace"), "page" + ext)


@settings(FUZZ, max_examples=150)
@given(
    st.one_of(
        policy_like_text().map(str.encode),
        st.binary(max_size=300),
        docx_like(),
        pdf_like(),
        html_like.map(str.encode),
    ),
    filenames,
)
@counted
def test_upload_ends_in_a_parse_or_a_domain_error(data, filename):
    # The importer's entry point: a result with clauses, or a DomainError, nothing else.
    try:
        result, parsed = parse_file(data=data, filename=filename)
    except DomainError as exc:
        assert exc.code in MESSAGES or exc.code == "no_clauses"
        assert str(exc.message).strip()
        return
    assert parsed.documents
    assert all(doc.clauses for doc in parsed.documents)
    assert result.text.strip()
