"""What `make run` loads: registry, the five seeds (six documents), demo accounts."""

from io import StringIO

from django.core.management import call_command

from accounts.models import Membership, Unit, User
from clauses.models import PolicyDocument
from clauses.resolver import resolve_units
from tests.conftest import table_counts


def test_load_demo_is_complete_and_idempotent(db):
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=out)
    assert PolicyDocument.objects.count() == 6, out.getvalue()
    assert User.objects.filter(username__endswith="_supervisor").count() == 5
    assert Membership.objects.filter(role="staff").count() >= 4
    assert "duban-demo" in out.getvalue()

    before = table_counts()
    call_command("load_demo", stdout=StringIO())
    assert table_counts() == before


def test_demo_registry_joins_and_separates_the_right_names(db):
    call_command("load_units", stdout=StringIO())

    def unit(jurisdiction, name):
        resolved = resolve_units(
            jurisdiction=Unit.objects.filter(jurisdiction__name=jurisdiction).first().jurisdiction,
            names=[name],
        )
        return resolved[name].unit

    assert unit("广州市", "市人社局") == unit("广州市", "市人力资源社会保障局") is not None
    assert unit("深圳市", "人行分行") == unit("深圳市", "中国人民银行深圳市分行") is not None
    assert unit("广州市", "市科技局") != unit("郑州市", "市科技局")
