"""core/training/fine_tune.py: the cached views, folding batch norms, and a fine-tuning run through the command."""

import json

import keras
import numpy as np
import pytest

from core.data.files import list_labeled_files, load_pixels
from core.models import architectures, inference, registry
from core.training.fine_tune import VIEW_NAMES, training_views
from tests.support.training_runs import make_split_data, run_tiny


@pytest.fixture(scope="module")
def split_data(tmp_path_factory):
    return make_split_data(tmp_path_factory.mktemp("data"))


def test_views_are_the_photo_its_mirror_a_blurred_copy_and_a_closer_crop():
    rng = np.random.default_rng(0)
    photos = rng.integers(0, 256, (3, 96, 96, 3)).astype(np.float32)
    views = training_views(photos, np.random.default_rng(1))
    assert len(views) == len(VIEW_NAMES) and all(view.shape == photos.shape and view.dtype == np.uint8
                                                  for view in views)
    np.testing.assert_array_equal(views[0], photos.astype(np.uint8))
    np.testing.assert_array_equal(views[1], photos[:, :, ::-1].astype(np.uint8))

    def detail(images):  # mean difference between neighbouring pixels: noise has much, a blown-up copy little
        return np.abs(np.diff(images.astype(np.float32), axis=2)).mean()

    assert detail(views[2]) < 0.5 * detail(views[0])
    assert not np.array_equal(views[3], views[0]) and not np.array_equal(views[3], views[1])
    # Seeded: the same generator gives the same views.
    again = training_views(photos, np.random.default_rng(1))
    for first, second in zip(views, again):
        np.testing.assert_array_equal(first, second)


def test_fine_tuning_ships_only_the_tuned_layers_and_loads_back_the_same_model(split_data, tmp_path,
                                                                                mobilenet_weights):
    # The real ImageNet weights (a random base's lower blocks pass on almost nothing to train the top on).
    folder = run_tiny(split_data, tmp_path, arch="transfer", name="tuned", image_size=64, epochs=2,
                      fine_tune_blocks=2, learning_rate=1e-3)
    assert sorted(p.name for p in folder.iterdir()) == ["fine_tuned.keras", "head.keras", "history.json",
                                                        "metrics.json", "model.json"]
    card = json.loads((folder / "model.json").read_text())
    tuned = card["base"]["fine_tuned_layers"]
    assert tuned == ["conv_dw_12", "conv_pw_12", "conv_dw_13", "conv_pw_13"] and card["base"]["fine_tuned_blocks"] == 2
    assert "blocks 12-13 of 13" in card["base"]["fine_tuning"] and "top 2 blocks" in card["title"]
    assert card["base"]["fine_tuned_parameters"] > 0 and "low-resolution" in card["augmentation"]

    info = registry.get_model_info("tuned", models_dir=tmp_path)
    assert info.available and info.title == card["title"]
    model = registry.load_model(info, models_dir=tmp_path)
    # Trained here: the head and the tuned convolutions, on the card and in the model as loaded.
    head = keras.saving.load_model(folder / "head.keras")
    assert card["trainable_parameters"] == head.count_params() + card["base"]["fine_tuned_parameters"] == \
        sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model) and layer.name != "head")
    # The tuned convolutions are no longer ImageNet's, so nothing of ImageNet's is shipped; every other
    # layer, their batch norms included, is ImageNet's, untouched.
    original = architectures.mobilenet_base(64, str(mobilenet_weights))
    for layer in (layer for layer in base.layers if layer.weights):
        for weight, want in zip(layer.weights, original.get_layer(layer.name).get_weights()):
            got = keras.ops.convert_to_numpy(weight)
            if layer.name not in tuned:
                np.testing.assert_array_equal(got, want)
            else:
                # Trained: many numbers moved (channels these plain photos never light up get no gradient).
                assert (got != want).mean() > 0.1, weight.path
    shipped = keras.saving.load_model(folder / "fine_tuned.keras")
    assert sorted(layer.name for layer in shipped.layers if layer.weights) == sorted(tuned)
    # The loaded model gives exactly the test accuracy the run measured.
    metrics = json.loads((folder / "metrics.json").read_text())
    files = list_labeled_files(split_data / "test")
    pixels = np.stack([load_pixels(path, 64) for path in files.paths])
    predicted = inference.predict_probabilities(model, pixels).argmax(axis=1)
    assert float((predicted == np.asarray(files.labels)).mean()) == pytest.approx(metrics["accuracy"])

    # Starting from it goes on from its head and blocks rather than from scratch.
    again = run_tiny(split_data, tmp_path, arch="transfer", name="again", image_size=64, epochs=1,
                     fine_tune_blocks=2, learning_rate=1e-9, start_from=folder)
    reloaded = registry.load_model(registry.get_model_info("again", models_dir=tmp_path), models_dir=tmp_path)
    np.testing.assert_allclose(inference.predict_probabilities(reloaded, pixels),
                               inference.predict_probabilities(model, pixels), atol=1e-3)
    assert json.loads((again / "model.json").read_text())["base"]["started_from"] == str(folder)


def test_fine_tuning_options_are_checked(split_data, tmp_path, monkeypatch):
    monkeypatch.setattr(architectures, "resolve_mobilenet_weights", lambda weights=None: None)
    with pytest.raises(ValueError, match="only apply to --arch transfer"):
        run_tiny(split_data, tmp_path, fine_tune_blocks=2)
    with pytest.raises(ValueError, match="not both"):
        run_tiny(split_data, tmp_path, arch="transfer", image_size=64, fine_tune_blocks=2, cache_features=True)
    with pytest.raises(ValueError, match="has none"):
        run_tiny(split_data, tmp_path, arch="transfer", image_size=64, fine_tune_blocks=2,
                 start_from=tmp_path / "nowhere")
