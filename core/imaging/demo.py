"""Demo photos that work offline, taken from scikit-image's bundled sample data.

Chelsea is a public-domain photo of a cat; the others are not cats or dogs
and show that a two-class model still answers "cat" or "dog" for anything.
"""

from __future__ import annotations

from importlib import resources

#: Shown name -> file name inside ``skimage/data``.
DEMO_PHOTOS = {
    "Chelsea the cat": "chelsea.png",
    "A cup of coffee (neither class)": "coffee.png",
    "An astronaut (neither class)": "astronaut.png",
}

DEFAULT_DEMO = "Chelsea the cat"


def demo_photo_bytes(name: str = DEFAULT_DEMO) -> bytes:
    """The encoded file of a bundled demo photo (never written anywhere)."""
    if name not in DEMO_PHOTOS:
        raise ValueError(f"Unknown demo photo {name!r}; choose one of {', '.join(DEMO_PHOTOS)}.")
    return resources.files("skimage").joinpath("data", DEMO_PHOTOS[name]).read_bytes()
