"""The JSON API under /api (OpenAPI at /docs): the review operations for programs and the JS."""
