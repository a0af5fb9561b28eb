"""Settings of the app processes in the fault tests: the project's, with a fast hasher."""

from tracker.settings import *  # noqa: F403

# Users are created by the tests and their subprocesses: the production hasher is slow on
# purpose (tests/conftest.py makes the same choice in-process).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
