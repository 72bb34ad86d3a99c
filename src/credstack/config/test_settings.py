"""Settings for the test suite: the real settings module with test secrets and fast hashing.

pytest-django imports the settings before any conftest runs, so the environment the
tests need is set here, only where the caller has not set it already.
"""

from __future__ import annotations

import os

os.environ.setdefault("CREDSTACK_SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnop")
# 32 bytes of 0x2a in base64url: a known key is fine for tests, never for an instance.
os.environ.setdefault("CREDSTACK_KEY_ENCRYPTION_KEY", "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio")
os.environ.setdefault("CREDSTACK_BASE_URL", "https://credstack.test")
os.environ.setdefault("CREDSTACK_JOBS_IMMEDIATE", "true")
os.environ.setdefault("CREDSTACK_HOME", "/nonexistent/credstack-tests")

from credstack.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A PostgreSQL test database per run, so two runs on one server never drop each other's.
DATABASES["default"].setdefault("TEST", {})  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = f"test_credstack_{os.getpid()}"  # noqa: F405
