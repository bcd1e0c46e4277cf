"""Step 2 of live training: the mode (from scratch or transfer), the network and how it trains, as a LiveConfig."""

from __future__ import annotations

import streamlit as st

from core.models.features import base_weights_problem
from core.training.live import networks
from ui.resources import training as training_resources

#: What each slider means, where the learner meets it.
LEARNING_RATE_HELP = ("How big a step the weights take downhill on the loss after each batch (Adam's step size). "
                      "Too small and the curves barely move; too large and the loss jumps about. It falls "
                      "smoothly to zero by the last epoch (cosine decay).")
BATCH_SIZE_HELP = ("How many photos the network looks at before each weight update. Small batches: more, noisier "
                   "steps per epoch; large batches: fewer, smoother steps.")
EPOCHS_HELP = ("How many times the network sees every training photo. The weights of the epoch with the lowest "
               "validation loss are the ones kept at the end.")
DROPOUT_HELP = ("Share of features switched off at random during training (never when answering), so the network "
                "cannot lean on any single one.")
HOLDOUT_HELP = ("This share of each class is never trained on: it draws the validation curves, chooses which "
                "epoch's weights are kept, and evaluates the model afterwards.")


def choose_mode(default: str) -> str:
    """The mode radio; transfer only where the MobileNet weights are on this machine (else why not)."""
    problem = base_weights_problem()
    modes = [mode for mode in networks.MODES if not (mode == "transfer" and problem)]
    mode = st.radio("Training mode", modes, horizontal=True, key=f"training_mode_{default}",
                    index=modes.index(default) if default in modes else 0,
                    format_func=networks.MODE_LABELS.get)
    if problem:
        st.info(f"Transfer learning is not offered here: {problem} Training from scratch works without it.",
                icon=":material/info:")
    st.caption(networks.MODE_SENTENCES[mode])
    return mode


def choose_config(mode: str) -> networks.LiveConfig:
    """The sliders, each mode with its own (so each starts from its own measured preset)."""
    preset = networks.PRESETS[mode]
    first, second, third = st.columns(3)
    with first:
        if mode == "transfer":
            architecture = networks.HEAD_ARCHITECTURE
            st.caption("Network: the frozen MobileNet, its features averaged into 256 numbers, then dropout and "
                       "one dense layer (the only part trained).")
            sizes = networks.TRANSFER_IMAGE_SIZES
        else:
            architecture = st.radio(
                "Network", networks.ARCHITECTURE_CHOICES, key="training_architecture",
                index=networks.ARCHITECTURE_CHOICES.index(preset.architecture),
                format_func=networks.ARCHITECTURE_LABELS.get)
            sizes = networks.IMAGE_SIZES
        image_size = st.select_slider("Image size (pixels)", sizes, preset.image_size,
                                      key=f"training_image_size_{mode}",
                                      help="Every photo is squeezed to this many pixels a side. Larger shows more "
                                           "detail and costs more time.")
        dropout = st.slider("Dropout", 0.0, 0.6, preset.dropout, 0.05, key=f"training_dropout_{mode}",
                            disabled=architecture == "tiny", help=DROPOUT_HELP + " (The tiny network has none.)")
    with second:
        epochs = st.slider("Epochs", 1, 30, preset.epochs, key=f"training_epochs_{mode}", help=EPOCHS_HELP)
        batch_size = st.select_slider("Batch size", networks.BATCH_SIZES, preset.batch_size,
                                      key=f"training_batch_size_{mode}", help=BATCH_SIZE_HELP)
        learning_rate = st.select_slider("Learning rate", networks.LEARNING_RATES, preset.learning_rate,
                                         format_func=networks.format_learning_rate,
                                         key=f"training_learning_rate_{mode}", help=LEARNING_RATE_HELP)
    with third:
        mirror_help = ("A mirrored cat is still a cat: twice the variety for free. "
                       + ("Their features are computed once too." if mode == "transfer"
                          else "Each epoch flips a random half of the photos left to right."))
        augmentation = st.toggle("Mirror images", preset.augmentation, key=f"training_augmentation_{mode}",
                                 help=mirror_help)
        holdout = st.slider("Held out for validation (%)", 10, 40, round(preset.holdout_fraction * 100), 5,
                            format="%d%%", key=f"training_holdout_{mode}", help=HOLDOUT_HELP)
    return networks.LiveConfig.from_choices(
        mode=mode, architecture=architecture, image_size=image_size, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, augmentation=augmentation, dropout=dropout, holdout_percent=holdout)


def show_settings(default_mode: str) -> networks.LiveConfig:
    """The mode, the settings and the size of the network they make."""
    st.subheader("2. How it learns")
    mode = choose_mode(default_mode)
    config = choose_config(mode)
    try:
        parameters = training_resources.cached_parameter_count(config.architecture, config.image_size,
                                                               config.dropout)
    except ValueError:
        return config  # settings the network cannot be built from say so when training starts
    st.caption(networks.parameter_sentence(parameters, frozen=config.is_transfer))
    return config
