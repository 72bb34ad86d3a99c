"""Setting up a local instance: the data directory, its secret files, Django itself.

Used by ``credstack init`` and ``credstack serve``; importing this module does not
import Django, so the trust core's commands stay fast.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS_MODULE = "credstack.config.settings"
SECRET_KEY_FILE_NAME = "secret_key"  # the same names settings.py reads
KEY_ENCRYPTION_KEY_FILE_NAME = "key_encryption_key"


def data_directory(home: str | Path | None = None) -> Path:
    """The data directory: ``home``, else ``CREDSTACK_HOME``, else ``./.credstack``."""
    value = home if home is not None else os.environ.get("CREDSTACK_HOME", "./.credstack")
    return Path(value).expanduser().resolve()


def _write_secret_file(path: Path, value: str) -> bool:
    """Write ``value`` to a new file readable by its owner only (mode 600); False when
    the file exists already (an existing secret is never replaced)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(value + "\n")
    return True


@dataclass
class PreparedDirectory:
    home: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def prepare_data_directory(home: Path) -> PreparedDirectory:
    """Create the data directory (mode 700) and, unless the environment provides them,
    the secret key and key-encryption key files (mode 600). Idempotent."""
    result = PreparedDirectory(home)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    secrets_to_make = {
        "CREDSTACK_SECRET_KEY": (SECRET_KEY_FILE_NAME, lambda: secrets.token_urlsafe(50)),
        "CREDSTACK_KEY_ENCRYPTION_KEY": (
            KEY_ENCRYPTION_KEY_FILE_NAME,
            lambda: base64.urlsafe_b64encode(os.urandom(32)).decode("ascii").rstrip("="),
        ),
    }
    for variable, (file_name, make) in secrets_to_make.items():
        if variable in os.environ or f"{variable}_FILE" in os.environ:
            continue
        path = home / file_name
        (result.created if _write_secret_file(path, make()) else result.kept).append(path)
    return result


def setup_django(home: Path | None = None) -> None:
    """Point the settings at ``home`` and set Django up (once per process)."""
    if home is not None:
        os.environ["CREDSTACK_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()
