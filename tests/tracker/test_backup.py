"""Backups: a restore brings back every row and every file; a bad archive changes nothing."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import override_settings
from django.utils import translation

from accounts.models import Jurisdiction, User
from tests.conftest import PROJECT_APPS, table_counts
from tracker import backups, services
from tracker.audit import verify_chain
from tracker.errors import DomainError
from tracker.models import Assignment, AuditEvent, ProgressReport, Task
from tracker.services import ReportInput

from .helpers import pdf_bytes


@pytest.fixture(autouse=True)
def english():
    """Messages are compared with their English msgids, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """MEDIA_ROOT in the test's folder; autouse, so it is set before `world` saves files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def media_digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def table_digests(*, audit_upto: int | None = None) -> dict[str, str]:
    """SHA-256 of every project table's rows (many-to-many tables too), ordered by pk.

    The audit chain head is left out, and audit events are limited to ids up to
    ``audit_upto`` when given: a restore appends an event of its own on purpose.
    """
    digests = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            if model._meta.label == "tracker.AuditChainHead":
                continue
            rows = model._base_manager.order_by("pk")
            if model is AuditEvent and audit_upto is not None:
                rows = rows.filter(pk__lte=audit_upto)
            text = json.dumps(list(rows.values_list()), cls=DjangoJSONEncoder, sort_keys=True)
            digests[model._meta.label] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:*") as tar:
        return json.load(tar.extractfile("manifest.json"))


def attach_report(world) -> ProgressReport:
    """A report of the lead unit with one PDF stored under MEDIA_ROOT."""
    return services.create_report(
        assignment=world.lead,
        by=world.staff,
        data=ReportInput(
            progress="平台已上线。",
            percent=40,
            attachments=[("上线证明.pdf", SimpleUploadedFile("上线证明.pdf", pdf_bytes()))],
        ),
    )


# --- the round trip --------------------------------------------------------------------------


# A restore drops and refills tables: it cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_row_and_file_as_backed_up(world, media, tmp_path):
    # Given: the world, a report with an attachment, the imported source document on disk.
    report = attach_report(world)
    counts, contents, files = table_counts(), table_digests(), media_digests(media)
    assert {name.split("/")[0] for name in files} == {"attachments", "documents"}
    last_event = AuditEvent.objects.order_by("pk").last().pk
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    manifest = read_manifest(archive)
    assert manifest["row_counts"] == counts
    assert {name: entry["sha256"] for name, entry in manifest["media"].items()} == files
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["tracker"] >= "0004"

    # When: rows are changed, deleted and added, files removed, overwritten and added, and a
    # table appears, after the backup …
    services.update_report(
        report=report,
        by=world.staff,
        data=ReportInput(progress="改写。", remove_attachments=[report.attachments.get().pk]),
        version=report.version,
    )
    Assignment.objects.filter(pk=world.unrelated.pk).delete()
    Task.objects.filter(pk=world.other_task.pk).delete()
    Jurisdiction.objects.filter(pk=world.shenzhen.pk).update(short_name="改")
    User.objects.create_user(username="latecomer", password="x")
    source = media / world.document.source_file.name
    source.write_bytes(b"overwritten")
    (media / "stray.txt").write_text("not in the backup")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_test_extra (id integer)")
    assert table_counts() != counts and media_digests(media) != files

    # … and the backup is restored.
    out = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=out)

    # Then: the same rows and the same files, plus one audit event that still chains.
    assert "counts verified" in out.getvalue()
    assert media_digests(media) == files
    assert table_counts() == {**counts, "tracker.AuditEvent": counts["tracker.AuditEvent"] + 1}
    assert table_digests(audit_upto=last_event) == contents
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.pk, event.action, event.actor) == (last_event + 1, "backup.restored", None)
    assert event.after["database_sha256"] == manifest["database"]["sha256"]
    assert event.after["count_mismatches"] == []
    assert verify_chain() == []
    assert "backup_test_extra" not in connection.introspection.table_names()


# --- refusals --------------------------------------------------------------------------------


# The refusal tests share one good archive and run in the test's transaction (cheap on
# PostgreSQL): the archive is checked before a restore asks for autocommit, so a check that
# failed to refuse would surface as "backup_in_transaction", never as a restore.


@pytest.fixture(scope="module")
def good_archive(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """An uncompressed backup of the freshly migrated test database and one attachment."""
    folder = tmp_path_factory.mktemp("good")
    (folder / "media" / "attachments").mkdir(parents=True)
    (folder / "media" / "attachments" / "a.pdf").write_bytes(pdf_bytes("backed up"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media"):
        backups.create_backup(path=folder / "backup.tar")
    return folder / "backup.tar"


class State:
    """The site as it is now, different from the backup, which refusals must leave alone."""

    def __init__(self, media: Path):
        self.media = media
        self.counts, self.files = table_counts(), media_digests(media)

    def unchanged(self) -> bool:
        return table_counts() == self.counts and media_digests(self.media) == self.files


@pytest.fixture
def current(db, media) -> State:
    Jurisdiction.objects.create(name="新增市")
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "a.pdf").write_bytes(pdf_bytes("changed since"))
    (media / "attachments" / "b.pdf").write_bytes(pdf_bytes("new since"))
    return State(media)


def rewrite(source: Path, target: Path, *, manifest=None, change=None, drop=(), extra=None):
    """Copy an archive with its manifest edited, members changed or dropped, members added.

    ``manifest`` edits the parsed manifest; ``change`` maps a member name to a function of its
    (name, bytes) returning new ones; ``extra`` maps names of added members to their bytes.
    """
    change = change or {}
    with tarfile.open(source, "r:*") as old, tarfile.open(target, "w:gz") as new:
        members = [(m.name, old.extractfile(m).read()) for m in old.getmembers()]
        for name, data in [*members, *(extra or {}).items()]:
            if name in drop:
                continue
            if name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            if name in change:
                name, data = change[name](name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


def dump_of(vendor: str) -> str:
    return backups.DUMP_NAMES[vendor]


OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}


# Each builds a bad archive in ``folder`` from the ``good`` one.


def missing_file(good, folder):
    return folder / "nowhere.tar.gz"


def not_an_archive(good, folder):
    path = folder / "renamed-report.tar.gz"
    path.write_bytes(pdf_bytes())
    return path


def truncated(good, folder):
    path = folder / "cut.tar.gz"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def media_changed(good, folder):
    name = "media/attachments/a.pdf"
    return rewrite(good, folder / "m.tar.gz", change={name: lambda n, b: (n, b + b"%")})


def database_changed(good, folder):
    name = dump_of(connection.vendor)

    def flip_last_byte(name, data):
        return name, data[:-1] + bytes([data[-1] ^ 1])

    return rewrite(good, folder / "d.tar.gz", change={name: flip_last_byte})


def without_manifest(good, folder):
    return rewrite(good, folder / "n.tar.gz", drop={"manifest.json"})


def unlisted_member(good, folder):
    return rewrite(good, folder / "u.tar.gz", extra={"media/run.sh": b"rm -rf /"})


def path_outside_media(good, folder):
    def escape(manifest):
        manifest["media"]["../../escaped.pdf"] = manifest["media"]["attachments/a.pdf"]
        return manifest

    extra = {"media/../../escaped.pdf": b"x"}
    return rewrite(good, folder / "e.tar.gz", manifest=escape, extra=extra)


def other_vendor(good, folder):
    vendor = OTHER_VENDOR[connection.vendor]

    def relabel(manifest):
        manifest["database"].update(vendor=vendor, file=dump_of(vendor))
        return manifest

    rename = {dump_of(connection.vendor): lambda n, b: (dump_of(vendor), b)}
    return rewrite(good, folder / "v.tar.gz", manifest=relabel, change=rename)


def newer_migrations(good, folder):
    def newer(manifest):
        manifest["migrations"]["tracker"] = "9999_from_a_newer_version"
        return manifest

    return rewrite(good, folder / "f.tar.gz", manifest=newer)


# id → (builder, expected code, part of the message)
BAD_ARCHIVES = {
    "missing-file": (missing_file, "backup_missing", "There is no backup file"),
    "not-an-archive": (not_an_archive, "backup_not_archive", "is not a backup archive"),
    "truncated": (truncated, "backup_damaged", "damaged or incomplete"),
    "media-checksum": (media_changed, "backup_checksum_mismatch", "does not match its checksum"),
    "database-checksum": (
        database_changed,
        "backup_checksum_mismatch",
        "does not match its checksum",
    ),
    "no-manifest": (without_manifest, "backup_no_manifest", "holds no backup manifest"),
    "unlisted-member": (unlisted_member, "backup_unexpected_member", "does not list"),
    "path-outside-media": (path_outside_media, "backup_bad_manifest", "is not readable"),
    "other-vendor": (other_vendor, "backup_vendor_mismatch", "this site runs on"),
    "newer-migrations": (newer_migrations, "backup_newer_than_code", "newer version"),
}


@pytest.mark.parametrize("case", BAD_ARCHIVES, ids=list(BAD_ARCHIVES))
def test_a_bad_archive_is_refused_with_a_clear_message_and_changes_nothing(
    case, good_archive, current, tmp_path
):
    build, code, message = BAD_ARCHIVES[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = build(good_archive, folder)

    with pytest.raises(DomainError) as caught:
        backups.restore_backup(path=bad)

    assert (caught.value.code, message in caught.value.message) == (code, True)
    assert current.unchanged()
    assert not (tmp_path / "escaped.pdf").exists()
    assert not list(tmp_path.glob(".duban-restore-*"))  # no staging folder left behind


@pytest.mark.django_db(transaction=True)
def test_a_dump_the_database_refuses_changes_nothing(good_archive, current, tmp_path):
    # Given: an archive whose checksums match, but whose dump is no database at all.
    garbage = b"not a database dump" * 100
    name = dump_of(connection.vendor)

    def relabel(manifest):
        manifest["database"]["sha256"] = hashlib.sha256(garbage).hexdigest()
        return manifest

    bad = rewrite(
        good_archive,
        tmp_path / "g.tar.gz",
        manifest=relabel,
        change={name: lambda n, b: (n, garbage)},
    )

    with pytest.raises(DomainError) as caught:
        backups.restore_backup(path=bad)

    assert caught.value.code == "backup_restore_failed"
    assert current.unchanged()


def test_verify_checks_every_checksum_and_changes_nothing(good_archive, current, tmp_path):
    manifest = backups.verify_backup(path=good_archive)
    assert list(manifest["media"]) == ["attachments/a.pdf"]

    with pytest.raises(DomainError) as caught:
        backups.verify_backup(path=media_changed(good_archive, tmp_path))

    assert caught.value.code == "backup_checksum_mismatch"
    assert current.unchanged()


def test_the_restore_command_exits_non_zero_on_a_refused_archive(good_archive, current, tmp_path):
    bad = media_changed(good_archive, tmp_path)

    # manage.py turns a CommandError into its message on stderr and this exit status.
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(bad), interactive=False)

    assert caught.value.returncode != 0
    assert str(caught.value).startswith("backup_checksum_mismatch: media/attachments/a.pdf in")
    assert current.unchanged()


def test_a_restore_not_confirmed_changes_nothing(good_archive, current, monkeypatch):
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "no")
    out = io.StringIO()

    call_command("restore", str(good_archive), stdout=out)

    assert "Type 'yes' to continue" in prompts[0]
    assert "cancelled" in out.getvalue()
    assert current.unchanged()


def test_a_backup_never_overwrites_a_file(good_archive, current):
    before = good_archive.read_bytes()

    with pytest.raises(CommandError, match="backup_exists"):
        call_command("backup", output=str(good_archive))

    assert good_archive.read_bytes() == before


def test_backup_and_restore_refuse_to_run_inside_a_transaction(good_archive, current, tmp_path):
    # Inside a transaction a dump would see uncommitted rows, and a restore would wait forever
    # for the locks of its own connection.
    with pytest.raises(DomainError) as caught:
        backups.create_backup(path=tmp_path / "b.tar")
    assert caught.value.code == "backup_in_transaction"
    assert not (tmp_path / "b.tar").exists()

    with pytest.raises(DomainError) as caught:
        backups.restore_backup(path=good_archive)
    assert caught.value.code == "backup_in_transaction"
    assert current.unchanged()


# --- finding the PostgreSQL client -----------------------------------------------------------


def _tool(folder: Path) -> Path:
    folder.mkdir(parents=True)
    tool = folder / "pg_dump"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    return tool


def test_the_newest_debian_postgresql_client_is_chosen(tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "PG_ROOT", tmp_path)
    _tool(tmp_path / "9" / "bin")
    newest = _tool(tmp_path / "16" / "bin")
    _tool(tmp_path / "15" / "bin")

    assert backups.pg_tool("pg_dump") == str(newest)


def test_a_missing_postgresql_client_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "PG_ROOT", tmp_path / "none")
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(DomainError) as caught:
        backups.pg_tool("pg_dump")

    assert caught.value.code == "backup_tool_missing"
    assert "pg_dump was not found" in caught.value.message
