"""core/augment/layers.py, the augmentation layers: one random transform per photo, seeded, valid under tf.data."""

import keras
import numpy as np
import tensorflow as tf

from core.augment.layers import RandomAffine, RandomLighting, build_augmentation
from core.augment.settings import TRAINING, TUTORIAL


def gradient_batch(count=16, size=24):
    rows = np.linspace(0, 255, size, dtype=np.float32)
    image = np.stack([np.tile(rows[:, None], (1, size)), np.tile(rows[None, :], (size, 1)),
                      np.full((size, size), 128, np.float32)], axis=-1)
    return np.repeat(image[None], count, axis=0)


def matrices(layer, batch=256, height=100.0, width=100.0):
    return np.asarray(layer.transform_matrices(batch, height, width))


def test_inference_leaves_photos_untouched():
    batch = gradient_batch()
    for layer in build_augmentation(TUTORIAL, seed=0).layers:
        np.testing.assert_array_equal(np.asarray(layer(batch, training=False)), batch)


def test_rotation_only_draws_pure_rotations_within_the_limit():
    transforms = matrices(RandomAffine(rotation_degrees=30, seed=1))
    angles = np.degrees(np.arctan2(transforms[:, 3], transforms[:, 0]))
    assert np.all(np.abs(angles) <= 30 + 1e-4) and angles.min() < -20 and angles.max() > 20
    determinants = transforms[:, 0] * transforms[:, 4] - transforms[:, 1] * transforms[:, 3]
    np.testing.assert_allclose(determinants, 1.0, atol=1e-5)
    # The centre pixel stays where it is.
    centre = 49.5
    np.testing.assert_allclose(transforms[:, 0] * centre + transforms[:, 1] * centre + transforms[:, 2], centre,
                               atol=1e-3)


def test_zoom_shift_and_flip_stay_in_their_ranges():
    zoom = matrices(RandomAffine(zoom_fraction=0.2, seed=2))
    np.testing.assert_allclose(zoom[:, 0], zoom[:, 4])  # same scale both ways: no squashing
    assert zoom[:, 0].min() >= 0.8 - 1e-6 and zoom[:, 0].max() <= 1.2 + 1e-6
    shift = matrices(RandomAffine(shift_fraction=0.1, seed=3), width=200.0, height=100.0)
    np.testing.assert_allclose(shift[:, [0, 4]], 1.0)
    assert np.abs(shift[:, 2]).max() <= 20 + 1e-4 and np.abs(shift[:, 5]).max() <= 10 + 1e-4
    flips = matrices(RandomAffine(horizontal_flip=True, seed=4))
    assert set(np.round(flips[:, 0]).tolist()) == {-1.0, 1.0}
    assert 0.3 < np.mean(flips[:, 0] < 0) < 0.7


def test_a_flip_mirrors_exactly():
    batch = gradient_batch(count=64)
    flipped = np.asarray(RandomAffine(horizontal_flip=True, seed=0)(batch, training=True))
    for image in flipped:
        assert np.allclose(image, batch[0], atol=1e-3) or np.allclose(image, batch[0][:, ::-1], atol=1e-3)


def test_same_seed_same_versions_and_every_photo_differs():
    batch = gradient_batch()
    first = np.asarray(build_augmentation(TUTORIAL, seed=5)(batch, training=True))
    again = np.asarray(build_augmentation(TUTORIAL, seed=5)(batch, training=True))
    np.testing.assert_array_equal(first, again)
    assert len({image.tobytes() for image in first}) == len(first)


def test_lighting_lowers_and_raises_contrast_and_stays_in_range():
    batch = gradient_batch(count=128)
    changed = np.asarray(RandomLighting(contrast_fraction=0.3, seed=0)(batch, training=True))
    ratios = changed.std(axis=(1, 2, 3)) / batch.std(axis=(1, 2, 3))
    assert ratios.min() < 0.85 and ratios.max() > 1.1  # both directions, unlike Keras' RandomContrast(0.3)
    bright = np.asarray(RandomLighting(brightness_fraction=0.5, seed=0)(batch, training=True))
    assert bright.min() >= 0 and bright.max() <= 255


def test_brightness_moves_every_pixel_of_a_photo_by_one_drawn_shift():
    # A mid-gray photo with a faint pattern: a shift of up to ±0.2·255 = ±51 never reaches 0 or 255,
    # so every pixel of one photo must move by exactly the same amount, the photo's drawn shift.
    pattern = np.linspace(-20, 20, 24 * 24 * 3, dtype=np.float32).reshape(24, 24, 3)
    batch = np.repeat((128.0 + pattern)[None], 64, axis=0)
    bright = np.asarray(RandomLighting(brightness_fraction=0.2, seed=3)(batch, training=True))
    moved = bright - batch
    shifts = moved.mean(axis=(1, 2, 3))
    np.testing.assert_allclose(moved, np.broadcast_to(shifts[:, None, None, None], moved.shape), atol=1e-3)
    assert np.abs(shifts).max() <= 0.2 * 255 + 1e-3
    # Drawn uniformly from ±51: both darker and brighter photos, and rarely an unchanged one.
    assert shifts.min() < -20 and shifts.max() > 20
    assert np.mean(np.abs(shifts) > 2) > 0.9
    assert len(np.unique(np.round(shifts, 3))) > 60 * 0.9  # a shift per photo, not one for the batch
    np.testing.assert_allclose(bright.std(axis=(1, 2, 3)), batch.std(axis=(1, 2, 3)), rtol=1e-4)  # contrast kept


def test_layers_round_trip_through_their_config():
    layer = RandomAffine(rotation_degrees=12, shift_fraction=0.1, shear_fraction=0.05, zoom_fraction=0.1,
                         horizontal_flip=True, fill_mode="reflect", seed=3, name="geometry")
    copy = keras.layers.deserialize(keras.layers.serialize(layer))
    assert isinstance(copy, RandomAffine) and copy.get_config() == layer.get_config()
    lighting = RandomLighting(0.1, 0.2, seed=1)
    assert keras.layers.deserialize(keras.layers.serialize(lighting)).get_config() == lighting.get_config()


def test_works_inside_tf_data_with_an_unknown_batch_size():
    augment = build_augmentation(TRAINING, seed=0)
    dataset = tf.data.Dataset.from_tensor_slices(gradient_batch(count=10)).batch(4)
    dataset = dataset.map(lambda images: augment(images, training=True))
    shapes = [tuple(batch.shape) for batch in dataset]
    assert shapes == [(4, 24, 24, 3), (4, 24, 24, 3), (2, 24, 24, 3)]
