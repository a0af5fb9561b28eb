"""Backups: one archive holding the database, the uploaded files and a manifest to check them.

An office must be able to roll back to last night's state after a bad upgrade, a wrong bulk
import or a lost disk, and prove that what came back is what was saved. The archive is a tar
(optionally gzip-compressed) with three parts:

- ``manifest.json`` (first, so it can be read without reading the rest): format version,
  creation time, database vendor, the latest applied migration per app, the row count of every
  model of the project apps, and the SHA-256 and size of the dump and of every media file;
- the database: a ``pg_dump -Fc`` archive on PostgreSQL, or a consistent copy of the SQLite file
  made with SQLite's online backup API;
- ``media/…``: every file under MEDIA_ROOT (report attachments, imported source documents,
  appeal evidence).

A restore checks everything before it changes anything: the file is an archive, the manifest
is readable, the vendor matches, the code knows every migration the backup had applied, every
checksum matches and no member is missing or unexpected. Only then does it replace the
database (in one transaction on PostgreSQL, in one backup-API step on SQLite) and the media
tree, re-count the rows against the manifest and append an audit event to the restored chain.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit
from tracker.errors import DomainError

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PROJECT_APPS = ("accounts", "clauses", "tracker", "reports")
PG_ROOT = Path("/usr/lib/postgresql")
# libpq settings that may sit in DATABASES OPTIONS and that pg_dump/pg_restore read from the
# environment; the password never goes on a command line (visible to every local user).
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
_CHUNK = 1024 * 1024
# A table entry of `pg_restore --list`: "215; 1259 16390 TABLE public accounts_user duban".
_TABLE_IN_TOC = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+)(?: |$)")


# --- small helpers ---------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    """A table name quoted for SQLite and PostgreSQL alike."""
    return '"' + name.replace('"', '""') + '"'


def _project_models():
    for app in PROJECT_APPS:
        yield from apps.get_app_config(app).get_models()


def _row_counts(cursor, tables: set[str], labels=None) -> dict[str, int]:
    """Rows per model of the project apps (or of ``labels``), through a DB-API cursor.

    Models without a table in ``tables`` are left out: a backup taken before ``migrate``
    (the usual moment, during an upgrade) lacks the tables of the new models.
    """
    counts = {}
    for model in _project_models():
        if model._meta.db_table not in tables:
            continue
        if labels is not None and model._meta.label not in labels:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(model._meta.db_table)}")  # noqa: S608 - table names come from the models  # nosec B608
        counts[model._meta.label] = cursor.fetchone()[0]
    return counts


def _migration_state(cursor) -> dict[str, str]:
    """The latest applied migration of every app (by name, which Django numbers)."""
    cursor.execute("SELECT app, name FROM django_migrations")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def row_counts(*, labels=None) -> dict[str, int]:
    """Rows per model of the project apps in the live database (model label → count).

    ``labels`` limits the count to those models: a restored older backup lacks the tables of
    models added since, until ``migrate`` runs.
    """
    with connection.cursor() as cursor:
        return _row_counts(cursor, set(connection.introspection.table_names(cursor)), labels)


def _require_autocommit() -> None:
    # A dump must not see this connection's uncommitted rows, and a restore drops tables that
    # an open transaction of this very connection may hold locks on (it would wait forever).
    if connection.in_atomic_block:
        raise DomainError(
            "backup_in_transaction",
            _("A backup or a restore cannot run inside a database transaction."),
        )


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise DomainError(
            "backup_unsupported_database",
            _("Backups support PostgreSQL and SQLite, not {vendor}.").format(vendor=vendor),
        )
    return vendor


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def _media_files(root: Path) -> dict[str, Path]:
    """Regular files under ``root`` by POSIX path relative to it; links are not followed."""
    files = {}
    if not root.is_dir():
        return files
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(root).as_posix()] = path
    return files


def _safe_media_name(name: str) -> bool:
    """Whether ``name`` (from a manifest) stays inside the media tree once extracted."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and "\x00" not in name
        and not path.is_absolute()
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


# --- PostgreSQL tools ------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """Path of ``pg_dump``/``pg_restore``: the newest Debian client, else the one on PATH.

    pg_dump refuses a server newer than itself, so the newest installed major version is the
    best bet; Debian puts each in /usr/lib/postgresql/<version>/bin.
    """
    candidates = []
    if PG_ROOT.is_dir():
        for folder in PG_ROOT.iterdir():
            tool = folder / "bin" / name
            if folder.name.isdigit() and os.access(tool, os.X_OK):
                candidates.append((int(folder.name), str(tool)))
    if candidates:
        return max(candidates)[1]
    found = shutil.which(name)
    if found:
        return found
    raise DomainError(
        "backup_tool_missing",
        _(
            "{tool} was not found: install the PostgreSQL client of the server's version "
            "(Debian: postgresql-client-<version>)."
        ).format(tool=name),
    )


def _pg_command(tool: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """Command line and environment for a PostgreSQL client on the configured database.

    The database is the one Django uses at run time (under pytest: the test database).
    """
    db = connection.settings_dict
    command = [pg_tool(tool), "--no-password", "--dbname", db["NAME"]]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    for option, variable in _PG_OPTION_ENV.items():
        if db.get("OPTIONS", {}).get(option) is not None:
            env[variable] = str(db["OPTIONS"][option])
    return command + list(args), env


def _run(command: list[str], env: dict[str, str], *, code: str, what: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed tool path, arguments from settings, no shell  # nosec B603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DomainError(
            code,
            _("{what} failed: {error}").format(what=what, error=result.stderr.strip()[-2000:]),
        )
    return result.stdout


# --- creating a backup -----------------------------------------------------------------------


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump into ``target``; counts and migrations read from the very snapshot it dumps."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = set(connection.introspection.table_names(cursor))
        counts = _row_counts(cursor, tables)
        migrations = _migration_state(cursor)
        # The snapshot lives as long as this transaction: pg_dump must run inside it.
        command, env = _pg_command(
            "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target)
        )
        _run(command, env, code="backup_dump_failed", what="pg_dump")
    return counts, migrations


def _dump_sqlite(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Copy the live SQLite database into ``target`` with the online backup API.

    A raw file copy of a live database (with its WAL) can be torn; the backup API copies a
    consistent state. Counts and migrations are read from the copy, so they describe it.
    """
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {name for (name,) in cursor.fetchall()}
        return _row_counts(cursor, tables), _migration_state(cursor)
    except sqlite3.Error as exc:
        raise DomainError(
            "backup_dump_failed", _("Copying the database failed: {error}").format(error=exc)
        ) from exc
    finally:
        copy.close()


def _open_for_writing(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "w:gz"
    if name.endswith(".tar"):
        return "w"
    raise DomainError(
        "backup_bad_name",
        _("A backup file name ends in .tar.gz, .tgz or .tar, not {name}.").format(name=path.name),
    )


class _HashingReader:
    """Reads a file for tarfile while hashing it, to catch a file changed during the backup."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def default_backup_path(now=None) -> Path:
    """``duban-backup-<local date>-<time>.tar.gz`` in the current directory."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return Path.cwd() / f"duban-backup-{stamp}.tar.gz"


def create_backup(*, path) -> dict:
    """Write one archive of the database and MEDIA_ROOT to ``path``; return its manifest.

    The archive appears only when complete (written beside ``path`` and renamed), an existing
    file is never overwritten, and nothing in the database or the media tree changes. Must run
    outside a transaction so the dump sees committed data only.
    """
    path = Path(path).absolute()
    media_root = _media_root()
    mode = _open_for_writing(path)
    # Dumps and office files are compressed already: level 6 is as small as 9, and faster.
    options = {"compresslevel": 6} if mode == "w:gz" else {}
    if path.exists():
        raise DomainError(
            "backup_exists",
            _("{path} already exists; choose another file name.").format(path=path),
        )
    if path.resolve().is_relative_to(media_root):
        raise DomainError(
            "backup_inside_media",
            _("A backup cannot be written inside MEDIA_ROOT ({root}).").format(root=media_root),
        )
    if not path.parent.is_dir():
        raise DomainError(
            "backup_no_folder",
            _("The folder {folder} does not exist.").format(folder=path.parent),
        )
    _require_autocommit()
    vendor = _vendor()
    dump_name = DUMP_NAMES[vendor]
    with tempfile.TemporaryDirectory(prefix="duban-backup-") as work:
        dump = Path(work) / dump_name
        if vendor == "postgresql":
            counts, migrations = _dump_postgresql(dump)
        else:
            counts, migrations = _dump_sqlite(dump)
        # Media after the database: a file added meanwhile is harmless, while a row whose file
        # was uploaded after the dump cannot exist in the dump.
        media = {
            name: {"sha256": _sha256_file(file), "size": file.stat().st_size}
            for name, file in _media_files(media_root).items()
        }
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.localtime().isoformat(),
            "database": {
                "vendor": vendor,
                "file": dump_name,
                "sha256": _sha256_file(dump),
                "size": dump.stat().st_size,
            },
            "migrations": migrations,
            "row_counts": counts,
            "media": media,
        }
        partial = path.with_name(f".{path.name}.partial")
        try:
            with tarfile.open(partial, mode, format=tarfile.PAX_FORMAT, **options) as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=dump_name, recursive=False)
                for name, entry in media.items():
                    _add_media(archive, media_root / name, name, entry)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add_media(archive: tarfile.TarFile, file: Path, name: str, entry: dict) -> None:
    """Add one media file, refusing it if it changed since it was hashed for the manifest."""
    try:
        info = archive.gettarinfo(str(file), arcname=MEDIA_PREFIX + name)
        with open(file, "rb") as handle:
            if info.size != entry["size"]:
                raise OSError("size changed")
            reader = _HashingReader(handle)
            archive.addfile(info, reader)
    except OSError as exc:
        raise DomainError(
            "backup_media_changed",
            _("{name} changed or disappeared during the backup; run it again.").format(name=name),
        ) from exc
    if reader.digest.hexdigest() != entry["sha256"]:
        raise DomainError(
            "backup_media_changed",
            _("{name} changed or disappeared during the backup; run it again.").format(name=name),
        )


# --- checking a backup -----------------------------------------------------------------------


def _open_archive(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise DomainError(
            "backup_missing", _("There is no backup file at {path}.").format(path=path)
        )
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise DomainError(
            "backup_not_archive",
            _("{path} is not a backup archive (a .tar or .tar.gz file).").format(path=path),
        ) from exc


def _damaged(path: Path) -> DomainError:
    return DomainError(
        "backup_damaged",
        _("The backup {path} is damaged or incomplete; it cannot be restored.").format(path=path),
    )


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        first = archive.next()
        if first is None or first.name != MANIFEST_NAME or not first.isreg():
            raise DomainError(
                "backup_no_manifest",
                _("{path} holds no backup manifest; it was not made by this program.").format(
                    path=path
                ),
            )
        manifest = json.loads(archive.extractfile(first).read().decode())
    except DomainError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _damaged(path) from exc
    except ValueError as exc:  # bad JSON or UTF-8
        raise DomainError(
            "backup_bad_manifest",
            _("The manifest of {path} is not readable.").format(path=path),
        ) from exc
    _check_manifest_shape(manifest, path)
    return manifest


def _check_manifest_shape(manifest, path: Path) -> None:
    bad = DomainError(
        "backup_bad_manifest", _("The manifest of {path} is not readable.").format(path=path)
    )
    if not isinstance(manifest, dict):
        raise bad
    if manifest.get("format") != FORMAT_VERSION:
        raise DomainError(
            "backup_bad_format",
            _("{path} has backup format {found}; this version reads format {expected}.").format(
                path=path, found=manifest.get("format"), expected=FORMAT_VERSION
            ),
        )
    database, media = manifest.get("database"), manifest.get("media")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DUMP_NAMES
        or database.get("file") != DUMP_NAMES[database["vendor"]]
        or not isinstance(database.get("sha256"), str)
        or not isinstance(manifest.get("migrations"), dict)
        or not isinstance(manifest.get("row_counts"), dict)
        or not isinstance(media, dict)
        or not all(_safe_media_name(name) for name in media)
        or not all(isinstance(entry, dict) and "sha256" in entry for entry in media.values())
    ):
        raise bad


def _check_compatible(manifest: dict) -> None:
    """Refuse a backup of another database vendor or with migrations this code does not know."""
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise DomainError(
            "backup_vendor_mismatch",
            _("This backup is of a {found} database; this site runs on {expected}.").format(
                found=manifest["database"]["vendor"], expected=vendor
            ),
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, name in sorted(manifest["migrations"].items())
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise DomainError(
            "backup_newer_than_code",
            _(
                "This backup was made by a newer version of the program (migrations {names}); "
                "upgrade the program before restoring it."
            ).format(names=", ".join(unknown)),
        )


def inspect_backup(*, path) -> dict:
    """Read the manifest of the archive at ``path`` and check it fits this site; return it.

    Cheap (reads the first member only): the file is an archive, its manifest is readable and
    of a known format, the vendor matches and the code knows every migration it records.
    Checksums are checked by ``verify_backup`` and ``restore_backup``.
    """
    path = Path(path)
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive, path)
    _check_compatible(manifest)
    return manifest


def _extract_checked(archive: tarfile.TarFile, manifest: dict, path: Path, into: Path | None):
    """Read every member after the manifest, hash it and compare with the manifest.

    Writes the members under ``into`` when given (only names the manifest lists, as regular
    files, never through links), so a restore reads the archive once.
    """
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected.update(
        {MEDIA_PREFIX + name: entry["sha256"] for name, entry in manifest["media"].items()}
    )
    seen = set()
    try:
        for index, member in enumerate(archive):
            if index == 0:
                continue  # the manifest, read already
            if member.name not in expected or member.name in seen or not member.isreg():
                raise DomainError(
                    "backup_unexpected_member",
                    _("{path} holds {name}, which its manifest does not list.").format(
                        path=path, name=member.name
                    ),
                )
            seen.add(member.name)
            digest = hashlib.sha256()
            source = archive.extractfile(member)
            target = None
            if into is not None:
                out = into / member.name
                out.parent.mkdir(parents=True, exist_ok=True)
                target = open(out, "wb")  # noqa: SIM115 - closed below, written chunk by chunk
            try:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    if target is not None:
                        target.write(chunk)
            finally:
                if target is not None:
                    target.close()
            if digest.hexdigest() != expected[member.name]:
                raise DomainError(
                    "backup_checksum_mismatch",
                    _(
                        "{name} in {path} does not match its checksum: the backup is damaged "
                        "and cannot be restored."
                    ).format(name=member.name, path=path),
                )
    except DomainError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _damaged(path) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise DomainError(
            "backup_incomplete",
            _("{path} lacks {names}, which its manifest lists.").format(
                path=path, names=", ".join(missing[:5])
            ),
        )


def verify_backup(*, path) -> dict:
    """Check the archive at ``path`` completely, without changing anything; return its manifest.

    Everything ``inspect_backup`` checks, plus the SHA-256 of the dump and of every media file,
    and that no member is missing or unlisted.
    """
    path = Path(path)
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive, path)
        _check_compatible(manifest)
        _extract_checked(archive, manifest, path, into=None)
    return manifest


# --- restoring -------------------------------------------------------------------------------


def _dump_tables(dump: Path) -> set[tuple[str, str]]:
    """(schema, table) of every table in a pg_dump archive, from its table of contents."""
    command = [pg_tool("pg_restore"), "--list", str(dump)]
    listing = _run(command, dict(os.environ), code="backup_restore_failed", what="pg_restore")
    return {m.groups() for line in listing.splitlines() if (m := _TABLE_IN_TOC.match(line))}


def _restore_postgresql(dump: Path) -> None:
    """Replace the configured database's content with the dump, in one transaction.

    Tables the dump does not know (made by migrations newer than the backup) are dropped
    first, so the restored database is the backed-up one and ``migrate`` can bring it forward.
    """
    keep = _dump_tables(dump)
    connection.close()  # no lock of ours may stand in pg_restore's way
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname = ANY(current_schemas(false))"
        )
        extra = [row for row in cursor.fetchall() if tuple(row) not in keep]
        if extra:
            names = ", ".join(f"{_quote(s)}.{_quote(t)}" for s, t in extra)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
    connection.close()
    command, env = _pg_command(
        "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)
    )
    _run(command, env, code="backup_restore_failed", what="pg_restore")


def _restore_sqlite(copy: Path) -> None:
    """Copy the backed-up database over the live one with the online backup API.

    The backup API replaces every page under one lock, so other processes see the old database
    or the new one, and it works as well for the in-memory database of the tests.
    """
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:  # e.g. locked by another process: the backup API rolls back
        raise DomainError(
            "backup_restore_failed", _("Restoring the database failed: {error}").format(error=exc)
        ) from exc
    finally:
        source.close()


def _replace_media(staged: Path, media_root: Path, trash: Path) -> None:
    """Make MEDIA_ROOT hold exactly the staged tree (moves, so it is quick on one disk)."""
    media_root.mkdir(parents=True, exist_ok=True)
    trash.mkdir()
    for entry in media_root.iterdir():
        shutil.move(str(entry), str(trash / entry.name))
    if staged.is_dir():
        for entry in staged.iterdir():
            shutil.move(str(entry), str(media_root / entry.name))


def _staging_folder(media_root: Path) -> Path:
    # Beside MEDIA_ROOT, so that moving the staged files in is a rename, not a copy.
    try:
        media_root.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".duban-restore-", dir=media_root.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="duban-restore-"))


def restore_backup(*, path) -> dict:
    """Replace the database and MEDIA_ROOT with the archive at ``path``; return its manifest.

    Nothing changes unless the whole archive checks out (see ``verify_backup``); a refusal
    raises DomainError. Afterwards the row counts must equal the manifest's, and an audit
    event (actor: the system) is appended to the restored audit chain. Must run outside a
    transaction (checked after the archive, so a bad archive is reported as such anywhere);
    other processes (web, worker) should be stopped meanwhile.
    """
    path = Path(path)
    media_root = _media_root()
    staging = _staging_folder(media_root)
    try:
        with _open_archive(path) as archive:
            manifest = _read_manifest(archive, path)
            _check_compatible(manifest)
            _extract_checked(archive, manifest, path, into=staging)
        _require_autocommit()
        dump = staging / manifest["database"]["file"]
        if manifest["database"]["vendor"] == "postgresql":
            _restore_postgresql(dump)
        else:
            _restore_sqlite(dump)
        ContentType.objects.clear_cache()  # ids may differ in the restored database
        _replace_media(staging / MEDIA_PREFIX.rstrip("/"), media_root, staging / "replaced")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # Counted before the audit event, which adds a row of its own.
    wrong = _count_mismatches(manifest)
    database = manifest["database"]
    audit.record(
        action="backup.restored",
        obj=_RestoredBackup(database["sha256"]),
        after={
            "archive": path.name,
            "created_at": manifest["created_at"],
            "vendor": database["vendor"],
            "database_sha256": database["sha256"],
            "media_files": len(manifest["media"]),
            "count_mismatches": wrong,
        },
    )
    if wrong:
        raise DomainError(
            "backup_count_mismatch",
            _(
                "The database was restored, but its row counts differ from the backup's: {details}."
            ).format(details="; ".join(wrong[:10])),
        )
    return manifest


def unapplied_migrations() -> list[str]:
    """Migrations of this code the database lacks ("app.name"): after restoring an older backup."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [
        f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards
    ]


def _count_mismatches(manifest: dict) -> list[str]:
    """Models whose row count differs from the manifest's (models this code has only)."""
    found = row_counts(labels=set(manifest["row_counts"]))
    known = {model._meta.label for model in _project_models()}
    return [
        f"{label}: {found.get(label, 'no table')} != {count}"
        for label, count in sorted(manifest["row_counts"].items())
        if label in known and found.get(label) != count
    ]


class _RestoredBackup:
    """What a restore's audit event is about: the archive, named by its dump's digest.

    audit.record reads ``_meta.label_lower`` and ``pk`` of the object; a restore concerns no
    single row, so this stands in for one (object type "backup.archive").
    """

    _meta = SimpleNamespace(label_lower="backup.archive")

    def __init__(self, digest: str):
        self.pk = digest[:16]
