"""ingest: find dossiers in files and folders, rasterize, fingerprint, check scan quality."""
