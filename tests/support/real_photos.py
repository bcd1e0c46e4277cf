"""A small folder laid out like ``cats_dogs_photos``, for tests that need real-photo halves."""

from __future__ import annotations

import csv
from pathlib import Path

from harness.photo_files import make_photo_bytes


def make_real_folder(folder: Path, groups: dict[tuple[str, str], int]) -> Path:
    """A folder laid out like cats_dogs_photos: <class>s/ files and a manifest naming class and source."""
    rows = []
    for (source, word), count in groups.items():
        (folder / f"{word}s").mkdir(parents=True, exist_ok=True)
        for index in range(count):
            name = f"{word}s/{word}_{source}_{index:03d}.jpg"
            (folder / name).write_bytes(make_photo_bytes(40, 30))
            rows.append({"file": name, "class": word, "source_repo": source})
    with (folder / "manifest.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["file", "class", "source_repo"])
        writer.writeheader()
        writer.writerows(rows)
    return folder
