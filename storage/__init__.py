"""storage: object storage (local folder or MinIO) and the metadata database."""
