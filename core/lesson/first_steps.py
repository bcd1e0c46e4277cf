"""What steps 1 to 4 say, computed from :class:`core.lesson.first_layer.FirstLayerLesson`'s numbers."""

from __future__ import annotations

import numpy as np

from core.arithmetic.numbers import MINUS, TIMES, count_text, format_count, format_number
from core.explain.numbering import shown_number
from core.lesson.checkpoint import StepText, checkpoint
from core.lesson.first_layer import FirstConv, FirstLayerLesson, Relu

CHANNELS = ("red", "green", "blue")

STRIDE_WORDS = {1: "one pixel", 2: "two pixels"}


def _shape(shape) -> str:
    return TIMES.join(str(int(side)) for side in shape)


def padding_words(padding: str, sides: tuple[int, int, int, int]) -> str:
    """'"same" padding (zeros: 1 row at the bottom and 1 column at the right, none at the top or left)'.

    ``sides`` are the zeros the layer really adds (top, bottom, left, right): with stride 2 TensorFlow's "same"
    puts an odd one at the bottom and right only, so "a ring around the edge" is said only when it is one.
    """
    if padding == "valid":
        return '"valid" padding (no zeros added, so it loses the edge)'
    if padding != "same":
        raise ValueError(f'The lesson explains "valid" and "same" padding, not {padding!r}.')
    if not any(sides):
        return '"same" padding (here no zeros are needed)'
    if len(set(sides)) == 1:
        return f'"same" padding (a ring of zeros {count_text(sides[0], "pixel")} wide around the edge)'
    named = list(zip(("top", "bottom", "left", "right"), sides, ("row", "row", "column", "column")))
    added = [f"{count_text(count, noun)} at the {where}" for where, count, noun in named if count]
    empty = [where for where, count, _ in named if not count]
    listed = added[0] if len(added) == 1 else f"{', '.join(added[:-1])} and {added[-1]}"
    none = f", none at the {' or '.join(empty)}" if empty else ""
    return f'"same" padding (zeros: {listed}{none})'


def conv_description(conv: FirstConv) -> str:
    """'a 3×3 convolution with stride 2 and "same" padding (zeros: 1 row at the bottom and …)'."""
    rows, cols = conv.kernel_size
    padding = padding_words(conv.padding, conv.padding_sides)
    return f"a {rows}×{cols} convolution with stride {conv.stride} and {padding}"


def photo_text(lesson: FirstLayerLesson) -> StepText:
    rows, cols, channels = lesson.pixels.shape
    low, high = lesson.conv.input_range
    count = rows * cols * channels
    red = float(lesson.patch_pixels[0, 0, 0])
    red_scaled = float(lesson.received[max(lesson.worked.input_top, 0), max(lesson.worked.input_left, 0), 0])
    rescaled = (f"Before its first layer the model rescales every number, so 0 becomes {format_number(low)} and 255 "
                f"becomes {format_number(high)}: the top-left red {format_number(red)} becomes "
                f"{format_number(red_scaled)}.")
    sentences = (
        (f"The model does not see a cat or a dog: it receives {_shape(lesson.pixels.shape)} = {format_count(count)} "
        "numbers, one red, one green and one blue brightness (0 to 255) for every pixel."),
        (f"This is the photo resized to {rows}×{cols}, the size the `{lesson.model_name}` model was trained on; "
        f"the grid shows the numbers of one small {_shape(lesson.patch_pixels.shape[:2])} patch."),
        rescaled if (low, high) != (0.0, 255.0) else "The model uses these 0 to 255 numbers as they are.",
    )
    question = f"How many numbers does the model receive for this {rows}×{cols} photo?"
    right = format_count(count)
    wrong = [format_count(rows * cols), format_count(channels), format_count(rows + cols)]
    why = f"{rows} × {cols} pixels × {channels} colours = {format_count(count)} numbers."
    return StepText(sentences, checkpoint(question, right, wrong, why, position=1))


def filter_text(lesson: FirstLayerLesson) -> StepText:
    worked, conv = lesson.worked, lesson.conv
    rows, cols = conv.kernel_size
    products = rows * cols * worked.window.shape[2]
    has_bias = abs(worked.bias) > 0
    if has_bias:
        sign = "+" if worked.bias >= 0 else MINUS
        total = (f" plus its bias: {format_number(worked.weighted_sum)} {sign} {format_number(abs(worked.bias))} = "
                 f"{format_number(worked.pre_activation)}")
    else:
        total = (f" (this layer has no bias; batch normalisation adds one next): "
                 f"{format_number(worked.pre_activation)}")
    out_rows, out_cols, filters = conv.output_shape
    sentences = (
        (f"The first layer is {conv_description(conv)}: {conv.filters} filters of "
         f"{rows}×{cols}×{worked.window.shape[2]} weights, and it turns the {_shape(conv.input_shape)} input into "
         f"{_shape(conv.output_shape)}."),
        (f"Filter {shown_number(lesson.channel)} lays its {products} weights over a {rows}×{cols} patch "
         "of the three colour grids, "
        f"multiplies each pair and adds the {products} products{total}."),
        (f"Sliding {STRIDE_WORDS.get(conv.stride, f'{conv.stride} pixels')} at a time, it writes one such number "
         f"for every position: a {out_rows}×{out_cols} map, one per filter."),
    )
    check = "✓ the same" if worked.matches else "✗ not the same"
    relu_part = (f" → ReLU inside the layer → {format_number(worked.recomputed, 6)}"
                 if worked.activation == "relu" else "")
    notes = ((f"Worked out: {format_number(worked.pre_activation, 6)}{relu_part}. The model's own output at row "
             f"{worked.row + 1}, column {worked.column + 1} of map {shown_number(lesson.channel)}: "
             f"{format_number(worked.model_value, 6)} "
             f"({check})."),)
    if has_bias:
        question = (f"The products add up to {format_number(worked.weighted_sum)} and the bias is "
                    f"{format_number(worked.bias)}. What number does the filter write into its map (before ReLU)?")
        right = format_number(worked.pre_activation)
        wrong = [format_number(worked.weighted_sum), format_number(worked.weighted_sum - worked.bias),
                 format_number(worked.weighted_sum * worked.bias)]
        why = (f"{format_number(worked.weighted_sum)} + {format_number(worked.bias)} = "
               f"{format_number(worked.pre_activation)}.")
    else:
        question = "How many multiplications does the filter make for this one number?"
        right = str(products)
        wrong = [str(rows * cols), str(worked.window.shape[2]), str(filters)]
        why = f"{rows} × {cols} weights for each of the {worked.window.shape[2]} colours = {products}."
    return StepText(sentences, checkpoint(question, right, wrong, why, position=2), notes)


def relu_text(lesson: FirstLayerLesson) -> StepText:
    relu = lesson.relu
    region = lesson.region(lesson.pre_map)
    decimals = lesson.region_decimals
    negatives = int((region < 0).sum())
    before = f"after batch normalisation (`{relu.normalised_by.split('/')[-1]}`) rescales each map" \
        if relu.normalised_by else "straight from the convolution"
    # Step 2's number through the model's real chain, so the two steps' numbers visibly connect.
    worked = format_number(lesson.worked.pre_activation)
    received = (f"step 2's {worked} comes out of it as {format_number(lesson.activation_input)}"
                if relu.normalised_by else f"step 2's {worked} is one of its numbers")
    chain = f"{received}, which {relu_name(relu)} makes {format_number(lesson.activated)}"
    capped = f"; this model's ReLU6 also caps every number at {relu.cap:g}" if relu.cap is not None else ""
    sentences = (
        (f"Next comes ReLU, {relu.formula}: every negative number becomes 0 and every positive one passes "
        f"unchanged{capped}."),
        (f"Here it works on filter {shown_number(lesson.channel)}'s map {before} ({chain}); "
         f"{negatives} of the {region.size} "
         "numbers in this patch are negative and become 0."),
        "Negative means \"this pattern is not here\", so after ReLU a map only says where its pattern is.",
    )
    flat = region.ravel()
    chosen = float(flat[np.argmin(flat)]) if negatives else float(flat[np.argmax(flat)])
    result = relu.apply(chosen)
    question = f"ReLU receives {format_number(chosen, decimals)}. What comes out?"
    wrong = [format_number(chosen, decimals), format_number(abs(chosen), decimals),
             format_number(-abs(chosen), decimals), "1"]
    why = f"{relu.formula} with x = {format_number(chosen, decimals)} gives {format_number(result, decimals)}."
    notes = (("✓ the model's map after ReLU is exactly this, cell for cell." if lesson.relu_matches
              else "✗ the model's map after ReLU differs from this."),)
    norm = lesson.normalised
    if norm is not None:
        check = "✓ the same" if norm.matches else "✗ not the same"
        notes += ((f"Batch normalisation by its formula, (x {MINUS} mean) ÷ √(variance + ε) × γ + β: "
                   f"({worked} {MINUS} {format_number(norm.mean)}) ÷ √({format_number(norm.variance)} + "
                   f"{format_number(norm.epsilon, 6)}) × {format_number(norm.gamma)} + {format_number(norm.beta)} = "
                   f"{format_number(norm.recomputed)}; the model's `{norm.layer.split('/')[-1]}` gives "
                   f"{format_number(norm.model_value)} ({check})."),)
    return StepText(sentences, checkpoint(question, format_number(result, decimals), wrong, why, position=0), notes)


def relu_name(relu: Relu) -> str:
    """'ReLU', or 'ReLU6' for one capped at 6."""
    return "ReLU" if relu.cap is None else f"ReLU{relu.cap:g}"


def pool_window(lesson: FirstLayerLesson) -> np.ndarray:
    """The 2×2 window of the map after ReLU that step 4 works out (the model's own window when it pools there)."""
    if lesson.pooling is not None:
        return lesson.pooling.window
    row, col = lesson.pool_window_position
    return lesson.post_map[row:row + 2, col:col + 2]


def pool_text(lesson: FirstLayerLesson) -> StepText:
    window = pool_window(lesson)
    decimals = lesson.region_decimals
    values = [float(value) for value in window.ravel()]
    largest = max(values)
    listed = ", ".join(format_number(value, decimals) for value in values)
    rows, cols = lesson.post_map.shape
    if lesson.pooling is not None:
        same = "✓ the same" if lesson.pooling.matches else "✗ not the same"
        pooled = (f"`{lesson.pool_layer}` does exactly this: its output there is "
                  f"{format_number(lesson.pooling.model_value, decimals)} ({same}), and the whole {rows}×{cols} map "
                  f"becomes {rows // 2}×{cols // 2}.")
    else:
        shrink = f" (the next is `{lesson.shrink_layer.split('/')[-1]}`)" if lesson.shrink_layer else ""
        pooled = (f"This model has no pooling layer here: it makes its maps smaller with stride-2 convolutions "
                  f"instead{shrink}. The window above shows what a 2×2 max pooling would keep.")
    sentences = (
        (f"Max pooling looks at each 2×2 window of the map and keeps only the largest number: max({listed}) = "
        f"{format_number(largest, decimals)}."),
        "The map gets half as wide and half as tall, and a pattern found anywhere in the window still counts.",
        pooled,
    )
    question = f"A 2×2 window holds {listed}. What does max pooling keep?"
    wrong = [format_number(float(np.mean(values)), decimals), format_number(min(values), decimals),
             format_number(sum(values), decimals), format_number(largest + 1, decimals)]  # the last: if all are equal
    why = f"The largest of {listed} is {format_number(largest, decimals)}."
    return StepText(sentences, checkpoint(question, format_number(largest, decimals), wrong, why, position=3))
