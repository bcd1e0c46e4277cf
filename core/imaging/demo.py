"""Demo photos that work offline: scikit-image's bundled sample data and one shipped dog photo.

Chelsea is a public-domain photo of a cat and the German shepherd a public-domain
photo of a dog (demo_photos/SOURCES.md); the others are not cats or dogs and show
that a two-class model still answers "cat" or "dog" for anything.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Where the photos this project ships itself live.
SHIPPED_FOLDER = Path(__file__).resolve().parent / "demo_photos"

#: Shown name -> (where it lives, file name): "skimage" for ``skimage/data``, "shipped" for SHIPPED_FOLDER.
DEMO_PHOTOS = {
    "Chelsea the cat": ("skimage", "chelsea.png"),
    "A German shepherd dog": ("shipped", "german_shepherd.jpg"),
    "A cup of coffee (neither class)": ("skimage", "coffee.png"),
    "An astronaut (neither class)": ("skimage", "astronaut.png"),
}

DEFAULT_DEMO = "Chelsea the cat"
DOG_DEMO = "A German shepherd dog"

#: The demo photos that are one of the two classes (a "neither" flag must not call them neither).
CLASS_DEMOS = (DEFAULT_DEMO, DOG_DEMO)


def demo_photo_bytes(name: str = DEFAULT_DEMO) -> bytes:
    """The encoded file of a bundled demo photo (never written anywhere)."""
    if name not in DEMO_PHOTOS:
        raise ValueError(f"Unknown demo photo {name!r}; choose one of {', '.join(DEMO_PHOTOS)}.")
    where, file_name = DEMO_PHOTOS[name]
    if where == "shipped":
        return (SHIPPED_FOLDER / file_name).read_bytes()
    return resources.files("skimage").joinpath("data", file_name).read_bytes()
