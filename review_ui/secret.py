"""The app's secret key: ``SOHOA_SECRET_KEY``, or one generated once and kept in the data directory.

Settings already refuses placeholder and short secrets. The embedded default writes 32 random bytes
to ``<data_dir>/secret_key`` with mode 0600 (created with ``O_EXCL`` so two processes starting at once
agree on one key) and refuses a key file that others can read.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from sohoa.errors import ConfigError
from sohoa.settings import Settings

log = logging.getLogger(__name__)

KEY_FILE = "secret_key"


def load_secret_key(settings: Settings) -> bytes:
    """The deployment's secret key as bytes (generated and stored on first use when unset)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode("utf-8")
    path = Path(settings.data_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    log.info("generated a new secret key in %s", path)
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"secret key file is readable by others (mode {mode:o}); chmod 600 it", path=str(path))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ConfigError("secret key file is too short; delete it to generate a new one", path=str(path))
    return key.encode("ascii")
