"""A set of decoded photos with their labels: what live training and the ROC sample pass around."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ImageSet:
    """Photos as arrays: images (N, size, size, 3) uint8, labels (N,) indexing class_names.

    ``problems`` lists files that were skipped, one readable line each.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    problems: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # a file name per image, when known
    duplicates: tuple[str, ...] = ()  # files dropped because their pixels equal an earlier file's, one line each

    def __len__(self) -> int:
        return int(len(self.labels))

    @property
    def image_size(self) -> int:
        return int(self.images.shape[1])

    def counts(self) -> dict[str, int]:
        return {name: int((self.labels == index).sum()) for index, name in enumerate(self.class_names)}

    def subset(self, indices: np.ndarray) -> ImageSet:
        indices = np.asarray(indices, dtype=int)
        names = tuple(self.names[i] for i in indices) if self.names else ()
        return ImageSet(self.images[indices], self.labels[indices], self.class_names, self.problems, names,
                        self.duplicates)
