"""Transfer mode of live training: the frozen base's features for the photos, and the model that answers afterwards.

The head trains on pooled MobileNet features (:mod:`core.models.features`),
computed once per photo and cached, so each epoch costs milliseconds. Once
trained, the head is put back on top of the frozen base, so the result answers
for pixels like any other model (trying a photo, downloading it).
"""

from __future__ import annotations

import keras
import numpy as np

from core.data.image_set import ImageSet
from core.models.features import FrozenBase


class StoppedBeforeTraining(Exception):
    """Stop was pressed while the base was still reading the photos: there is nothing trained to keep."""


def transfer_features(base: FrozenBase, train_part: ImageSet, holdout: ImageSet, *, mirrored: bool,
                      on_stage=None, stop_event=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(training features, their labels, held-out features); with ``mirrored`` each training photo's mirror too.

    The mirror image is the only augmentation that fits cached features (as
    ``core.training.train --cache-features`` does for the shipped model): any
    random change would need the base again every epoch. ``on_stage(text)``
    hears what is being computed, for the progress bar. A set ``stop_event``
    ends the reading after the batch in progress (raising
    :class:`StoppedBeforeTraining`); the features read so far stay cached.
    """
    if base.image_size != train_part.image_size:
        raise ValueError(f"The photos are {train_part.image_size}×{train_part.image_size} but the frozen base "
                         f"takes {base.image_size}×{base.image_size}.")
    views = [("photos", train_part.images)]
    if mirrored:
        views.append(("mirror images", np.ascontiguousarray(train_part.images[:, :, ::-1])))
    views.append(("held-out photos", holdout.images))
    computed = []
    for what, images in views:
        def report(done, total, what=what):
            # Reading 1,500 photos takes about 10 s: Stop must not wait for all of them.
            if stop_event is not None and stop_event.is_set():
                raise StoppedBeforeTraining(
                    f"You stopped it while MobileNet was still reading the {what} ({done:,} of {total:,}), "
                    "before any training: nothing was learned. The photos it read are remembered, so the "
                    "next start skips them.")
            if on_stage is not None:
                on_stage(f"MobileNet reads the {what}: {done} of {total} new ones (each photo once, then cached)…")
        computed.append(base.features(images, on_batch=report))
    train_features = np.concatenate(computed[:-1])
    train_labels = np.concatenate([train_part.labels] * (len(computed) - 1))
    return train_features, train_labels, computed[-1]


def assemble(base: FrozenBase, head: keras.Model) -> keras.Model:
    """Pixels -> frozen base -> pooled features -> the trained head: one model that answers for photos."""
    return keras.Model(base.model.input, head(base.model.output), name="live_transfer")
