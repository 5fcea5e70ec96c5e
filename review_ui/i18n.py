"""Labels in Vietnamese (default) and English, from ``labels.json`` (field labels as in shared/fields.md).

The language comes from ``?lang=vi|en`` (which also sets the ``lang`` cookie) or the cookie.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
LABELS_FILE = Path(__file__).with_name("labels.json")


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, dict[str, str]]]:
    """The label tables (fields, statuses, ui), read once."""
    data: dict[str, Any] = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    return data


def pick_language(query: str | None, cookie: str | None) -> str:
    """The language asked for by query parameter, else cookie, else Vietnamese."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT


class Translator:
    """Label lookups for one language; unknown keys fall back to the key itself."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT

    def _get(self, table: str, key: str) -> str:
        entry = labels()[table].get(key)
        return entry.get(self.lang, key) if entry else key

    def ui(self, key: str) -> str:
        """A UI string."""
        return self._get("ui", key)

    def field(self, name: str) -> str:
        """A field's label."""
        return self._get("fields", name)

    def status(self, name: str) -> str:
        """A dossier status's label."""
        return self._get("statuses", name)

    @property
    def field_names(self) -> list[str]:
        """Every field of the data dictionary, in its order."""
        return list(labels()["fields"])
