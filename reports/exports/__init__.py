"""Files made from an evaluation period: the bulletin (.docx) and the snapshot table (.xlsx).

Both builders are pure functions of the database state: the same data gives the same bytes
(fixed document properties, fixed zip timestamps), so a re-export can be compared or cached.
"""

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The earliest timestamp a zip entry can carry; every entry gets it, so bytes do not depend
# on the clock of the export.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stable_zip(data: bytes) -> bytes:
    """Rewrite an OOXML package with fixed entry timestamps (order and content unchanged)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def period_end_at(period) -> datetime:
    """Midnight after the period's last day (local time)."""
    return timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))


def figures_as_of(period) -> datetime:
    """The moment the period's figures describe (the end, or an early rollup's time)."""
    return period.as_of or period_end_at(period)


def document_time(period) -> datetime:
    """A timestamp for document properties that depends on the period only (UTC, naive)."""
    moment = period.published_at or period.computed_at or figures_as_of(period)
    return timezone.localtime(moment, UTC).replace(tzinfo=None, microsecond=0)


def chinese_date(day: date) -> str:
    """A date as printed in an official document (GB/T 9704): 2026年7月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def percent(rate) -> str:
    """A 4-place rate as a percentage with one decimal (0.8125 → 81.3%)."""
    if rate is None:
        return "—"
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
