"""System checks of the security settings (``manage.py check``, ``check --deploy``)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# 等保 2.0 (level 3) asks that audit records be kept for at least six months.
MIN_AUDIT_RETENTION_DAYS = 180
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security)
def check_audit_retention(app_configs, **kwargs):
    """AUDIT_RETENTION_DAYS must promise at least 180 days."""
    days = settings.AUDIT_RETENTION_DAYS
    if not isinstance(days, int) or days < MIN_AUDIT_RETENTION_DAYS:
        return [
            checks.Error(
                f"AUDIT_RETENTION_DAYS is {days!r}; audit events must be kept for at least "
                f"{MIN_AUDIT_RETENTION_DAYS} days.",
                hint=f"Set AUDIT_RETENTION_DAYS to {MIN_AUDIT_RETENTION_DAYS} or more.",
                id="tracker.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """The sign-in rate limit needs a cache every web process shares."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.LOGIN_RATE and backend in _PER_PROCESS_CACHES:
        return [
            checks.Warning(
                f"The default cache ({backend}) is private to each process, so every gunicorn "
                "worker counts sign-in attempts on its own.",
                hint="Set CACHE_URL to a Redis database, e.g. redis://redis:6379/1.",
                id="tracker.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_proxy_https(app_configs, **kwargs):
    """Behind a proxy, the HTTPS redirect needs the proxy's word that the request was HTTPS."""
    behind_proxy = settings.NUM_PROXIES > 0
    if behind_proxy and settings.SECURE_SSL_REDIRECT and not settings.SECURE_PROXY_SSL_HEADER:
        return [
            checks.Warning(
                "NUM_PROXIES says a proxy is in front and SECURE_SSL_REDIRECT is on, but "
                "SECURE_PROXY_SSL_HEADER is not set: every request would look like plain HTTP "
                "and be redirected forever.",
                hint="Set USE_X_FORWARDED_PROTO=1 when the proxy sets X-Forwarded-Proto.",
                id="tracker.W002",
            )
        ]
    return []


DEVELOPMENT_KEY_MESSAGE = (
    "SECRET_KEY is not set. Outside DEBUG the development key is refused: set SECRET_KEY "
    "(or SECRET_KEY_FILE) to a long random string, e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
)


def _development_key_in_production() -> bool:
    return settings.PRODUCTION and settings.SECRET_KEY == settings.INSECURE_SECRET_KEY


def refuse_development_key() -> None:
    """Stop a production web server or worker from starting with the development key."""
    if _development_key_in_production():
        raise ImproperlyConfigured(DEVELOPMENT_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    """`check --deploy`: the development key in production is an error, not a warning."""
    if _development_key_in_production():
        return [checks.Error(DEVELOPMENT_KEY_MESSAGE, id="tracker.E002")]
    return []
