"""sohoa: digitize archived vehicle-registration dossiers.

This package holds what every stage shares: the document model, the field
specifications, settings, errors, the pipeline and the CLI.
"""

__version__ = "0.1.0"
