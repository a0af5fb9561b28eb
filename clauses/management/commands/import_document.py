"""python manage.py import_document PATH [--jurisdiction 深圳市] [--dry-run] [--json]."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.choices import UnitKind
from clauses.parsing import to_gold_dict
from clauses.readers import ReaderError
from clauses.services import UnitDecision, import_document, parse_file
from tracker.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import a policy document (.txt .docx .pdf .html). With --dry-run --json, print the parse "
        "in the schema of shared/gold/SCHEMA.md and write nothing (needs no registry)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--jurisdiction", help="e.g. 深圳市; default: read from the text")
        parser.add_argument("--dry-run", action="store_true", help="parse only, write nothing")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="NAME=UNIT_ID",
            help="record NAME as another spelling of the unit UNIT_ID (repeatable)",
        )
        parser.add_argument(
            "--create-unknown",
            choices=UnitKind.values,
            metavar="KIND",
            help="create every unknown unit name as a new unit of KIND ("
            + ", ".join(UnitKind.values)
            + ")",
        )

    def handle(self, *args, **options):
        with translation.override("en"):
            try:
                self._handle(options)
            except (DomainError, ReaderError) as exc:
                detail = str(exc.message)
                for unknown in getattr(exc, "extra", {}).get("unknown_units", []):
                    hints = (
                        ", ".join(f"{s['name']} (#{s['id']})" for s in unknown["suggestions"])
                        or "-"
                    )
                    detail += f"\n  {unknown['name']}: closest {hints}"
                raise CommandError(f"{exc.code}: {detail}") from exc

    def _handle(self, options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        data = path.read_bytes()
        if options["dry_run"]:
            self._dry_run(data, path.name, options)
            return
        decisions = {}
        for item in options["map"]:
            name, _, unit_id = item.rpartition("=")
            if not name or not unit_id.isdigit():
                raise CommandError(f"--map expects NAME=UNIT_ID, got {item!r}")
            decisions[name] = UnitDecision(unit_id=int(unit_id))
        result = import_document(
            data=data,
            filename=path.name,
            jurisdiction=options["jurisdiction"],
            decisions=_CreateUnknown(decisions, options["create_unknown"]),
        )
        rows = []
        for entry in result.documents:
            doc = entry.document
            rows.append(
                {
                    "id": doc.pk,
                    "title": doc.title,
                    "jurisdiction": doc.jurisdiction.name,
                    "version": doc.version,
                    "created": entry.created,
                    "tasks": doc.tasks.count(),
                    "added": entry.added,
                    "changed": entry.changed,
                    "removed": entry.removed,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps({"documents": rows}, ensure_ascii=False, indent=2))
            return
        for row in rows:
            state = f"v{row['version']}" if row["created"] else "unchanged (already imported)"
            self.stdout.write(
                f"#{row['id']} {row['title']} [{row['jurisdiction']}] {state}, {row['tasks']} tasks"
            )
            for what in ("added", "changed", "removed"):
                for label in row[what]:
                    self.stdout.write(f"  {what}: {label}")

    def _dry_run(self, data, filename, options):
        _result, parsed = parse_file(data=data, filename=filename)
        gold = to_gold_dict(parsed)
        if options["jurisdiction"]:
            for doc in gold["documents"]:
                doc["jurisdiction"] = options["jurisdiction"]
        if options["json"]:
            self.stdout.write(json.dumps(gold, ensure_ascii=False, indent=2))
            return
        for doc in gold["documents"]:
            self.stdout.write(f"{doc['title']} [{doc.get('jurisdiction') or '?'}]")
            for task in doc["tasks"]:
                self.stdout.write(
                    f"  {task['label']} {task['title'] or ''} — {'、'.join(task['units']) or '-'}"
                )


class _CreateUnknown(dict):
    """Decisions that create any name not decided otherwise, when --create-unknown is given."""

    def __init__(self, decisions, kind):
        super().__init__(decisions)
        self.kind = kind

    def __contains__(self, name):
        return self.kind is not None or super().__contains__(name)

    def __getitem__(self, name):
        if super().__contains__(name):
            return super().__getitem__(name)
        return UnitDecision(create=True, kind=self.kind)
