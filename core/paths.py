"""Where the project's folders are: one place for every path the code derives from its own location."""

from __future__ import annotations

from pathlib import Path

#: The repository's root folder (the one holding app.py).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The shipped models, one folder each (see core.models.registry).
MODELS_DIR = PROJECT_ROOT / "models"

#: Read-only data laid beside the project on the team's machines (photos, MobileNet weights).
SHARED_DIR = PROJECT_ROOT.parent / "shared"

#: What the server writes on purpose (class mode's SQLite database), never an upload as sent; not in git.
DATA_DIR = PROJECT_ROOT / "data"
