"""The one exception hierarchy of sohoa.

Every class knows its process exit code and its HTTP status; the CLI and the
single FastAPI exception handler translate them, nothing else does. Messages
never carry personal data (names, ID numbers, addresses): they name files,
dossier ids, field names and reasons.
"""

from __future__ import annotations


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose."""

    exit_code: int = 1
    http_status: int = 500
    code: str = "error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UsageError(SohoaError):
    """The caller asked for something malformed (bad option, bad argument)."""

    exit_code = 2
    http_status = 422
    code = "usage"


class ConfigError(SohoaError):
    """The deployment settings are unusable (placeholder secret, bad URL)."""

    exit_code = 2
    http_status = 500
    code = "config"


class InputRejected(SohoaError):
    """An input file cannot become a dossier (empty, truncated, encrypted, bomb...)."""

    exit_code = 1
    http_status = 422
    code = "rejected"


class ToolError(SohoaError):
    """An external program (Tesseract, poppler) failed, timed out or is missing."""

    exit_code = 1
    http_status = 502
    code = "tool"


class ToolMissing(ToolError):
    """An external program is not installed or too old."""

    exit_code = 2
    code = "tool_missing"


class StorageError(SohoaError):
    """The metadata database or the object store failed."""

    exit_code = 1
    http_status = 503
    code = "storage"


class NotFound(SohoaError):
    """A dossier, page, object or user that does not exist (or is not yours)."""

    exit_code = 1
    http_status = 404
    code = "not_found"


class Conflict(SohoaError):
    """A write lost a race (optimistic locking) or would overwrite published data."""

    exit_code = 1
    http_status = 409
    code = "conflict"


class PermissionDenied(SohoaError):
    """The user may not do this."""

    exit_code = 1
    http_status = 403
    code = "forbidden"


class AuthenticationFailed(SohoaError):
    """Bad credentials, expired session, locked account."""

    exit_code = 1
    http_status = 401
    code = "unauthenticated"


class ValidationFailed(SohoaError):
    """A value does not pass its field's validator."""

    exit_code = 1
    http_status = 422
    code = "invalid"
