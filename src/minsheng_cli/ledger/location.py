"""Where the ledger lives: `--db PATH`, else $MINSHENG_DB, else the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "MINSHENG_DB"
FILE_NAME = "ledger.sqlite3"


def default_path() -> Path:
    """$MINSHENG_DB if set, else `ledger.sqlite3` in platformdirs' user data folder."""
    from_env = os.environ.get(ENV)
    if from_env:
        return Path(from_env)
    from platformdirs import user_data_path

    return user_data_path("minsheng", appauthor=False) / FILE_NAME


def ledger_path(db: Path | None) -> Path:
    """The ledger a command uses: the `--db` it was given, or the default."""
    return db if db is not None else default_path()


def is_default(path: Path) -> bool:
    """Whether `path` is the data-folder default, whose folder may be created for it."""
    return ENV not in os.environ and path == default_path()
