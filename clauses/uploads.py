"""Files waiting between the preview and the confirmation of an import."""

import json
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings


def _root(user) -> Path:
    return Path(settings.DATA_DIR) / "pending" / str(user.pk)


PENDING_SECONDS = 24 * 3600


def save_pending(*, user, data: bytes, filename: str, jurisdiction: str | None) -> str:
    """Keep an uploaded file for its user until the import is confirmed; returns a token.

    Previews that were never confirmed are forgotten after a day, when the user uploads again.
    """
    if _root(user).is_dir():
        for stale in _root(user).iterdir():
            if stale.stat().st_mtime < time.time() - PENDING_SECONDS:
                shutil.rmtree(stale, ignore_errors=True)
    token = secrets.token_hex(16)
    folder = _root(user) / token
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").write_bytes(data)
    (folder / "meta.json").write_text(
        json.dumps({"filename": filename, "jurisdiction": jurisdiction})
    )
    return token


def load_pending(*, user, token: str) -> tuple[bytes, str, str | None] | None:
    """Return (data, filename, jurisdiction) of a pending upload, or None if it is gone."""
    if not token.isalnum():
        return None
    folder = _root(user) / token
    try:
        meta = json.loads((folder / "meta.json").read_text())
        return (folder / "data").read_bytes(), meta["filename"], meta["jurisdiction"]
    except (OSError, ValueError, KeyError):
        return None


def discard_pending(*, user, token: str) -> None:
    """Forget a pending upload once imported."""
    if token.isalnum():
        shutil.rmtree(_root(user) / token, ignore_errors=True)
