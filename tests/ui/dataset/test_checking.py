"""The check controls: a sample per class, or every photo."""

from __future__ import annotations

from ui.dataset.checking import CheckSpec


def test_checking_every_photo_means_no_sample():
    assert CheckSpec(per_class=300, check_all=True).sample_per_class is None
    assert CheckSpec(per_class=300, check_all=False).sample_per_class == 300
