"""Step 2 of live training: the network and how it trains, read into a LiveConfig."""

from __future__ import annotations

import streamlit as st

from core.training import live_model
from ui.resources import training as training_resources

#: The controls start from LiveConfig's own defaults, so the two never disagree.
DEFAULTS = live_model.LiveConfig()


def choose_config() -> live_model.LiveConfig:
    first, second, third = st.columns(3)
    with first:
        architecture = st.radio(
            "Network", live_model.ARCHITECTURE_CHOICES, horizontal=True, key="training_architecture",
            index=live_model.ARCHITECTURE_CHOICES.index(DEFAULTS.architecture),
            format_func=live_model.ARCHITECTURE_LABELS.get)
        image_size = st.select_slider("Image size (pixels)", live_model.IMAGE_SIZES, DEFAULTS.image_size,
                                      key="training_image_size")
        dropout = st.slider("Dropout", 0.0, 0.6, DEFAULTS.dropout, 0.05, key="training_dropout",
                            disabled=architecture == "tiny",
                            help="Share of features switched off at random during training (small network only).")
    with second:
        epochs = st.slider("Epochs", 1, 30, DEFAULTS.epochs, key="training_epochs")
        batch_size = st.select_slider("Batch size", live_model.BATCH_SIZES, DEFAULTS.batch_size,
                                      key="training_batch_size")
        learning_rate = st.select_slider("Learning rate", live_model.LEARNING_RATES, DEFAULTS.learning_rate,
                                         format_func=live_model.format_learning_rate, key="training_learning_rate")
    with third:
        augmentation = st.toggle("Augmentation (flips, small turns and zooms)", DEFAULTS.augmentation,
                                 key="training_augmentation")
        holdout = st.slider("Held out for validation (%)", 10, 40, round(DEFAULTS.holdout_fraction * 100), 5,
                            format="%d%%", key="training_holdout",
                            help="This share of each class is never trained on: it draws the validation "
                                 "curves and evaluates the model afterwards.")
    return live_model.LiveConfig.from_choices(
        architecture=architecture, image_size=image_size, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, augmentation=augmentation, dropout=dropout, holdout_percent=holdout)


def show_settings() -> live_model.LiveConfig:
    """The settings and the size of the network they make."""
    st.subheader("2. The network and how it trains")
    config = choose_config()
    try:
        parameters = training_resources.cached_parameter_count(config.architecture, config.image_size,
                                                               config.dropout)
    except ValueError:
        return config  # settings the network cannot be built from say so when training starts
    st.caption(live_model.parameter_sentence(parameters))
    return config
