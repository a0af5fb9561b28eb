"""The one exception the readers raise, and the user-facing message for each error code.

Callers (the upload view, the API, management commands) show ``err.message`` to the
supervisor and may branch on ``err.code``; codes are stable, messages are translated.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than {limit} MB."),
    "binary": _("The file is not a text document: it looks like binary data."),
    "unknown_encoding": _(
        "The text encoding of the file could not be recognised; save it as UTF-8 or GB18030."
    ),
    "unsupported_type": _(
        "This file type ({ext}) is not supported; open it in Word or WPS and save it as "
        ".docx or .pdf."
    ),
    "not_docx": _("The file is named .docx but is not a Word document (not a valid zip archive)."),
    "docx_invalid": _("The Word document is damaged or is not a .docx file."),
    "docx_encrypted": _(
        "The Word document is password-protected; remove the password and upload it again."
    ),
    "docx_too_large": _(
        "The Word document expands to more than {limit} MB when unpacked; it cannot be read."
    ),
    "pdf_invalid": _("The PDF file is damaged or could not be read."),
    "pdf_encrypted": _(
        "The PDF file is password-protected; remove the password and upload it again."
    ),
    "pdf_no_text": _(
        "The PDF file has no text layer (it is probably a scan); it needs OCR first, "
        "or upload the .docx version of the document."
    ),
    "pdf_too_many_pages": _("The PDF file has more than {limit} pages."),
    "html_invalid": _("The web page could not be read."),
    "html_too_complex": _(
        "The web page has more than {limit} HTML tags; save the document itself as .docx or "
        ".pdf and upload that instead."
    ),
    "pdf_too_complex": _(
        "The PDF file holds more than {limit} MB of page content, far more than a policy "
        "document; upload the .docx version of the document."
    ),
    "text_too_long": _(
        "The document is longer than {limit} characters, far longer than a policy document; "
        "upload each document on its own."
    ),
    "too_many_lines": _(
        "The document has more than {limit} lines, far more than a policy document; "
        "upload each document on its own."
    ),
    "too_many_items": _(
        "The document has more than {limit} numbered items or table rows, far more than a "
        "policy document; upload each document on its own."
    ),
}


class ReaderError(Exception):
    """A document that cannot be turned into text, with a stable code and a translated message.

    Readers wrap every library exception in this one class so that callers need a single
    ``except`` and can show ``message`` to the user as is.
    """

    def __init__(self, code: str, **params: object) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown reader error code: {code}")
        self.code = code
        self.params = params
        # format_lazy keeps the message translatable: it is rendered in the active language
        # when str() is called, not when the error is raised.
        self.message = format_lazy(MESSAGES[code], **params) if params else MESSAGES[code]
        super().__init__(code)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def megabytes(size: int) -> str:
    """Format a byte count as the number of MB shown in messages ("20", "0.5").

    Limits are configured in bytes but users think in megabytes.
    """
    return f"{size / (1024 * 1024):g}"
