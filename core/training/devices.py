"""Where training runs: a tf.distribute strategy, or a single-device stand-in under other backends, and the machine's
description for the card."""

from __future__ import annotations

import contextlib
import os
import platform

import keras

#: The ``--strategy`` choices of the training command (see :func:`make_strategy`).
STRATEGIES = ("default", "mirrored", "multiworker")


class SingleDevice:
    """Stands in for a ``tf.distribute`` strategy under the JAX and PyTorch backends."""

    num_replicas_in_sync = 1

    def scope(self):
        return contextlib.nullcontext()


def make_strategy(kind: str):
    """``default`` (one device), ``mirrored`` (all local GPUs, or the CPU) or ``multiworker`` (TF_CONFIG)."""
    if keras.backend.backend() != "tensorflow":
        if kind != "default":
            raise ValueError(f"--strategy {kind} needs the TensorFlow backend; "
                             f"this run uses {keras.backend.backend()!r}.")
        return SingleDevice()
    import tensorflow as tf

    if kind == "default":
        return tf.distribute.get_strategy()
    if kind == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [device.name for device in gpus] or ["/cpu:0"]
        return tf.distribute.MirroredStrategy(devices=devices)
    if kind == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError("--strategy multiworker needs the TF_CONFIG environment variable describing the cluster.")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"Unknown strategy {kind!r}; choose default, mirrored or multiworker.")


def describe_machine() -> str:
    """Where training ran, for the model card: the GPU's name, else the CPU."""
    backend = keras.backend.backend()
    gpu = None
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            devices = tf.config.list_physical_devices("GPU")
            if devices:
                gpu = tf.config.experimental.get_device_details(devices[0]).get("device_name", "GPU")
        elif backend == "jax":
            import jax

            gpu = next((device.device_kind for device in jax.devices() if device.platform == "gpu"), None)
        elif backend == "torch":
            import torch

            gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except Exception:  # a card field is never worth a failed training
        gpu = None
    if gpu:
        return f"{gpu} GPU ({backend} backend)"
    return f"{platform.machine()} CPU x{os.cpu_count()}"
