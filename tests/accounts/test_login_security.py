"""Login security: lockout, password policy, idle sessions, forced password change."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import change_password
from accounts.validators import CharacterClassValidator
from tests.conftest import api_client
from tracker.errors import DomainError
from tracker.models import AuditEvent

PASSWORD = "Strong-pass-2025"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def dora(db):
    """A user who signs in with a password (not force_login), to exercise axes."""
    return User.objects.create_user(username="dora", password=PASSWORD)


def lockout_message() -> str:
    """The lockout sentence as a request in the default language (zh-hans) renders it."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return str(django_settings.AXES_COOLOFF_MESSAGE)


def sign_in(client, password, username="dora", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout on the sign-in page -----------------------------------------------------------


def test_the_fifth_failure_locks_out_and_the_right_password_is_then_refused(client, dora):
    for _ in range(4):
        response = sign_in(client, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
        assert lockout_message() not in response.content.decode()

    fifth = sign_in(client, "wrong-password")
    assert fifth.status_code == 429
    assert lockout_message() in fifth.content.decode()
    assert "30" in lockout_message()

    sixth = sign_in(client, PASSWORD)
    assert sixth.status_code == 429
    assert lockout_message() in sixth.content.decode()
    assert not is_signed_in(client)


def test_sign_in_works_again_after_the_thirty_minute_cool_off(client, dora):
    for _ in range(5):
        sign_in(client, "wrong-password")

    # given the last failure 29 minutes ago: still locked
    last = AccessAttempt.objects.get(username="dora").attempt_time
    AccessAttempt.objects.update(attempt_time=last - timedelta(minutes=29))
    assert sign_in(client, PASSWORD).status_code == 429

    # given it 31 minutes ago (tries during the lockout do not extend it): signed in
    AccessAttempt.objects.update(attempt_time=last - timedelta(minutes=31))
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_lockout_is_for_the_username_and_address_together(client, dora):
    User.objects.create_user(username="erin", password=PASSWORD)
    for _ in range(5):
        sign_in(client, "wrong-password")

    # another user from the same address
    assert sign_in(client, PASSWORD, username="erin").status_code == 302
    client.logout()
    # the same user from another address
    assert sign_in(client, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, dora):
    for _ in range(4):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert sign_in(client, "wrong-password").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def test_axes_can_be_switched_off(client, dora, settings):
    settings.AXES_ENABLED = False
    for _ in range(6):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302


# --- lockout on the API token endpoint --------------------------------------------------------


def test_token_endpoint_counts_failures_and_refuses_a_locked_out_user(dora):
    client = APIClient()
    for _ in range(4):
        response = client.post(TOKEN_URL, {"username": "dora", "password": "wrong-password"})
        assert response.status_code == 400

    fifth = client.post(TOKEN_URL, {"username": "dora", "password": "wrong-password"})
    assert fifth.status_code == 429
    assert fifth.json() == {"code": "locked_out", "detail": lockout_message()}
    assert fifth["Retry-After"] == str(30 * 60)

    sixth = client.post(TOKEN_URL, {"username": "dora", "password": PASSWORD})
    assert sixth.status_code == 429
    assert sixth.json()["code"] == "locked_out"
    assert not Token.objects.filter(user=dora).exists()


def test_failures_on_the_page_and_the_token_endpoint_add_up(client, dora):
    for _ in range(3):
        sign_in(client, "wrong-password")
    for _ in range(2):
        APIClient().post(TOKEN_URL, {"username": "dora", "password": "wrong-password"})

    assert sign_in(client, PASSWORD).status_code == 429


def test_token_endpoint_gives_a_token_for_the_right_password(dora):
    response = APIClient().post(TOKEN_URL, {"username": "dora", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=dora).key


def test_force_login_and_force_authenticate_still_work(client, dora):
    client.force_login(dora)
    assert client.get("/").status_code == 200

    api = APIClient()
    api.force_authenticate(dora)
    assert api.get("/api/v1/units/").status_code == 200


# --- password policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("abcdefghij", False),  # lower only
        ("abcdefgh12", False),  # lower, digit
        ("abcdefgh-!", False),  # lower, symbol
        ("abcdefgh1!", True),  # lower, digit, symbol
        ("Abcdefgh12", True),  # upper, lower, digit
        ("ABCDEFGH1!", True),  # upper, digit, symbol
        ("Ab1!", True),  # all four (length is another validator's business)
        ("督办督办ab12", True),  # a Chinese character counts as a symbol
    ],
)
def test_character_class_validator_wants_three_of_four_kinds(password, accepted):
    validator = CharacterClassValidator()
    if accepted:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert exc.value.error_list[0].code == "password_too_few_character_classes"
        assert "3" in exc.value.messages[0]


def test_character_class_validator_refuses_an_impossible_setting():
    with pytest.raises(ValueError):
        CharacterClassValidator(min_classes=5)


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Ab1-short", False),  # nine characters
        ("duban-demo", False),  # ten characters, two kinds
        ("Duban-demo-2025", True),
    ],
)
def test_password_policy_needs_ten_characters_and_three_kinds(db, password, accepted):
    if accepted:
        password_validation.validate_password(password)
    else:
        with pytest.raises(ValidationError):
            password_validation.validate_password(password)


def test_password_help_text_explains_the_character_kinds():
    with translation.override("en"):
        texts = password_validation.password_validators_help_texts()
    assert any("10" in text for text in texts)
    assert any("at least 3 of these four kinds" in text for text in texts)


# --- sessions ------------------------------------------------------------------------------


def test_session_settings_end_idle_sessions_and_browser_sessions():
    assert django_settings.SESSION_COOKIE_AGE == 1800
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_session_cookie_ends_with_the_browser_and_the_session_after_thirty_minutes(client, dora):
    response = sign_in(client, PASSWORD)

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_each_request_renews_the_session_and_thirty_idle_minutes_end_it(client, dora):
    sign_in(client, PASSWORD)
    start = timezone.now()

    def at(minutes):
        return mock.patch(
            "django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)
        )

    with at(20):
        assert client.get("/").status_code == 200
    with at(40):  # 40 minutes after sign-in, 20 after the last request
        assert client.get("/").status_code == 200
    with at(71):  # 31 idle minutes
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- forced password change ----------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    """A user with an initial password they must change."""
    return User.objects.create_user(
        username="nick", password="Initial-pass-1", must_change_password=True, is_staff=True
    )


def test_pages_redirect_to_the_change_page_until_the_password_is_changed(
    client, newcomer, settings
):
    settings.DEBUG = False
    client.force_login(newcomer)

    for url in ("/", reverse("clauses:upload"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_api_refuses_the_user_with_a_code_for_session_and_token(client, newcomer, settings):
    settings.DEBUG = False
    client.force_login(newcomer)
    for response in (client.get("/api/v1/units/"), api_client(newcomer).get("/api/v1/tasks/")):
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "password_change_required"
        assert reverse("password_change") in body["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/documents/", "/api/v1/audit-events/", "/api/v1/assignments/"]
)
def test_views_with_their_own_permissions_also_refuse_the_user(newcomer, settings, path):
    settings.DEBUG = False
    newcomer.is_superuser = True  # would pass every other check
    newcomer.save()
    response = api_client(newcomer).get(path)
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_token_endpoint_still_answers_a_user_who_must_change_password(newcomer, settings):
    settings.DEBUG = False
    response = APIClient().post(
        TOKEN_URL, {"username": "nick", "password": "Initial-pass-1"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_nothing_is_forced_with_debug_on(client, newcomer, settings):
    settings.DEBUG = True
    client.force_login(newcomer)
    assert client.get("/").status_code == 200
    assert api_client(newcomer).get("/api/v1/units/").status_code == 200


def test_changing_the_password_clears_the_flag_and_records_an_event(client, newcomer, settings):
    settings.DEBUG = False
    client.force_login(newcomer)
    new = "Brand-new-pass-9"

    response = client.post(
        reverse("password_change"),
        {"old_password": "Initial-pass-1", "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert newcomer.check_password(new)
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor == newcomer
    assert event.object_id == str(newcomer.pk)
    assert event.ip_address == "127.0.0.1"
    assert event.before == {"must_change_password": True}
    assert event.after == {"must_change_password": False}
    assert new not in f"{event.before}{event.after}"
    # still signed in, and free to go anywhere
    assert client.get("/").status_code == 200
    assert api_client(newcomer).get("/api/v1/units/").status_code == 200


@pytest.mark.parametrize(
    ("new", "error"),
    [
        ("abcdefghij", "at least 3 of these four kinds"),
        ("Initial-pass-1", "must differ from the current one"),
    ],
)
def test_change_page_refuses_a_weak_or_unchanged_password(client, newcomer, settings, new, error):
    settings.DEBUG = False
    client.force_login(newcomer)

    response = client.post(
        reverse("password_change"),
        {"old_password": "Initial-pass-1", "new_password1": new, "new_password2": new},
        HTTP_ACCEPT_LANGUAGE="en",  # the messages are compared in English
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password
    assert newcomer.check_password("Initial-pass-1")
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()


def test_change_password_service_checks_the_policy_itself(newcomer):
    with pytest.raises(DomainError) as exc:
        change_password(user=newcomer, new_password="short")
    assert exc.value.code == "password_invalid"
    newcomer.refresh_from_db()
    assert newcomer.must_change_password


def test_demo_accounts_must_change_their_published_password_once(db):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    demo = User.objects.filter(username__in=["admin", "sz_supervisor", "sz_jrj_staff"])
    assert demo.count() == 3
    assert all(user.must_change_password for user in demo)

    # a rerun does not force a second change on someone who already changed it
    User.objects.filter(username="sz_supervisor").update(must_change_password=False)
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert not User.objects.get(username="sz_supervisor").must_change_password
