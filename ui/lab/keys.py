"""Session-state and widget keys of the lab (tests, the link and the other views read them by these names).

The settings' own keys are ``lab_<setting>`` (see :mod:`ui.lab.state`); the
keys below are the ones a view names itself.
"""

#: Bumped whenever a matrix is replaced, so the editors showing it start afresh (part of their keys).
EDITOR_VERSION_KEY = "lab_editor_version"
#: Which view the lab shows; also tells a first visit from a return.
VISIT_KEY = "lab_view"
#: The link's problems, shown once.
LINK_WARNINGS_KEY = "lab_link_problems"
#: The controls' values when the visitor left the lab, restored on return.
KEPT_KEY = "lab_kept_controls"
#: What the checked inputs corrected on this run, shown under the controls.
NOTES_KEY = "lab_input_notes"

# The "To a decision" view (ui.lab.decision), one group per step.
#: 1. Flatten: the editor of the pooled map (+ ``_<editor version>_<rows>x<cols>``).
POOLED_EDITOR_KEY = "lab_pooled_editor"
#: 2. One dense neuron: its weights' editor (+ ``_<count>``), its bias, and the arithmetic's container.
DENSE_WEIGHTS_KEY = "lab_dense_weights"
DENSE_BIAS_KEY = "lab_dense_bias"
NEURON_TEXT_KEY = "lab_neuron_text"
#: 3. Dropout: the rate slider.
DROPOUT_RATE_KEY = "lab_dropout_rate"
#: 4. The output neuron and the sigmoid: its weights, its bias and the arithmetic's container.
OUTPUT_WEIGHTS_KEY = "lab_output_weights"
OUTPUT_BIAS_KEY = "lab_output_bias"
SIGMOID_TEXT_KEY = "lab_sigmoid_text"

#: Widget keys whose values must survive while their widgets are hidden (another view is shown).
PERSISTENT_KEYS = (
    "lab_preset", VISIT_KEY, "lab_stride", "lab_padding_mode", "lab_padding_rings", "lab_bias", "lab_relu",
    "lab_conv_step", "lab_speed", "lab_pool_source", "lab_pool_mode", "lab_pool_size", "lab_pool_stride",
    "lab_pool_padding", "lab_pool_step", "lab_model_filter", "lab_model_channel", "lab_rgb_step",
    DROPOUT_RATE_KEY, DENSE_BIAS_KEY, OUTPUT_BIAS_KEY, "lab_crop_top", "lab_crop_left",
)
