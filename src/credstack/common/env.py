"""Typed readers of the environment that fail loudly on a bad value.

Each takes the environment as a mapping (``os.environ`` by default) so tests pass their
own. A bad value raises ``ImproperlyConfigured`` naming the variable and what it expects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(name, default)


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if name not in env:
        return default
    value = env[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {env[name]!r}")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    if name not in env or not env[name].strip():
        return default
    try:
        return int(env[name])
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {env[name]!r}") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    env = os.environ if environ is None else environ
    if name not in env:
        return list(default)
    return [item.strip() for item in env[name].split(",") if item.strip()]


def env_secret(
    name: str, environ: Mapping[str, str] | None = None, *, fallback_file: Path | None = None
) -> str | None:
    """A secret from ``NAME``, else from the file named by ``NAME_FILE``, else from
    ``fallback_file`` if it exists; None when there is none. Surrounding whitespace is
    stripped. Setting both ``NAME`` and ``NAME_FILE`` is refused (which one wins would
    be a guess), and so is a ``NAME_FILE`` that cannot be read or an empty secret.
    """
    env = os.environ if environ is None else environ
    file_name = f"{name}_FILE"
    if name in env and file_name in env:
        raise ImproperlyConfigured(f"set {name} or {file_name}, not both")
    if name in env:
        value = env[name].strip()
        source = name
    elif file_name in env or (fallback_file is not None and fallback_file.exists()):
        path = Path(env[file_name]) if file_name in env else fallback_file
        assert path is not None
        try:
            value = path.read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(
                f"cannot read the secret {name} from {path}: {error}"
            ) from None
        source = str(path)
    else:
        return None
    if not value:
        raise ImproperlyConfigured(f"the secret {name} (from {source}) is empty")
    return value


def database_from_url(url: str) -> dict[str, object]:
    """Django's DATABASES entry for ``postgres://user:password@host:port/name``
    (also ``postgresql://``); query parameters become connection OPTIONS."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or postgresql://, not {parts.scheme!r}://"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name the database: postgres://host/NAME")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("DATABASE_URL has an invalid port") from None
    options: dict[str, str] = {}
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        options[unquote(key)] = unquote(value)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port) if port else "",
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
