"""ingest: find dossiers in files and folders, rasterize, fingerprint, check scan quality.

- ``sources``: ``discover(paths)`` -> dossier ``Source``s and rejected paths
- ``checks``: ``check_source(source, settings)`` refuses bad input from headers alone
- ``fingerprint``: SHA-256 of files, folder dossiers and page rasters; dossier ids
- ``rasterize``: ``iter_pages(source, settings)``, one page at a time (``poppler`` runs pdftoppm)
- ``dedupe``: ``unique_pages(pages)`` drops exact duplicate pages
- ``quality``: ``assess(image, dpi)`` scores sharpness, contrast, resolution
- ``stage``: ``load_dossier(source, ctx)`` composes them into ``PageWork`` values
"""
