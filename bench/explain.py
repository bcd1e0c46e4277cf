"""How long the "inside the model" page's heavy steps take on this CPU.

Run:  python bench/explain.py [--repeats 10] [--threads 2]

Reports, for the classic model on the demo photo: all feature maps (8 conv and
pooling layers, one multi-output call) and one Grad-CAM, against a plain
forward pass measured in the same run, plus the transfer model's Grad-CAM
inside its nested MobileNet, saliency and activation maximisation.
Targets (issue #5): all feature maps < 0.5 s and one Grad-CAM < 0.3 s on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FEATURE_MAPS_TARGET = 0.5
GRADCAM_TARGET = 0.3


def timed(function, repeats: int) -> tuple[float, float]:
    """(first call, median of the next ``repeats`` calls) in seconds."""
    start = time.perf_counter()
    function()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="TensorFlow CPU threads (0 = TensorFlow's default)")
    parser.add_argument("--skip-transfer", action="store_true")
    arguments = parser.parse_args()

    import tensorflow as tf

    if arguments.threads:
        tf.config.threading.set_intra_op_parallelism_threads(arguments.threads)
        tf.config.threading.set_inter_op_parallelism_threads(arguments.threads)

    import keras

    from core.explain import activation_max, feature_maps, gradcam, saliency
    from core.imaging.decode import decode_image
    from core.imaging.demo import demo_photo_bytes
    from core.models import architectures, probe, registry
    from core.models.layers import feature_layer_paths

    pixels = decode_image(demo_photo_bytes()).pixels
    available = {info.name for info in registry.list_models() if info.available}
    if "classic" in available:
        model, which = registry.load_model("classic"), "shipped classic"
    else:
        keras.utils.set_random_seed(0)
        model, which = architectures.classic(), "classic built in code (untrained: models/classic not shipped)"
    print(f"CPU cores visible: {os.cpu_count()}, TensorFlow threads: {arguments.threads or 'default'}")
    print(f"Model: {which}; photo {pixels.shape[1]}×{pixels.shape[0]} resized to 150×150\n")

    batch = probe.model_input(model, pixels)
    _, forward = timed(lambda: model(batch, training=False), arguments.repeats)
    first_maps, maps = timed(lambda: feature_maps.compute_feature_maps(model, pixels), arguments.repeats)
    first_cam, cam = timed(lambda: gradcam.explain(model, pixels), arguments.repeats)
    _, saliency_time = timed(lambda: saliency.explain(model, pixels), max(3, arguments.repeats // 2))
    layers = feature_layer_paths(model)

    rows = [
        ("baseline: one plain forward pass", forward, None, None),
        (f"all feature maps ({len(layers)} layers)", maps, first_maps, FEATURE_MAPS_TARGET),
        (f"one Grad-CAM ({gradcam.default_gradcam_layer(model)})", cam, first_cam, GRADCAM_TARGET),
        ("one saliency map", saliency_time, None, None),
    ]
    print(f"{'step':44s} {'median':>9s} {'first call':>11s} {'× forward':>10s}  target")
    for name, median, first, target in rows:
        first_text = f"{first:9.3f} s" if first is not None else " " * 11
        verdict = "" if target is None else f"< {target} s: {'PASS' if median < target else 'FAIL'}"
        print(f"{name:44s} {median:7.3f} s {first_text} {median / forward:9.1f}×  {verdict}")

    for layer in ("conv1", "conv4"):
        start = time.perf_counter()
        result = activation_max.maximise_activation(model, layer, 0)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        activation_max.maximise_activation(model, layer, 1)
        warm = time.perf_counter() - start
        print(f"{f'activation maximisation {layer} ({result.steps} steps)':44s} {warm:7.3f} s {cold:9.3f} s "
              f"{warm / forward:9.1f}×")

    if not arguments.skip_transfer:
        weights = architectures.resolve_mobilenet_weights()
        if weights == "imagenet" or not Path(weights).is_file():
            print("\ntransfer: skipped (no MobileNet weights on this machine)")
            return
        transfer = registry.load_model("transfer") if "transfer" in available else architectures.transfer()
        inner = f"{transfer.layers[2].name}/conv_pw_13_relu"
        transfer_batch = probe.model_input(transfer, pixels)
        _, transfer_forward = timed(lambda: transfer(transfer_batch, training=False), arguments.repeats)
        first, median = timed(lambda: gradcam.explain(transfer, pixels, layer=inner), arguments.repeats)
        first_all, all_maps = timed(lambda: feature_maps.compute_feature_maps(transfer, pixels),
                                    max(3, arguments.repeats // 2))
        print(f"\ntransfer ({'shipped' if 'transfer' in available else 'ImageNet base + untrained head'}):")
        print(f"{'baseline: one plain forward pass':44s} {transfer_forward:7.3f} s")
        print(f"{'Grad-CAM inside the nested base':44s} {median:7.3f} s {first:9.3f} s "
              f"{median / transfer_forward:9.1f}×")
        print(f"{'all feature maps (28 layers)':44s} {all_maps:7.3f} s {first_all:9.3f} s "
              f"{all_maps / transfer_forward:9.1f}×")


if __name__ == "__main__":
    main()
