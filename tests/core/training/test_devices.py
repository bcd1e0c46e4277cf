"""core/training/devices.py: where training runs, and how the model card names the machine."""

import pytest

from core.training import devices


def test_multiworker_needs_a_cluster_description(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        devices.make_strategy("multiworker")


def test_other_backends_get_one_device_and_no_tf_distribute(monkeypatch):
    # Under JAX or PyTorch (a GPU box without TensorFlow) training runs on one device.
    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    assert isinstance(devices.make_strategy("default"), devices.SingleDevice)
    with pytest.raises(ValueError, match="TensorFlow backend"):
        devices.make_strategy("mirrored")


def test_tensorflow_strategies():
    import tensorflow as tf

    assert devices.make_strategy("default") is tf.distribute.get_strategy()
    assert devices.make_strategy("default").num_replicas_in_sync == 1
    with pytest.raises(ValueError, match="Unknown strategy 'tpu'; choose default, mirrored or multiworker."):
        devices.make_strategy("tpu")


def test_model_card_names_the_machine(monkeypatch):
    import os
    import platform
    import sys
    import types

    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    gpu = types.SimpleNamespace(platform="gpu", device_kind="NVIDIA H100 80GB HBM3")
    monkeypatch.setitem(sys.modules, "jax", types.SimpleNamespace(devices=lambda: [gpu]))
    assert devices.describe_machine() == "NVIDIA H100 80GB HBM3 GPU (jax backend)"
    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    monkeypatch.setitem(sys.modules, "torch", None)  # not installed: the CPU is named instead
    assert devices.describe_machine() == f"{platform.machine()} CPU x{os.cpu_count()}"
