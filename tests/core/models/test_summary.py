"""Layer tables, parameter formulas, the shape flow and the glossary, checked against Keras itself."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.arithmetic.numbers import format_count
from core.models import architectures, summary


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


def test_shape_flow_of_classic(classic_table):
    steps = summary.shape_flow(classic_table)
    assert [step.label for step in steps] == [
        "150×150×3", "148×148×32", "74×74×32", "72×72×64", "36×36×64", "34×34×128", "17×17×128", "15×15×128",
        "7×7×128", "6,272", "512", "1"]
    assert steps[8].values == 6_272 and steps[-3].is_vector


def test_format_helpers():
    assert format_count(3453121) == "3,453,121"
    assert summary.shape_text((None, 7, 128)) == "? × 7 × 128"
    assert summary.float32_megabytes(1_000_000) == 4.0


def test_the_table_as_columns(classic_table):
    columns = classic_table.columns()
    assert list(columns) == ["layer", "type", "output shape", "parameters", "how they are counted", "trained"]
    rows = {name: index for index, name in enumerate(columns["layer"])}
    assert columns["type"][rows["conv1"]] == "Conv2D (relu)"
    assert columns["type"][rows["pool1"]] == "MaxPooling2D"
    assert columns["type"][rows["output"]] == "Dense (sigmoid)"
    assert columns["output shape"][rows["flatten"]] == "6,272"
    assert columns["parameters"][rows["dense"]] == "3,211,776"
    assert columns["trained"][rows["dense"]] == "yes" and columns["trained"][rows["pool1"]] == "—"
    assert classic_table.weights_sentence == ("**3,453,121 parameters** × 4 bytes (float32) = **13.81 MB** "
                                              "of weights.")


def test_frozen_and_tracked_weights_are_told_apart():
    table = summary.layer_table(architectures.build("normalized"))
    # Batch normalisation learns γ and β (trained) and tracks a mean and variance (not trained).
    assert table.row("batchnorm1").training_text == "yes"
    base = architectures.mobilenet_base(96, weights=None)
    model = architectures.assemble_transfer(base, architectures.transfer_head(tuple(base.output.shape[1:])), 96)
    assert summary.layer_table(model).row(base.name).training_text == "frozen"


def test_shape_flow_draws_a_small_nested_model_layer_by_layer():
    base = architectures.mobilenet_base(96, weights=None)
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    table = summary.layer_table(architectures.assemble_transfer(base, head, 96))
    whole = summary.shape_flow(table)
    assert [step.name for step in whole] == ["pixels", base.name, "head"]
    expanded = summary.shape_flow(table, {"head": summary.layer_table(head)})
    # The head's convolution, pooling and output; the dropout keeps the shape and is left out.
    assert [step.name for step in expanded] == ["pixels", base.name, "head_conv", "global_pool", "output"]
    assert [step.label for step in expanded[1:]] == ["3×3×256", "3×3×128", "128", "1"]



def test_a_nested_base_says_which_of_its_layers_were_fine_tuned():
    base = architectures.mobilenet_base(96, weights=None)
    head = architectures.transfer_head(tuple(base.output.shape[1:]))
    assert summary.training_state(base) == "frozen: training does not change it"
    assert summary.training_state(head) == "trained"
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name in {"conv_dw_13", "conv_pw_13"}
    assert summary.training_state(base) == "2 layers fine-tuned, the rest frozen"
    model = architectures.assemble_transfer(base, head, 96)
    table = summary.layer_table(model)
    assert table.row(base.name).training_text == "partly"
    expected = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    assert table.trainable_parameters == expected  # Keras' own count, fine-tuned layers included
