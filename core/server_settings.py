"""What a visitor's browser may do on the server's disk: the two server settings, both off by default.

A student's browser is not the teacher's. Whoever starts the app sets these
in the environment of ``streamlit run`` (one place, read on every request, so
a visitor can never turn them on):

- ``CNN_CLASSROOM_READ_FOLDERS``: folders on the server whose photos visitors
  may explore on the Dataset page, separated by ``:`` (``;`` on Windows).
  Unset: no visitor can read any server path; the page offers the shipped
  photos and uploads only.
- ``CNN_CLASSROOM_ALLOW_SAVING=1``: visitors may save a model they trained
  live into ``models/``. Unset: they download it instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

READ_FOLDERS_ENV = "CNN_CLASSROOM_READ_FOLDERS"
ALLOW_SAVING_ENV = "CNN_CLASSROOM_ALLOW_SAVING"

#: The longest folder path a visitor may type (every input is bounded).
MAX_PATH_CHARACTERS = 1000


def readable_folders(environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The folders visitors may read, each resolved (links followed); empty unless the server allows some."""
    environ = os.environ if environ is None else environ
    listed = environ.get(READ_FOLDERS_ENV, "")
    folders = []
    for part in listed.split(os.pathsep):
        if part.strip():
            folder = Path(part.strip()).expanduser().resolve()
            if folder.is_dir():
                folders.append(folder)
    return tuple(folders)


def saving_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """Whether visitors may write a trained model into models/ (only when the server says so)."""
    environ = os.environ if environ is None else environ
    return environ.get(ALLOW_SAVING_ENV, "").strip().lower() in ("1", "true", "yes")


def allowed_folder(typed: str, allowed: tuple[Path, ...]) -> Path:
    """The folder a visitor typed, resolved, if it lies inside an allowed folder; else ValueError in one line.

    The path is resolved before it is compared, so ``..`` and links that lead
    outside an allowed folder are refused like any other outside path.
    """
    if not allowed:
        raise ValueError("Reading folders on the server is switched off (a server setting).")
    typed = typed.strip()
    if not typed:
        raise ValueError("Type the path of a folder.")
    if len(typed) > MAX_PATH_CHARACTERS or "\x00" in typed:
        raise ValueError(f"A folder path must be under {MAX_PATH_CHARACTERS} characters.")
    candidate = Path(typed).expanduser()
    if not candidate.is_absolute():
        candidate = allowed[0] / candidate  # relative paths are read inside the first allowed folder
    resolved = candidate.resolve()
    if not any(resolved == folder or resolved.is_relative_to(folder) for folder in allowed):
        raise ValueError(f"`{typed}` is outside the folders this server lets visitors read "
                         f"({', '.join(f'`{folder}`' for folder in allowed)}).")
    if not resolved.is_dir():
        raise ValueError(f"`{typed}` is not a folder on the computer that runs the app.")
    return resolved
