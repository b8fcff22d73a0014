"""xfgen: 信访事项 case records in YAML → validated figures, ledgers and reports."""

__version__ = "0.1.0"
