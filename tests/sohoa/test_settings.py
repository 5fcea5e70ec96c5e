"""Deployment settings refuse placeholder secrets and carry constraints."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sohoa.settings import Settings


@pytest.mark.parametrize("secret", ["changeme", "minioadmin", "secret", "short"])
def test_placeholder_secrets_are_refused(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("SOHOA_SECRET_KEY", secret)
    with pytest.raises(ValidationError, match="placeholder"):
        Settings()


def test_real_secret_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_SECRET_KEY", "k3J9-real-deployment-secret")
    assert Settings().secret_key is not None


def test_constraints_are_enforced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_REVIEW_THRESHOLD", "1.5")
    with pytest.raises(ValidationError):
        Settings()


def test_default_database_is_sqlite_in_data_dir(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path))
    assert Settings().sqlalchemy_url == f"sqlite:///{(tmp_path / 'sohoa.db').resolve()}"
