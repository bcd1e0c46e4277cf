"""Layer tables, parameter formulas and shape arithmetic, checked against Keras itself."""

from __future__ import annotations

import keras
import pytest

from core.arithmetic import shape_chain, sizes
from core.arithmetic.numbers import format_count
from core.figures import architecture
from core.models import architectures, custom, summary


@pytest.fixture(scope="module")
def classic_table() -> summary.ModelTable:
    return summary.layer_table(architectures.classic())


def assert_formulas_match_keras(model: keras.Model) -> summary.ModelTable:
    table = summary.layer_table(model)
    for row in table.rows:
        assert row.formula_total == row.parameters, (model.name, row.name, row.formula)
        if row.parameters:
            assert row.formula.endswith(format_count(row.parameters)) or \
                format_count(row.parameters) in row.formula, (row.name, row.formula)
    assert table.total_parameters == model.count_params() == sum(row.parameters for row in table.rows)
    trainable = sum(int(weight.numpy().size) for weight in model.trainable_weights)
    assert table.trainable_parameters == trainable
    return table


def test_classic_layer_table(classic_table):
    rows = {row.name: row for row in classic_table.rows}
    assert [row.name for row in classic_table.rows] == [
        "pixels", "rescale", "conv1", "pool1", "conv2", "pool2", "conv3", "pool3", "conv4", "pool4",
        "flatten", "dense", "dropout", "output"]
    assert rows["conv1"].formula == "3×3×3×32 + 32 = 896"
    assert rows["conv2"].formula == "3×3×32×64 + 64 = 18,496"
    assert rows["conv4"].formula == "3×3×128×128 + 128 = 147,584"
    assert rows["dense"].formula == "6,272 × 512 + 512 = 3,211,776"
    assert rows["output"].formula == "512 × 1 + 1 = 513"
    assert rows["pool1"].formula == "no weights" and rows["pool1"].parameters == 0
    assert rows["conv1"].output_shape == (148, 148, 32) and rows["conv1"].shape_text == "148 × 148 × 32"
    assert rows["pool1"].output_shape == (74, 74, 32)
    assert rows["pool4"].output_shape == (7, 7, 128)
    assert rows["flatten"].output_shape == (6272,)
    assert rows["output"].activation == "sigmoid" and rows["conv1"].activation == "relu"
    assert rows["rescale"].activation == ""
    assert classic_table.total_parameters == 3_453_121
    assert classic_table.trainable_parameters == 3_453_121 and classic_table.non_trainable_parameters == 0
    assert classic_table.size_megabytes == pytest.approx(3_453_121 * 4 / 1e6)
    assert f"{classic_table.size_megabytes:.1f}" == "13.8"
    assert classic_table.input_shape == (150, 150, 3)


@pytest.mark.parametrize("name", ["classic", "baseline", "augmented", "normalized", "compact", "tiny"])
def test_formulas_match_count_params_for_every_architecture(name):
    table = assert_formulas_match_keras(architectures.build(name))
    if name == "normalized":
        batchnorm = table.row("batchnorm1")
        assert batchnorm.formula.startswith("4 × 32 = 128") and batchnorm.trainable_parameters == 64
        assert table.non_trainable_parameters == 2 * (32 + 64 + 64)
    if name == "compact":
        assert table.row("conv1_1").formula == "3×3×3×32 = 864 (no bias)"


def test_transfer_model_nested_base_is_one_frozen_row():
    base = architectures.mobilenet_base(224, weights=None)  # no download: the counts do not need ImageNet
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    model = architectures.assemble_transfer(base, head)
    table = assert_formulas_match_keras(model)
    base_row = table.row(base.name)
    assert base_row.nested and not base_row.trainable and base_row.trainable_parameters == 0
    assert base_row.output_shape == (7, 7, 256)
    assert "frozen" in base_row.formula and base_row.formula.startswith("sum of its 86 layers")
    assert table.trainable_parameters == head.count_params() == table.row("head").parameters
    nested = summary.nested_models(model)
    assert [m.name for m in nested] == [base.name, "head"]
    base_table = assert_formulas_match_keras(base)
    depthwise = base_table.row("conv_dw_1")
    assert depthwise.layer_type == "DepthwiseConv2D" and depthwise.formula == "3×3×8 = 72 (no bias)"
    assert "frozen" in summary.explain(base_row)


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


def test_the_padding_mistake_numbers():
    comparison = shape_chain.padding_comparison()
    assert comparison.valid_sizes == (150, 148, 74, 72, 36, 34, 17, 15, 7)
    assert comparison.same_sizes == (150, 150, 75, 75, 37, 37, 18, 18, 9)
    assert comparison.flatten_valid == 6_272 and comparison.flatten_same == 10_368
    assert comparison.dense_valid == 3_211_776
    assert comparison.dense_same == 5_308_928  # the tutorials' 5,308,416 also forgets the 512 biases
    assert comparison.flatten_same * comparison.dense_units == 5_308_416


def test_layer_output_sizes_follow_keras():
    assert sizes.layer_output_size(150, 3) == 148
    assert sizes.layer_output_size(150, 3, 1, "same") == 150
    assert sizes.layer_output_size(7, 3, 2, "valid") == 3
    assert sizes.layer_output_size(7, 3, 2, "same") == 4
    assert sizes.layer_output_size(2, 3) == 0
    assert [sizes.layer_output_size(size, 2, 2) for size in (148, 17, 15, 1)] == [74, 8, 7, 0]
    with pytest.raises(ValueError):
        sizes.layer_output_size(10, 3, 1, "full")


def test_shape_flow_of_classic(classic_table):
    steps = summary.shape_flow(classic_table)
    assert [step.label for step in steps] == [
        "150×150×3", "148×148×32", "74×74×32", "72×72×64", "36×36×64", "34×34×128", "17×17×128", "15×15×128",
        "7×7×128", "6,272", "512", "1"]
    assert steps[8].values == 6_272 and steps[-3].is_vector
    figure = architecture.shape_flow_figure(steps)
    # Three faces per block, and the shape written under or over each one.
    assert len(figure.data) == 3 * len(steps)
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert any("7×7×128" in text for text in texts) and any("6,272" in text for text in texts)
    with pytest.raises(ValueError):
        architecture.shape_flow_figure([])


def test_parameter_and_padding_figures(classic_table):
    figure = architecture.parameter_figure(classic_table)
    assert list(figure.data[0].y) == ["conv1", "conv2", "conv3", "conv4", "dense", "output"]
    assert "3,211,776 (93.0%)" in figure.data[0].text
    padding = architecture.padding_figure(shape_chain.padding_comparison())
    assert list(padding.data[0].y)[-1] == 7 and list(padding.data[1].y)[-1] == 9


def test_explanations_cover_every_layer_kind(classic_table):
    model = architectures.classic()
    layers_by_name = {layer.name: layer for layer in model.layers}
    for row in classic_table.rows:
        assert summary.explain(row, layers_by_name[row.name]), row.name
    assert "sigmoid" in summary.explain(classic_table.row("output"))
    assert "50%" in summary.explain(classic_table.row("dropout"), layers_by_name["dropout"])
    assert "ReLU" in summary.explain(classic_table.row("conv1"))
    assert summary.layer_kinds(classic_table) == ["InputLayer", "Rescaling", "Conv2D", "ReLU", "MaxPooling2D",
                                               "Flatten", "Dense", "Dropout", "sigmoid"]
    for kind in ("BatchNormalization", "softmax", "GlobalAveragePooling2D", "AveragePooling2D"):
        assert summary.EXPLANATIONS[kind]


def test_relu_explanation_is_max_zero_x():
    # Not an absolute value, and not 1 for positive inputs (two tutorial mistakes).
    assert "max(0, x)" in summary.EXPLANATIONS["ReLU"]
    assert "0.5" in summary.EXPLANATIONS["sigmoid"]


def test_format_helpers():
    assert format_count(3453121) == "3,453,121"
    assert summary.shape_text((None, 7, 128)) == "? × 7 × 128"
    assert summary.float32_megabytes(1_000_000) == 4.0
