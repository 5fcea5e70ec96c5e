"""HTTP routers of the review UI, one per resource (HTML), and ``api/`` for the JSON API."""
