"""review_ui: the FastAPI web application where clerks review and approve dossiers."""
