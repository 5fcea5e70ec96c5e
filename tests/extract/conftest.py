"""Shared fixtures of the extraction tests: the shipped document type and golden pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sohoa.doctypes import DocTypeSpec, load_doctype
from sohoa.model import Page

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"


@pytest.fixture(scope="session")
def spec() -> DocTypeSpec:
    return load_doctype("vehicle_registration")


def golden_pages(name: str) -> list[Page]:
    """The Page objects of a golden input file."""
    return [Page.model_validate(p) for p in json.loads((DATA / f"{name}.pages.json").read_text("utf-8"))]


def golden_fields(name: str) -> dict[str, str]:
    """The expected field values of a golden input."""
    data: dict[str, str] = json.loads((DATA / f"{name}.fields.json").read_text("utf-8"))
    return data
