"""Both live modes learn a clearly separable task; the frozen base's features are computed once and cached."""

from __future__ import annotations

import threading

import keras
import numpy as np
import pytest

from core.models import features
from core.training.live import networks, trainer
from harness.training_images import generated_images


def colour_base(image_size: int = 32) -> features.FrozenBase:
    """A fixture 'frozen base' without weights to download: each photo's mean colour (3 features)."""
    inputs = keras.Input(shape=(image_size, image_size, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Rescaling(1 / 255)(inputs))
    return features.FrozenBase(keras.Model(inputs, pooled), "colour-test", features.FeatureCache(1000))


def test_the_cache_is_bounded_and_forgets_the_least_recently_used():
    cache = features.FeatureCache(max_entries=2)
    cache.put(("a", "1"), np.ones(2))
    cache.put(("a", "2"), np.ones(2) * 2)
    assert cache.get(("a", "1")) is not None  # now the most recently used
    cache.put(("a", "3"), np.ones(2) * 3)
    assert len(cache) == 2 and cache.get(("a", "2")) is None and cache.get(("a", "1")) is not None
    with pytest.raises(ValueError, match="at least one photo"):
        features.FeatureCache(0)


def test_the_cache_takes_many_writers_at_once():
    cache = features.FeatureCache(max_entries=500)

    def write(thread: int):
        for index in range(300):
            cache.put((str(thread), str(index)), np.zeros(1))

    threads = [threading.Thread(target=write, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 500


def test_features_run_the_base_once_per_photo():
    base = colour_base()
    calls = []
    model = base.model
    base.model = type("Counting", (), {"input_shape": model.input_shape, "output_shape": model.output_shape,
                                       "__call__": lambda self, x, training=False: calls.append(len(x)) or model(x)})()
    images = generated_images(per_class=3, size=32).images
    first = base.features(images)
    assert first.shape == (6, 3) and calls == [6]
    again = base.features(np.concatenate([images[:2], images[:1]]))
    assert calls == [6], "cached photos ran the base again"
    np.testing.assert_allclose(again[0], first[0])
    np.testing.assert_allclose(first[0], images[0].mean(axis=(0, 1)) / 255, rtol=1e-5)
    with pytest.raises(ValueError, match="32×32"):
        base.features(np.zeros((1, 16, 16, 3), np.uint8))


def test_the_random_mobilenet_base_gives_256_pooled_features():
    base = features.frozen_base(32, weights=None)
    assert base.feature_count == networks.TRANSFER_FEATURES == 256
    assert base.features(np.zeros((2, 32, 32, 3), np.uint8)).shape == (2, 256)
    assert "random" in base.name


def test_transfer_mode_learns_a_separable_task_and_answers_for_pixels():
    data = generated_images(per_class=15, size=32)
    config = networks.LiveConfig(mode="transfer", architecture="head", image_size=32, epochs=15, batch_size=8,
                                   learning_rate=3e-2, dropout=0.0)
    result = trainer.train_live(config, data, base=colour_base())
    assert result.evaluation.accuracy == 1.0
    assert result.history["val_accuracy"][-1] > result.history["val_accuracy"][0] or \
        result.history["val_accuracy"][0] == 1.0
    assert result.kept_epoch is not None and 1 <= result.kept_epoch <= 15
    # The head sits back on the base: the model answers for a photo of any size.
    cat = data.images[0]
    assert result.try_photo(cat).prediction.label in ("cat", "cats")
    assert result.file_stem == "live-transfer-32px"


def test_transfer_mode_without_a_base_says_so():
    config = networks.LiveConfig(mode="transfer", architecture="head", image_size=32)
    with pytest.raises(ValueError, match="train from scratch instead"):
        trainer.train_live(config, generated_images(per_class=6, size=32))


def test_from_scratch_mode_learns_a_separable_task():
    data = generated_images(per_class=15, size=32)
    config = networks.LiveConfig(architecture="medium", image_size=32, epochs=8, batch_size=8,
                                   learning_rate=3e-3, dropout=0.0)
    result = trainer.train_live(config, data)
    assert result.evaluation.accuracy >= 0.9
    assert max(result.history["accuracy"]) > result.history["accuracy"][0]


def test_the_mode_and_architecture_must_match():
    with pytest.raises(ValueError, match="Unknown architecture"):
        networks.LiveConfig(mode="transfer", architecture="small").validate()
    with pytest.raises(ValueError, match="Unknown training mode"):
        networks.LiveConfig(mode="fast").validate()
    for mode, preset in networks.PRESETS.items():
        assert preset.validate().mode == mode


@pytest.mark.slow
def test_twenty_real_photos_per_class_of_two_different_things_are_learned():
    """'Train your own classes' as a teacher would, with the real MobileNet: the default preset, 20 + 20 uploads."""
    from core.paths import SHARED_DIR
    from core.training.live import photo_sets
    from tests.support.requirements import require

    folder = SHARED_DIR / "data" / "not_cats_dogs"
    require((folder / "people").is_dir() and (folder / "objects_scenes").is_dir(), f"The photos in {folder}")
    require(features.base_weights_problem() == "", "The MobileNet weights")
    config = networks.PRESETS["transfer"]
    classes = {name: [(path.name, path.read_bytes()) for path in sorted((folder / name).glob("*.jpg"))[:20]]
               for name in ("people", "objects_scenes")}
    data = photo_sets.decode_class_images(classes, config.image_size)
    result = trainer.train_live(config, data, base=features.frozen_base(config.image_size))
    # 8 held-out photos: at most one mistake (the bench measured 100% on three other samples).
    assert result.evaluation.accuracy >= 7 / 8


def test_stop_while_the_base_reads_the_photos_ends_after_the_batch_in_hand():
    """Reading 1,500 photos took 11 s after Stop before; now one batch of 64 is read and kept."""
    data = generated_images(per_class=70, size=32)  # 112 training photos: two batches for the base
    config = networks.LiveConfig(mode="transfer", architecture="head", image_size=32, epochs=5, batch_size=8,
                                   dropout=0.0)
    base = colour_base()
    run = trainer.LiveRun(config, base=base)
    run.stop()  # pressed before the base has read anything
    run.start(data)
    assert run.wait(60)
    assert run.result is None and run.error == ""
    assert run.stopped_before_training.startswith("You stopped it while MobileNet was still reading the photos "
                                                  "(64 of 112), before any training: nothing was learned.")
    assert run.snapshot().state == "stopped"
    assert len(base.cache) == 64  # what was read stays cached for the next start
    with pytest.raises(trainer.StoppedBeforeTraining):
        trainer.train_live(config, data, base=colour_base(), stop_event=run.stop_event)
