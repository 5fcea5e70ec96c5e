"""extract: classify pages, find fields, validate and correct them, and give calibrated confidences.

The flow (``extract.record.extract_record``):

1. ``classify``: each page's type from weighted keywords of the document type (``sohoa/doctypes``).
2. ``labels``: every label spelling found in the page's OCR lines (diacritic-free, fuzzy for OCR
   damage, short labels only at a line's start); the value is the words to its right on the label's
   line or visual row, up to the next label, else under it on cards and rubbings; wrapped values
   continue onto the next rows; dotted leaders are stripped. ``date_parts`` read "ngày … tháng … năm …".
3. ``crops``: the value's ink is located inside its region (letter-sized components, not leader
   dots) and re-read by the crop reader the pipeline passes in (whitelist per field, leader dots
   erased for identifiers). This module never imports ``ocr/``.
4. Normalizers (``plate``, ``vin``, ``engine``, ``idnumber``, ``dates``, ``names``, ``address``,
   ``vehicle``; registry in ``normalizers``) return ``Checked(value, reasons, corrections, doubt)``:
   identifiers are corrected only where their grammar fixes a position's class (``confusions``).
5. ``record``: per page the best reading, across pages agreement/disagreement (chassis numbers
   compared by suffix, a year-only birth date agrees with the full date), ``crossfield`` checks,
   and ``confidence``: a logistic model over the evidence, fitted on generated dossiers
   (``calibration.json``). ``needs_review`` = confidence under ``settings.review_threshold``, a doubt,
   a failed hard cross-field check, or pages that disagree.

``evaluate`` scores records against sample truth for ``sohoa eval``.

A new document type is a TOML file in ``sohoa/doctypes`` naming page types, labels, normalizers
and whitelists; a new field shape needs a normalizer registered in ``normalizers``.
"""
