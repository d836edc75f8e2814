"""Backup and restore: `fidelity export` writes the whole database to one file, `fidelity restore` loads it into an
empty database at the same schema revision. See `export.py` and `restore.py`; the file's layout is `manifest.py`."""
