"""Seeded random picks from a listing: thumbnails per class, and one photo to augment."""

from __future__ import annotations

import numpy as np

from core.data.listing import DatasetListing, Reader
from core.imaging.decode import ImageLoadError
from core.imaging.photo import Photo, photo_from_bytes

#: Thumbnails shown per class (one row of the gallery).
THUMBNAILS_PER_CLASS = 6

#: Added to the shuffle seed for the photo to augment, so it is drawn apart from the thumbnails.
PHOTO_SEED_OFFSET = 1000

#: Files tried before giving up on finding one that decodes.
PHOTO_ATTEMPTS = 10


def sample_paths(listing: DatasetListing, seed: int, per_class: int = THUMBNAILS_PER_CLASS
                 ) -> dict[str, tuple[str, ...]]:
    """Up to ``per_class`` distinct files of each class, the same ones for the same seed."""
    if per_class < 1:
        raise ValueError(f"Pick at least 1 photo per class, got {per_class}.")
    # One generator for all classes, drawn in class order: the page shows the same photos for a seed.
    rng = np.random.default_rng(seed)
    picks: dict[str, tuple[str, ...]] = {}
    for class_name in listing.class_names:
        files = listing.files_of(class_name)
        if not files:
            continue
        chosen = rng.choice(len(files), size=min(per_class, len(files)), replace=False)
        picks[class_name] = tuple(files[int(index)].path for index in chosen)
    return picks


def random_photo(listing: DatasetListing, reader: Reader, seed: int, attempts: int = PHOTO_ATTEMPTS) -> Photo | None:
    """A random photo of the listing that decodes (its name is its path), or None after ``attempts`` broken files."""
    if not len(listing):
        raise ValueError("The data set has no photos to pick from.")
    rng = np.random.default_rng(seed + PHOTO_SEED_OFFSET)
    for _ in range(attempts):
        path = listing.files[int(rng.integers(len(listing)))].path
        try:
            return photo_from_bytes(path, reader(path), "dataset")
        except (ImageLoadError, OSError):
            continue  # a broken file is skipped, not shown as an error
    return None
