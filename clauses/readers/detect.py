"""Format detection by content: what the bytes are decides, the file name is only a hint.

Users rename files (a .txt that is really a .docx) and download systems serve HTML error
pages under a .pdf name, so the signature wins whenever there is one; the extension only
decides between "text" and a precise error when the content has no signature.
"""

import io
import re
import zipfile
from pathlib import PurePath

from .errors import ReaderError

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_HTML_START_RE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div)[\s>/]", re.IGNORECASE
)
# An XML declaration or comments may precede the first tag of a page.
_HTML_PREAMBLE_RE = re.compile(rb"(?:\s+|<\?xml[^>]*>|<!--.*?-->)*", re.DOTALL)

# Office formats we do not read: the user should save them as .docx or .pdf.
UNSUPPORTED_EXTENSIONS = frozenset(
    {".doc", ".dot", ".docm", ".dotx", ".wps", ".wpt", ".rtf", ".odt", ".ofd", ".xls"}
    | {".xlsx", ".xlsm", ".et", ".ppt", ".pptx", ".dps", ".zip", ".rar", ".7z", ".jpg"}
    | {".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".mht", ".mhtml"}
)
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})


def detect_format(data: bytes, filename: str) -> str:
    """Return "docx", "pdf", "html" or "txt" for the bytes of an uploaded file.

    Raises ReaderError for content that none of the readers can handle (old Office binary
    files, other zip archives) or that contradicts a .docx/.pdf name, so the user is told
    what to do instead of seeing garbage.
    """
    ext = PurePath(filename or "").suffix.lower()
    head = data[:1024]
    if head.startswith(_ZIP_SIGNATURES):
        return _detect_zip(data, ext)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_OLE2):
        if _ENCRYPTED_OOXML in data[:65536]:
            raise ReaderError("docx_encrypted")
        raise ReaderError("unsupported_type", ext=_label(ext, ".doc"))
    if head.lstrip().startswith(b"{\\rtf"):
        raise ReaderError("unsupported_type", ext=_label(ext, ".rtf"))
    if _looks_html(head, ext):
        return "html"
    if ext == ".docx":
        raise ReaderError("not_docx")
    if ext == ".pdf":
        raise ReaderError("pdf_invalid")
    if ext in UNSUPPORTED_EXTENSIONS:
        raise ReaderError("unsupported_type", ext=ext)
    return "txt"


def _detect_zip(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # zipfile raises BadZipFile, NotImplementedError, EOFError, struct.error …
        if ext == ".docx":
            raise ReaderError("not_docx") from None
        raise ReaderError("unsupported_type", ext=_label(ext, ".zip")) from None
    if "word/document.xml" in names:
        return "docx"
    if ext == ".docx":
        raise ReaderError("docx_invalid")
    raise ReaderError("unsupported_type", ext=_label(ext, ".zip"))


def _label(ext: str, by_content: str) -> str:
    """Name the type for the user: the extension if it is a known one, else what the bytes are.

    An old .doc renamed to .docx must be reported as .doc, not as the .docx it claims to be.
    """
    return ext if ext in UNSUPPORTED_EXTENSIONS else by_content


def _looks_html(head: bytes, ext: str) -> bool:
    """Sniff a page by its first tag, after a BOM, whitespace, an XML declaration or comments."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[2:].decode(encoding, errors="ignore").encode("ascii", errors="ignore")
            break
    else:
        head = head.removeprefix(b"\xef\xbb\xbf")
    head = head[_HTML_PREAMBLE_RE.match(head).end() :]
    if _HTML_START_RE.match(head):
        return True
    # With an .html name any markup counts: fragments saved from a CMS start with <table>.
    return ext in HTML_EXTENSIONS and head.startswith(b"<")
