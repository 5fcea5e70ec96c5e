"""Pure domain facts and computations of Vietnamese vehicle registration (no I/O).

``vin`` (ISO 3779 check digit, model year, makers), ``cccd`` (citizen ID structure),
``plates`` (licence-plate grammar and locality codes) and ``provinces`` (the 34
provinces of July 2025 and the 63 they absorbed). Facts come from
``shared/domain.md``; the sample generator and the validators both use them.
"""
