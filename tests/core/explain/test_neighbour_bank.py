"""Each shipped model's bank of training features matches the model: its photos, sent as the app sends them, land
on their own rows, and each is its own nearest training photo."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.explain.nearest_photos import nearest, photo_features
from core.explain.neighbour_bank import BANK_FILE, LAYER, NeighbourBank
from core.imaging.photo import photo_from_bytes
from core.models import registry
from core.paths import MODELS_DIR
from core.prediction.features import FINAL_INPUT
from tests.support.requirements import require

SHIPPED = sorted(path.parent.name for path in MODELS_DIR.glob("*/model.json")
                 if "neighbours" in json.loads(path.read_text()))

#: A bank beside its model stays well under the 15 MB a shipped file may take (classic: 2.7 MB, compact: 3.5 MB).
MAX_BANK_BYTES = 4_000_000


def test_every_shipped_model_has_a_bank_its_card_describes():
    every = sorted(path.parent.name for path in MODELS_DIR.glob("*/model.json"))
    assert SHIPPED == every
    for name in SHIPPED:
        folder = MODELS_DIR / name
        entry = json.loads((folder / "model.json").read_text())["neighbours"]
        bank = NeighbourBank.load(folder / entry["file"])
        assert entry["file"] == BANK_FILE and entry["layer"] == LAYER == FINAL_INPUT == bank.layer
        assert entry["photos"] == len(bank) == sum(entry["counts"].values())
        assert entry["distance"] == "cosine"
        assert entry["bytes"] == (folder / BANK_FILE).stat().st_size < MAX_BANK_BYTES
        assert all(file.startswith("train/") and not file.startswith("/") for file in bank.files)


#: Photos of each bank recomputed from the real files, picked by this seed: the same ones on every run.
CHECKED, SEED = 4, 23

#: float16 keeps 11 significant bits: a unit row's entries (at most 1) are stored within 2.4e-4 (measured: at most
#: 1.9e-4 on these photos); twice that leaves room for TensorFlow summing in another order on another CPU.
FLOAT16_TOLERANCE = 5e-4


def test_shipped_banks_cover_the_six_models():
    assert SHIPPED == ["augmented", "baseline", "classic", "compact", "normalized", "transfer"]


@pytest.mark.parametrize("name", SHIPPED)
def test_stored_rows_match_features_recomputed_from_the_photos(name, shared_data_dir):
    """A few seeded photos of each bank, through the page's own path (the uploaded photo's working copy, then
    :func:`core.explain.nearest_photos.photo_features`), land on their stored rows and are their own nearest."""
    info = registry.get_model_info(name)
    require(info.available, f"{name}'s network ({info.reason})")
    bank = NeighbourBank.load(info.folder / BANK_FILE)
    assert bank.layer == FINAL_INPUT
    assert len(bank) == sum(1 for _ in (shared_data_dir / "train").glob("*/*.jpg"))
    model = registry.load_model(info)
    picked = sorted(np.random.default_rng(SEED).choice(len(bank), CHECKED, replace=False))
    features = []
    for index in picked:
        path = shared_data_dir / bank.files[index]
        assert path.parent.name == bank.class_names[bank.labels[index]]
        features.append(photo_features(model, photo_from_bytes(path.name, path.read_bytes()).pixels))
    features = np.stack(features)
    np.testing.assert_allclose(bank.project(features), bank.rows[picked], rtol=0, atol=FLOAT16_TOLERANCE)
    for row, index in zip(features, picked):
        indices, distances = nearest(bank, row, 1)
        assert indices[0] == index and distances[0] < 1e-3
