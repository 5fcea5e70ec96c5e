"""Declarative document types: page types and field specifications read from TOML.

A document type (``vehicle_registration.toml``; driving licences next) names its
page types with the keywords that classify them, and its fields with every label
spelling, the normalizer that checks a value, the character whitelist for a crop
re-read and the page types the field is printed on. Extraction code reads these
specs; adding a document type adds a file, not code.
"""

from __future__ import annotations

import logging
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import Field, model_validator

from sohoa.errors import ConfigError
from sohoa.model import Frozen, NFCStr

log = logging.getLogger(__name__)


class Keyword(Frozen):
    """A phrase that votes for a page type when found in its text."""

    text: NFCStr
    weight: float = Field(default=1.0, gt=0)


class PageTypeSpec(Frozen):
    """One kind of page in a dossier."""

    name: str
    group: str = Field(description="page family (declaration_form, registration_certificate, ...)")
    era: str | None = None
    title: NFCStr = ""
    values_below: bool = Field(default=False, description="values may stand under labels (cards, rubbings)")
    keywords: tuple[Keyword, ...] = ()


class FieldSpec(Frozen):
    """How one field is found and checked."""

    name: str
    labels: tuple[NFCStr, ...] = Field(min_length=1)
    not_labels: tuple[NFCStr, ...] = ()
    page_labels: dict[str, tuple[NFCStr, ...]] = Field(default_factory=dict)
    normalizer: str
    whitelist: str | None = None
    crop_lang: str | None = Field(
        default=None, pattern=r"^[a-z_]+(\+[a-z_]+)*$",
        description="Tesseract languages to re-read the field's box in (identifiers with a whitelist: eng; "
                    "free text is re-read only when this is set)")
    erase_dots: bool | None = Field(
        default=None, description="erase dotted leaders and specks before a crop re-read (default: identifiers "
                                  "only; a speck may be a decimal point or the dot under a Vietnamese vowel)")
    mrz: Literal["id_number", "birth_date"] | None = Field(
        default=None, description="the item of a chip card's machine-readable zone that is this field's value "
                                  "(read where its check digit passes, on the field's page types)")
    psm: int = Field(default=7, ge=3, le=13)
    identifier: bool = False
    multiline: bool = False
    max_words: int = Field(default=6, ge=1, le=100)
    page_types: tuple[str, ...] = ()
    date_parts: tuple[NFCStr, ...] = Field(default=(), description="day/month/year words of a date line")
    review_threshold: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="confidence under which this field goes to review (default: the settings' review_threshold)")

    def labels_for(self, page_type: str | None) -> tuple[str, ...]:
        """The labels valid on a page type (common ones plus that page type's own)."""
        return self.labels + (self.page_labels.get(page_type, ()) if page_type else ())


class DocTypeSpec(Frozen):
    """A document type: its page types and fields (in data-dictionary order)."""

    name: str
    title: NFCStr = ""
    stop_labels: tuple[NFCStr, ...] = ()
    page_types: dict[str, PageTypeSpec]
    fields: dict[str, FieldSpec]

    @model_validator(mode="after")
    def _page_types_exist(self) -> DocTypeSpec:
        for f in self.fields.values():
            unknown = set(f.page_types) - set(self.page_types)
            unknown |= set(f.page_labels) - set(self.page_types)
            if unknown:
                raise ValueError(f"field {f.name}: unknown page types {sorted(unknown)}")
        return self

    def fields_on(self, page_type: str | None) -> tuple[FieldSpec, ...]:
        """Fields printed on a page type (all fields when the type is unknown)."""
        if page_type is None or page_type not in self.page_types:
            return tuple(self.fields.values())
        return tuple(f for f in self.fields.values() if page_type in f.page_types)

    def group_of(self, page_type: str | None) -> str | None:
        """The page family of a page type, or None."""
        spec = self.page_types.get(page_type or "")
        return spec.group if spec else None


def parse_doctype(text: str) -> DocTypeSpec:
    """Build a spec from TOML text (raises ConfigError naming the problem)."""
    try:
        raw = tomllib.loads(text)
        raw["page_types"] = {k: {"name": k, **v} for k, v in raw.get("page_types", {}).items()}
        raw["fields"] = {k: {"name": k, **v} for k, v in raw.get("fields", {}).items()}
        return DocTypeSpec.model_validate(raw)
    except (tomllib.TOMLDecodeError, ValueError) as e:
        raise ConfigError(f"document type spec invalid: {e}") from e


@lru_cache(maxsize=8)
def load_doctype(name: str) -> DocTypeSpec:
    """Load a document type shipped in this package (``"vehicle_registration"``)."""
    if not name.replace("_", "").isalnum():
        raise ConfigError(f"bad document type name {name!r}")
    try:
        text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"no document type {name!r}") from e
    return parse_doctype(text)
