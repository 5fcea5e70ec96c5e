"""The page layout the OCR stage produces, as layoutparser's ``Layout`` (see ``sohoa.layout``).

The adapter lives in ``sohoa`` because it is part of the shared contract: the OCR
stage builds the layout and the extractors read it, and stages never import each other.
"""

from sohoa.layout import Level, from_layout, to_layout

__all__ = ["Level", "from_layout", "to_layout"]
