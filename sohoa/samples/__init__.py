"""Realistic scanned sample dossiers with ground truth (``sohoa samples``).

Modules:

- ``render``: system fonts with full Vietnamese coverage (``font``), A4 text pages (``text_page``);
- ``faults``: a scanner's faults as pure functions on uint8 pages (``skew``, ``rotate90``, ``blur``,
  ``noise``, ``low_contrast``, ``jpeg``, ``stamp``, ``punch_holes``, ``edge_shadow``,
  ``resample_dpi``) and ``ScanProfile`` (clean / fair / poor) whose ``apply`` records what it did;
- ``people`` and ``vehicles``: fake owners (names, CCCD, addresses after or before the 2025 reform)
  and vehicles (VIN or old frame number, engine number, plate), facts from ``sohoa.domain``;
- ``canvas``, ``forms``, ``cards``, ``rubbing``: the pages (declaration form in three layouts,
  certificate and ID-card photocopies, pencil rubbing);
- ``generator``: ``generate(out, n, seed, quality)`` writes the dossiers; ``build`` and ``draft``
  give one dossier in memory; ``writer`` writes PDF / TIFF / page folders atomically;
- ``truth``: ``DossierTruth``, the model of ``<stem>.truth.json``.

Output of ``generate`` in ``out``: per dossier ``hoso-<seed>-<index>.pdf`` (or ``.tif``, or a
folder ``hoso-<seed>-<index>/`` of ``page_0001.png|jpg`` ...) and ``hoso-<seed>-<index>.truth.json``
beside it. ``truth.source`` is that file or folder name relative to ``out``; ``truth.fields`` holds
every field of ``shared/fields.md`` with its canonical value; each of ``truth.pages`` gives the page
type, the true skew (degrees, + = counter-clockwise), the clockwise turn of the scan (``rotation``)
and the turn that makes it upright (``upright_rotation``, as ``Page.rotation``), the DPI, the
quality level and ``printed``: each field's text exactly as printed on that page.
"""
