"""The model a learner builds on the Architecture page: it matches Keras, or says clearly why it cannot be built."""

from __future__ import annotations

import pytest

from core.models import architectures, custom, summary
from tests.core.models.test_summary import assert_formulas_match_keras


@pytest.fixture(scope="module")
def classic_table() -> summary.ModelTable:
    return summary.layer_table(architectures.classic())


CUSTOM_SPECS = [
    custom.CustomArchitecture(),
    custom.CustomArchitecture(padding="same"),
    custom.CustomArchitecture(input_size=64, filters=(16, 32), kernel_size=5, pooling="average", head="global_average",
                            dense_units=0, dropout=0.0, num_classes=5),
    custom.CustomArchitecture(input_size=96, filters=(8, 16, 32), kernel_size=1, batch_norm=True, dense_units=64,
                            num_classes=3),
    custom.CustomArchitecture(input_size=32, filters=(4, 8, 8, 8, 8), padding="same", pooling="max", kernel_size=7),
    custom.CustomArchitecture(input_size=32, filters=(4, 4, 4), pooling="none", dense_units=32),
]


@pytest.mark.parametrize("spec", CUSTOM_SPECS, ids=lambda spec: f"{spec.input_size}-{len(spec.filters)}-{spec.padding}")
def test_custom_models_match_keras_and_the_size_arithmetic(spec):
    model = custom.build_custom(spec)
    table = assert_formulas_match_keras(model)
    # The hand arithmetic of feature_map_sizes() agrees with every Keras output shape.
    sizes = dict(spec.feature_map_sizes())
    for row in table.rows:
        if row.name in sizes:
            assert row.output_shape[0] == row.output_shape[1] == sizes[row.name], row.name
    output = table.row("output")
    assert output.output_shape == ((1,) if spec.num_classes == 2 else (spec.num_classes,))
    assert output.activation == ("sigmoid" if spec.num_classes == 2 else "softmax")


def test_default_custom_model_is_the_classic_one(classic_table):
    table = summary.layer_table(custom.build_custom(custom.CustomArchitecture()))
    assert table.total_parameters == classic_table.total_parameters == 3_453_121
    assert [row.output_shape for row in table.rows] == [row.output_shape for row in classic_table.rows]


@pytest.mark.parametrize(("spec", "message"), [
    (custom.CustomArchitecture(input_size=32, filters=(8,) * 6), "Conv block"),
    (custom.CustomArchitecture(input_size=8, filters=(8,) * 5, padding="same"), "Pooling after block 4"),
    (custom.CustomArchitecture(kernel_size=4), "kernel size"),
    (custom.CustomArchitecture(dropout=1.0), "Dropout"),
    (custom.CustomArchitecture(num_classes=1), "classes"),
    (custom.CustomArchitecture(filters=()), "conv blocks"),
])
def test_impossible_custom_models_give_clear_errors(spec, message):
    with pytest.raises(ValueError, match=message):
        custom.build_custom(spec)



def test_comparison_with_the_classic_model():
    assert custom.comparison_sentence(1_726_560, 3_453_121) == (
        "Your model has 1,726,560 parameters, 0.50× the classic model's 3,453,121.")
    assert custom.comparison_sentence(3_453_121, 3_453_121).endswith("1.00× the classic model's 3,453,121.")
    with pytest.raises(ValueError, match="positive"):
        custom.comparison_sentence(10, 0)
