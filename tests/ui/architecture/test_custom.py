"""The "Build your own" controls start at the classic model and offer only what the builder accepts."""

from __future__ import annotations

from core.models import custom
from ui.architecture import custom as custom_tab


def test_the_defaults_are_the_classic_model():
    classic = custom.CustomArchitecture()
    blocks = len(classic.filters)
    assert tuple(custom_tab.DEFAULT_FILTERS[:blocks]) == classic.filters
    assert classic.input_size in custom_tab.INPUT_SIZES
    assert classic.kernel_size in custom_tab.KERNEL_SIZES
    assert classic.dense_units in custom_tab.DENSE_UNITS


def test_every_choice_is_one_the_builder_accepts():
    assert set(custom_tab.DEFAULT_FILTERS) <= set(custom_tab.BLOCK_CHOICES)
    assert set(custom_tab.HEAD_LABELS) == set(custom.HEADS)
    for size in custom_tab.INPUT_SIZES:
        custom.CustomArchitecture(input_size=size, padding="same").validate()
    for kernel in custom_tab.KERNEL_SIZES:
        custom.CustomArchitecture(kernel_size=kernel).validate()
    for units in custom_tab.DENSE_UNITS:
        custom.CustomArchitecture(dense_units=units).validate()
    custom.CustomArchitecture(filters=tuple(custom_tab.DEFAULT_FILTERS), padding="same").validate()
