"""The production shape in docker-compose.yml (no Docker engine runs here, so read the file)."""

import re

import yaml

from tests.conftest import REPO

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
SETTINGS_SOURCE = (REPO / "tracker" / "settings.py").read_text(encoding="utf-8")


def settings_variables() -> set[str]:
    """Every environment variable tracker/settings.py reads (env.str("X"), env.db("X") …)."""
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS_SOURCE))


def test_services_of_the_production_shape():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_postgres_and_redis_have_health_checks_and_volumes():
    for name, probe in (("postgres", "pg_isready"), ("redis", "redis-cli")):
        service = SERVICES[name]
        assert probe in " ".join(service["healthcheck"]["test"])
        assert service["volumes"], name
        volume = service["volumes"][0].split(":")[0]
        assert volume in COMPOSE["volumes"]


def test_app_services_run_the_right_commands():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "tracker.wsgi:application"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "tracker", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "tracker", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert SERVICES["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert (
            SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
        assert SERVICES[name]["build"] == "."
    # migrate waits for healthy PostgreSQL and Redis; the others wait for migrate
    for dependency in ("postgres", "redis"):
        assert SERVICES["migrate"]["depends_on"][dependency]["condition"] == "service_healthy"


def test_every_variable_the_app_services_set_is_read_by_the_settings():
    read = settings_variables()
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= read
    for name in ("web", "worker", "beat", "migrate"):
        assert set(SERVICES[name]["environment"]) <= read, name
    example = REPO / ".env.example"
    keys = {
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert keys - {"POSTGRES_PASSWORD"} <= read


def test_web_has_a_health_check_on_an_existing_url(client, db):
    assert "healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    body = client.get("/healthz/").json()
    assert body["status"] == "ok" and body["database"] is True


def test_dockerfile_serves_with_gunicorn():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "collectstatic" in dockerfile
    requirements = (REPO / "requirements.txt").read_text()
    assert re.search(r"^gunicorn==", requirements, re.M)
