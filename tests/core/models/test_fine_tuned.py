"""core/models/fine_tuned.py: which MobileNet layers are the top blocks, and shipping only those layers."""

import keras
import numpy as np
import pytest

from core.models import architectures
from core.models.fine_tuned import MOBILENET_BLOCKS, apply_fine_tuned, save_fine_tuned, top_block_layers


@pytest.fixture(scope="module")
def bases():
    keras.utils.set_random_seed(1)
    first = architectures.mobilenet_base(64, weights=None)
    keras.utils.set_random_seed(2)
    second = architectures.mobilenet_base(64, weights=None)
    return first, second


def test_top_blocks_start_where_the_block_starts(bases):
    base, _ = bases
    assert top_block_layers(base, 1)[0].name == "conv_dw_13"
    assert top_block_layers(base, 2)[0].name == "conv_pad_12"  # a stride-2 block begins with its padding
    assert top_block_layers(base, 4)[0].name == "conv_dw_10"
    assert top_block_layers(base, 4)[-1].name == "conv_pw_13_relu"
    assert len(top_block_layers(base, MOBILENET_BLOCKS)) > len(top_block_layers(base, 4))
    for blocks in (0, 14):
        with pytest.raises(ValueError, match="choose 1 to 13"):
            top_block_layers(base, blocks)
    with pytest.raises(ValueError, match="not a MobileNet base"):
        top_block_layers(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]), 2)


def test_saved_layers_replace_only_their_namesakes(bases, tmp_path):
    trained, fresh = bases
    names = [layer.name for layer in top_block_layers(trained, 2) if layer.weights][::2]  # with gaps between
    before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in fresh.layers}
    save_fine_tuned(trained, names, tmp_path / "fine_tuned.keras")
    assert apply_fine_tuned(fresh, tmp_path / "fine_tuned.keras") == names
    for layer in fresh.layers:
        expected = trained.get_layer(layer.name).get_weights() if layer.name in names else before[layer.name]
        for got, want in zip(layer.get_weights(), expected):
            np.testing.assert_array_equal(got, want)
    # The two random bases really differed below the top blocks, so the check above can fail.
    assert not np.array_equal(fresh.get_layer("conv1").get_weights()[0], trained.get_layer("conv1").get_weights()[0])


def test_only_layers_of_the_base_can_be_saved(bases, tmp_path):
    base, _ = bases
    with pytest.raises(ValueError, match="no layers"):
        save_fine_tuned(base, ["conv_dw_99"], tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="no fine-tuned layers"):
        save_fine_tuned(base, [], tmp_path / "empty.keras")


def test_a_file_that_does_not_fit_the_base_is_refused(bases, tmp_path):
    base, _ = bases
    wrong = keras.Sequential([keras.Input((4, 4, 8)), keras.layers.Conv2D(3, 1, name="conv_pw_13")])
    wrong.save(tmp_path / "wrong.keras")
    with pytest.raises(ValueError, match="do not fit"):
        apply_fine_tuned(base, tmp_path / "wrong.keras")
    stranger = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="not_in_mobilenet")])
    stranger.save(tmp_path / "stranger.keras")
    with pytest.raises(ValueError, match="does not have"):
        apply_fine_tuned(base, tmp_path / "stranger.keras")
