"""Production security settings: `check --deploy` is clean, the headers are on real responses,
the development key is refused, the Content Security Policy lets no inline script run, and
signing in is rate-limited per client address.

The production runs happen in subprocesses without PYTEST_VERSION (which marks the test suite,
see tracker/settings.py), so they see exactly what gunicorn would.
"""

import json
import os
import runpy
import secrets
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.api.throttling import client_ip
from accounts.models import User
from tests.conftest import REPO, has_chinese
from tracker import checks

SETTINGS_FILE = REPO / "tracker" / "settings.py"
HOST = "duban.example.gov.cn"
PASSWORD = "Strong-pass-2025"
TOKEN_URL = "/api/v1/auth/token/"
ONE_YEAR = 365 * 24 * 3600


def production_env(tmp_path, **extra) -> dict[str, str]:
    """The environment of a production process: no DEBUG, a real key, hosts, a shared cache.

    Built from scratch rather than from os.environ, so neither PYTEST_VERSION nor a developer's
    DEBUG=1 leaks in; DATABASE_URL is unset (SQLite under tmp_path).
    """
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CACHE_URL": "redis://127.0.0.1:6379/1",  # never connected to by these checks
        "DATA_DIR": str(tmp_path),
        **extra,
    }


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def load_settings(monkeypatch, tmp_path, **variables) -> dict:
    """Execute tracker/settings.py afresh with exactly ``variables`` set, as production would.

    The module only reads the environment and builds values, so running it again in a
    namespace of its own leaves the running Django untouched.
    """
    for name in list(os.environ):
        if name in ("PYTEST_VERSION", "DEBUG", "ALLOWED_HOSTS", "CACHE_URL", "LOGIN_RATE") or (
            name.startswith(("SECURE_", "SESSION_", "CSRF_", "USE_X_", "SECRET_KEY"))
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


# --- check --deploy and the headers of a production process --------------------------------


# Run in a production process: `manage.py check --deploy --fail-level WARNING`, then answers of
# the real middleware stack over HTTP and HTTPS (one process, to pay Django's start-up once).
PRODUCTION_PROBE = """
import io, json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
out = io.StringIO()
try:
    call_command("check", "--deploy", "--fail-level", "WARNING", stdout=out, stderr=out)
    check = {"ok": True, "output": out.getvalue()}
except SystemCheckError as exc:
    check = {"ok": False, "output": out.getvalue() + str(exc)}
client = Client(HTTP_HOST="duban.example.gov.cn")
def answer(path, secure):
    r = client.get(path, secure=secure)
    return {"status": r.status_code, "location": r.get("Location"),
            "headers": dict(r.headers.items()),
            "secure_cookies": {k: bool(m["secure"]) for k, m in r.cookies.items()}}
print(json.dumps({
    "check": check,
    "health_http": answer("/healthz/", False),
    "login_http": answer("/login/", False),
    "login_https": answer("/login/", True),
    "login_rate": settings.LOGIN_RATE,
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What a production process (DEBUG=0, a real key, hosts, Redis cache) checks and answers."""
    env = production_env(tmp_path_factory.mktemp("production"))
    env["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    result = run(["-c", PRODUCTION_PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings(production):
    assert production["check"]["ok"], production["check"]["output"]
    assert "System check identified no issues" in production["check"]["output"]


def csp_directives(header: str) -> dict[str, list[str]]:
    """{"script-src": ["'self'", "'nonce-…'"], …} of a Content-Security-Policy header."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_production_redirects_plain_http_except_the_health_check(production):
    assert production["login_http"]["status"] == 301
    assert production["login_http"]["location"] == f"https://{HOST}/login/"
    # the container health check calls http://127.0.0.1:8000/healthz/ and must not be redirected
    assert production["health_http"]["status"] == 200


def test_production_pages_carry_the_security_headers(production):
    login = production["login_https"]
    headers = login["headers"]
    assert login["status"] == 200
    assert headers["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = csp_directives(headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "upgrade-insecure-requests" in policy
    # the CSRF cookie of the sign-in form is sent over HTTPS only
    assert login["secure_cookies"] == {"csrftoken": True}


def test_production_limits_sign_in_attempts_by_default(production):
    assert production["login_rate"] == "30/minute"


# --- the settings, read as production reads them ------------------------------------------


def test_the_development_key_is_refused_outside_debug(tmp_path):
    # a production web server (the WSGI entry point) does not start with the development key
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), "DEBUG": "0"}
    env["ALLOWED_HOSTS"] = HOST
    server = subprocess.run(
        [sys.executable, "-c", "import tracker.wsgi"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert server.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in server.stderr
    # and check --deploy reports it as an error
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert deploy.returncode != 0
    assert "tracker.E002" in deploy.stderr


def test_the_development_key_is_refused_by_the_worker(settings):
    from tracker.celery import refuse_development_key

    settings.PRODUCTION = True
    settings.SECRET_KEY = settings.INSECURE_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        refuse_development_key()
    settings.SECRET_KEY = "k" * 60
    refuse_development_key()  # a real key: the worker starts


def test_a_development_machine_may_run_without_a_key(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path, DEBUG="1")
    assert values["SECRET_KEY"] == "insecure-development-key-change-me"
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert "localhost" in values["ALLOWED_HOSTS"]


def test_production_defaults_are_secure_and_hosts_must_be_named(monkeypatch, tmp_path):
    values = load_settings(monkeypatch, tmp_path, DEBUG="0", SECRET_KEY="k" * 60)
    assert values["PRODUCTION"] is True
    assert values["ALLOWED_HOSTS"] == []  # Django then refuses every request: hosts are required
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == ONE_YEAR
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["LOGIN_RATE"] == "30/minute"


def test_production_security_settings_follow_the_environment(monkeypatch, tmp_path):
    values = load_settings(
        monkeypatch,
        tmp_path,
        DEBUG="0",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS=f"{HOST},duban.internal",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_PRELOAD="0",
        USE_X_FORWARDED_PROTO="1",
        CACHE_URL="redis://redis:6379/1",
        LOGIN_RATE="5/minute",
    )
    assert values["ALLOWED_HOSTS"] == [HOST, "duban.internal"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://redis:6379/1"
    assert values["LOGIN_RATE"] == "5/minute"


def test_the_test_suite_runs_on_plain_http_with_the_development_key(settings):
    assert settings.TESTING and not settings.PRODUCTION
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False


# --- system checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "errors"), [(179, ["tracker.E001"]), (180, []), (3650, [])])
def test_audit_retention_below_180_days_is_an_error(settings, days, errors):
    settings.AUDIT_RETENTION_DAYS = days
    assert [e.id for e in checks.check_audit_retention(None)] == errors


def test_a_per_process_cache_is_a_deploy_warning_while_sign_ins_are_limited(settings):
    settings.LOGIN_RATE = "30/minute"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in checks.check_shared_cache(None)] == ["tracker.W001"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }
    }
    assert checks.check_shared_cache(None) == []


def test_https_redirect_behind_a_proxy_without_its_header_is_a_deploy_warning(settings):
    settings.NUM_PROXIES, settings.SECURE_SSL_REDIRECT = 1, True
    settings.SECURE_PROXY_SSL_HEADER = None
    assert [w.id for w in checks.check_proxy_https(None)] == ["tracker.W002"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert checks.check_proxy_https(None) == []


# --- Content Security Policy on the pages ---------------------------------------------------


def inline_code(html: str) -> list[str]:
    """Inline scripts without a nonce, event-handler attributes and javascript: links in a page."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        data_block = script.get("type", "").endswith("json")
        if not script.get("src") and not script.get("nonce") and not data_block:
            found.append(str(script)[:80])
    for tag in soup.find_all(True):
        found += [f"{tag.name}[{name}]" for name in tag.attrs if name.lower().startswith("on")]
        for name in ("href", "src", "action"):
            if str(tag.get(name, "")).strip().lower().startswith("javascript:"):
                found.append(f"{tag.name}[{name}]")
    return found


def test_every_page_has_a_csp_and_no_inline_code_without_the_nonce(world, client):
    # given a superuser, who sees every page, including the admin and the API docs
    client.force_login(world.admin)
    pages = [
        "/login/",
        "/",
        reverse("tracker:my-tasks"),
        reverse("tracker:assignment-detail", args=[world.lead.pk]),
        reverse("tracker:review-queue"),
        reverse("clauses:upload"),
        reverse("clauses:document-detail", args=[world.document.pk]),
        reverse("dashboards:overview"),
        reverse("reports:period-list"),
        "/admin/",
        "/admin/accounts/unit/",
        "/api/v1/tasks/",  # DRF's browsable API
        "/api/docs/",
        "/api/redoc/",
    ]
    for path in pages:
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, path
        policy = csp_directives(response["Content-Security-Policy"])
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-eval'" not in policy["script-src"], path
        assert inline_code(response.content.decode()) == [], path


def test_the_swagger_page_marks_its_inline_script_with_the_response_nonce(world, client):
    client.force_login(world.admin)
    first, second = client.get("/api/docs/"), client.get("/api/docs/")
    nonces = []
    for response in (first, second):
        policy = csp_directives(response["Content-Security-Policy"])
        nonce = next(w for w in policy["script-src"] if w.startswith("'nonce-"))[7:-1]
        inline = [s for s in BeautifulSoup(response.content, "html.parser").find_all("script")]
        assert [s.get("nonce") for s in inline if not s.get("src")] == [nonce]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # a fresh nonce per response


def test_redoc_loads_no_fonts_from_the_internet(world, client):
    client.force_login(world.admin)
    assert "fonts.googleapis.com" not in client.get("/api/redoc/").content.decode()


# --- rate limit on signing in ----------------------------------------------------------------


@pytest.fixture
def login_rate(settings):
    """Three sign-in attempts a minute per address, counted from zero in this test."""
    settings.LOGIN_RATE = "3/minute"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dora(db):
    return User.objects.create_user(username="dora", password=PASSWORD)


def sign_in(client, password, **extra):
    return client.post(reverse("login"), {"username": "dora", "password": password}, **extra)


def test_the_sign_in_page_answers_the_attempt_past_the_limit_with_429(client, dora, login_rate):
    for _ in range(3):
        assert sign_in(client, "wrong-password").status_code == 200  # the form, with its error

    fourth = sign_in(client, PASSWORD)  # even the right password
    assert fourth.status_code == 429
    seconds = int(fourth["Retry-After"])
    assert 1 <= seconds <= 60
    message = fourth.context["message"]
    assert has_chinese(message) and str(seconds) in message
    assert message in fourth.content.decode()
    assert "_auth_user_id" not in client.session
    # the refused attempt never reached the password check: axes counted three failures
    assert AccessAttempt.objects.get(username="dora").failures_since_start == 3


def test_the_token_endpoint_answers_the_attempt_past_the_limit_with_429(dora, login_rate):
    api = APIClient()
    for _ in range(3):
        response = api.post(TOKEN_URL, {"username": "dora", "password": "wrong-password"})
        assert response.status_code == 400

    fourth = api.post(TOKEN_URL, {"username": "dora", "password": PASSWORD})
    assert fourth.status_code == 429
    body = fourth.json()
    assert body["code"] == "throttled"
    assert has_chinese(body["detail"]) and fourth["Retry-After"] in body["detail"]
    assert not Token.objects.filter(user=dora).exists()


def test_the_page_and_the_token_endpoint_share_one_count(client, dora, login_rate):
    sign_in(client, "wrong-password")
    sign_in(client, "wrong-password")
    assert (
        APIClient().post(TOKEN_URL, {"username": "dora", "password": PASSWORD}).status_code == 200
    )
    assert (
        APIClient().post(TOKEN_URL, {"username": "dora", "password": PASSWORD}).status_code == 429
    )


def test_another_address_is_not_limited(client, dora, login_rate):
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_behind_the_proxy_the_forwarded_address_counts_and_forged_entries_do_not_help(
    client, dora, login_rate, settings
):
    # given one trusted proxy in front, which appends the address it saw
    settings.NUM_PROXIES = 1
    for n in range(3):
        forged = f"10.9.9.{n}, 203.0.113.7"  # the client prepends whatever it likes
        sign_in(client, "wrong-password", REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR=forged)
    refused = sign_in(
        client, PASSWORD, REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7"
    )
    assert refused.status_code == 429
    # another client behind the same proxy is counted apart
    other = sign_in(client, PASSWORD, REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert other.status_code == 302


def test_with_no_limit_configured_nothing_is_refused(client, dora, settings):
    settings.LOGIN_RATE = ""
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302


def test_an_unreachable_cache_lets_sign_ins_through(client, dora, login_rate):
    # given the cache is a Redis nobody listens on (Redis down): refused at once, not hung
    redis_down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=redis_down):
        for _ in range(4):  # past the limit, which cannot be counted
            response = APIClient().post(TOKEN_URL, {"username": "dora", "password": PASSWORD})
            assert response.status_code == 200
        assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1", "203.0.113.7"),  # no proxy: the header is ignored
        (1, "172.18.0.2", None, "172.18.0.2"),
        (1, "172.18.0.2", "10.0.0.1, 203.0.113.7", "203.0.113.7"),
        (2, "172.18.0.2", "10.0.0.1, 203.0.113.7, 172.18.0.9", "203.0.113.7"),
        (3, "172.18.0.2", "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies
        (1, "172.18.0.2", "not-an-address", "172.18.0.2"),
        (1, "172.18.0.2", " , ", "172.18.0.2"),
        (1, "172.18.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.NUM_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **extra)) == expected


def test_behind_the_proxy_the_lockout_is_per_client_not_for_everyone(client, dora, settings):
    # given one trusted proxy: every request comes from its address
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "172.18.0.2"}
    for _ in range(5):
        last = sign_in(client, "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert last.status_code == 429  # axes locked dora out at 203.0.113.7
    # dora at another client address behind the same proxy is not locked out
    other = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert other.status_code == 302


# --- the API docs in a real browser under the policy -----------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")
def test_swagger_and_redoc_render_under_the_policy_without_a_violation(live_server, admin_user):
    from playwright.sync_api import sync_playwright

    admin_user.set_password(PASSWORD)
    admin_user.save()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", admin_user.username)
            page.fill("#id_password", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url(lambda url: "/login/" not in url)
            problems = []
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))

            page.goto(f"{live_server.url}/api/docs/")
            page.wait_for_selector(".swagger-ui .opblock")  # the operations, from the schema
            page.goto(f"{live_server.url}/api/redoc/")
            page.wait_for_selector("[role=menuitem]")  # ReDoc's side menu, from the schema
        finally:
            browser.close()
    # ReDoc always shows its vendor's logo from cdn.redoc.ly; the policy blocks it (no request
    # leaves the intranet) and ReDoc then hides the image. Nothing else may be refused.
    assert [p for p in problems if "https://cdn.redoc.ly/" not in p] == []
