"""How the shipped models hold up on test photos made unlike the training photos.

    python scripts/shifted_test.py [--data ../shared/data/cats_dogs] [--per-class 200]

Each test photo is changed the way real photos differ from the data set, then
classified by every available shipped model: grayscale, dim (×0.5), a closer
crop (the middle 60 %), heavy JPEG compression (quality 15), tiny (shrunk to
48 px and back), and turned sideways (a phone photo whose EXIF rotation tag
was lost). Prints accuracy per model and change.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

# noqa: E402
from core.data.files import default_data_dir, list_labeled_files  # noqa: E402
from core.imaging.decode import decode_image
from core.imaging.resize import resize_for_model  # noqa: E402
from core.models import inference, registry


def jpeg_again(pixels: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def centre_crop(pixels: np.ndarray, keep: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    top, left = int(height * (1 - keep) / 2), int(width * (1 - keep) / 2)
    return pixels[top:height - top, left:width - left]


CHANGES = {
    "original": lambda p: p,
    "grayscale": lambda p: np.repeat(np.asarray(Image.fromarray(p).convert("L"))[..., None], 3, axis=2),
    "dim ×0.5": lambda p: (p * 0.5).astype(np.uint8),
    "closer (60 % crop)": lambda p: centre_crop(p, 0.6),
    "JPEG quality 15": lambda p: jpeg_again(p, 15),
    "tiny (48 px)": lambda p: resize_for_model(resize_for_model(p, (48, 48)), p.shape[:2]),
    "sideways (90°)": lambda p: np.ascontiguousarray(np.rot90(p)),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--per-class", type=int, default=200)
    args = parser.parse_args()
    files = list_labeled_files(args.data / "test")
    labels = np.asarray(files.labels)
    chosen = np.concatenate([np.nonzero(labels == label)[0][:args.per_class] for label in np.unique(labels)])
    photos = [decode_image(Path(files.paths[i]).read_bytes()).pixels for i in chosen]
    truth = labels[chosen]
    models = [info for info in registry.list_models() if info.available]
    print(f"{len(photos)} test photos; accuracy per change")
    print("| change | " + " | ".join(f"`{info.name}`" for info in models) + " |")
    print("|---|" + "---|" * len(models))
    loaded = {info.name: registry.load_model(info) for info in models}
    for change, apply in CHANGES.items():
        changed = [apply(photo) for photo in photos]
        cells = []
        for info in models:
            size = info.input_size
            batch = np.stack([resize_for_model(photo, size) for photo in changed])
            probabilities = np.concatenate([inference.predict_probabilities(loaded[info.name], batch[i:i + 50])
                                            for i in range(0, len(batch), 50)])
            cells.append(f"{(probabilities.argmax(axis=1) == truth).mean():.1%}")
        print(f"| {change} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
