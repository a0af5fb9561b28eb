"""Fixtures shared by every suite: the unit registry, personas, clients, seed files."""

from pathlib import Path

import pytest
from django.apps import apps
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Jurisdiction, Membership, Unit, User

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "demo" / "seeds"
SHARED = REPO.parent / "shared"

PROJECT_APPS = ("accounts", "clauses", "tracker", "reports")


def table_counts() -> dict[str, int]:
    """Row count of every model of the project, to prove that bad input wrote nothing."""
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


# Files every intake interface must refuse without writing: id → (content, file name, code).
# The over-size file is built on demand (see bad_file) to keep 20 MB out of module import.
BAD_FILES = {
    "empty": (b"", "empty.txt", "empty"),
    "binary": (bytes(range(256)) * 64, "binary.txt", "binary"),
    "no-clauses": (
        "这是一段没有任何条款编号的普通文字。\n只是说明。".encode(),
        "plain.txt",
        "no_clauses",
    ),
    "unknown-encoding": (b"\xef\xbb\xbf\xff\xfe\xfa" * 100, "bom.txt", "unknown_encoding"),
    "docx-not-zip": (b"PK-not-a-zip" * 10, "broken.docx", "not_docx"),
    "over-20-mb": (None, "big.txt", "too_large"),
}


def bad_file(key: str) -> tuple[bytes, str, str]:
    """(content, file name, expected error code) of one of BAD_FILES."""
    content, name, code = BAD_FILES[key]
    if content is None:
        content = "一".encode() * (20 * 1024 * 1024 // 3 + 1)
    return content, name, code


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def seed(name_prefix: str) -> Path:
    """The seed file whose name starts with ``name_prefix`` (e.g. "002")."""
    return next(SEEDS.glob(f"{name_prefix}_*.txt"))


def plan_file(tmp_path, *clauses: str, city: str = "深圳市", name: str = "plan.txt") -> Path:
    """A small policy text of ``city`` with one section holding ``clauses`` (as printed)."""
    path = tmp_path / name
    body = "\n\n".join(clauses)
    path.write_text(
        f"{city}关于促进科技金融的若干措施\n\n一、主要任务\n\n{body}\n", encoding="utf-8"
    )
    return path


def platform_clause(units: str) -> str:
    """Clause （一） of the test plans, naming ``units`` in a （责任单位：…） note."""
    return f"（一）建设服务平台。建设全市统一的融资服务平台。（责任单位：{units}）"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def registry(db):
    """The shipped unit registry of the five jurisdictions."""
    from accounts.registry import load_registry

    load_registry()


@pytest.fixture
def shenzhen(registry):
    return Jurisdiction.objects.get(name="深圳市")


@pytest.fixture
def guangzhou(registry):
    return Jurisdiction.objects.get(name="广州市")


def _user(username, *, role=None, jurisdiction=None, unit=None, superuser=False):
    user = User.objects.create_user(
        username=username, password="pw-" + username, is_superuser=superuser
    )
    if role:
        Membership.objects.create(user=user, role=role, jurisdiction=jurisdiction, unit=unit)
    return user


@pytest.fixture
def sz_supervisor(shenzhen):
    """Alice supervises 深圳市."""
    return _user("alice", role=Role.SUPERVISOR, jurisdiction=shenzhen)


@pytest.fixture
def gz_supervisor(guangzhou):
    """Bob supervises 广州市."""
    return _user("bob", role=Role.SUPERVISOR, jurisdiction=guangzhou)


@pytest.fixture
def gz_staff(guangzhou):
    """Carol works at 广州市科技局."""
    unit = Unit.objects.get(jurisdiction=guangzhou, aliases__name="市科技局")
    return _user("carol", role=Role.STAFF, jurisdiction=guangzhou, unit=unit)


@pytest.fixture
def admin_user(db):
    return _user("root", superuser=True)


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# ---------------------------------------------------------------------------------------------
# The workflow world: one 深圳市 document whose task （一） is led by 市地方金融监管局 with
# 人民银行深圳市分行 in support, task （二） assigned to 市发展改革委 alone, and the seven
# personas of the permission matrix.

WORLD_TEXT = """深圳市关于促进科技金融的若干措施

各有关单位：排在第一位的为牵头单位。

一、主要任务

（一）建设服务平台。建设全市统一的融资服务平台，服务企业不少于500家。（责任单位：市地方金融监管局、人民银行深圳市分行）

（二）完善风险补偿。设立科技信贷风险补偿资金池。（责任单位：市发展改革委）
"""

PASSWORD = "Duban-2026-pass"


class World:
    """Objects and personas of the workflow tests (attributes set by the ``world`` fixture)."""


def make_world() -> World:
    """Import the world document and create its personas; needs the registry loaded."""
    from clauses.services import import_document
    from tracker.models import Assignment

    w = World()
    w.shenzhen = Jurisdiction.objects.get(name="深圳市")
    w.guangzhou = Jurisdiction.objects.get(name="广州市")
    result = import_document(
        data=WORLD_TEXT.encode(), filename="world.txt", jurisdiction=w.shenzhen
    )
    w.document = result.documents[0].document
    w.task, w.other_task = list(w.document.tasks.order_by("order"))
    w.lead = Assignment.objects.get(task=w.task, role="lead")
    w.support = Assignment.objects.get(task=w.task, role="support")
    w.unrelated = Assignment.objects.get(task=w.other_task)
    w.lead_unit, w.support_unit = w.lead.unit, w.support.unit

    def person(username, **kwargs):
        user = _user(username, **kwargs)
        user.set_password(PASSWORD)
        user.save()
        return user

    w.anonymous = None
    w.staff = person("staff", role=Role.STAFF, jurisdiction=w.shenzhen, unit=w.lead_unit)
    w.leader = person("leader", role=Role.UNIT_LEADER, jurisdiction=w.shenzhen, unit=w.lead_unit)
    w.co_staff = person("costaff", role=Role.STAFF, jurisdiction=w.shenzhen, unit=w.support_unit)
    w.other_staff = person(
        "otherstaff", role=Role.STAFF, jurisdiction=w.shenzhen, unit=w.unrelated.unit
    )
    w.supervisor = person("supervisor", role=Role.SUPERVISOR, jurisdiction=w.shenzhen)
    w.other_supervisor = person("gzsupervisor", role=Role.SUPERVISOR, jurisdiction=w.guangzhou)
    w.admin = person("admin", superuser=True)
    w.admin.is_staff = True
    w.admin.save(update_fields=["is_staff"])
    return w


@pytest.fixture
def world(registry):
    return make_world()
