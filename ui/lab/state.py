"""The lab's session state: its settings (keys ``lab_<setting>``), its two matrices, the link and the model's kernel.

Every view reads and writes the lab through here. The URL mirrors the settings
(core.arithmetic.lab_link), so a teacher can share exactly one view.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from core.arithmetic import photo_filters
from core.arithmetic.lab_link import link_params, names_lab_settings, preset_kernel, read_link
from core.arithmetic.lab_settings import LabSettings, changed_settings
from core.arithmetic.presets import PRESETS
from core.models import registry
from ui.lab.keys import EDITOR_VERSION_KEY, KEPT_KEY, LINK_WARNINGS_KEY, PERSISTENT_KEYS, VISIT_KEY
from ui.resources import lab as lab_resources
from ui.session import PHOTO_PARAM

MODEL_NAME = "classic"



def settings() -> LabSettings:
    """The lab's settings as they are now."""
    defaults = LabSettings(preset="edge")
    return LabSettings(**{name: st.session_state.get(f"lab_{name}", getattr(defaults, name))
                          for name in LabSettings.field_names()})


def _write_settings(values: LabSettings) -> None:
    for name in LabSettings.field_names():
        st.session_state[f"lab_{name}"] = getattr(values, name)


def matrix(name: str) -> np.ndarray:
    """The lab's "image" (input) or "kernel" matrix."""
    return np.asarray(st.session_state[f"lab_{name}"], dtype=np.float64)


def set_matrix(name: str, values: object) -> None:
    """Replace the input or kernel matrix; a new editor version drops the old editor's edits."""
    st.session_state[f"lab_{name}"] = np.asarray(values, dtype=np.float64).tolist()
    st.session_state[EDITOR_VERSION_KEY] = editor_version() + 1


def editor_version() -> int:
    return st.session_state.get(EDITOR_VERSION_KEY, 0)


def restart_steps() -> None:
    st.session_state["lab_conv_step"] = st.session_state["lab_pool_step"] = 1


# --------------------------------------------------------------------------- the shipped model's kernel


def model_info() -> registry.ModelInfo | None:
    """The classic model's card when it can be loaded here, else None."""
    try:
        info = registry.get_model_info(MODEL_NAME)
    except ValueError:
        return None
    return info if info.available else None


def model_kernel() -> np.ndarray | None:
    """The chosen conv1 filter's 3×3 slice (or slice sum), or None when the model isn't here."""
    info = model_info()
    if info is None:
        return None
    network_file = Path(info.folder) / "model.keras"
    weights = lab_resources.cached_first_layer_weights(
        MODEL_NAME, network_file.stat().st_mtime if network_file.is_file() else 0.0)
    filter_number = min(max(int(st.session_state.get("lab_model_filter", 1)), 1), weights.shape[3])
    channel = st.session_state.get("lab_model_channel", "sum")
    return photo_filters.first_layer_kernel(weights, filter_number - 1, channel)


def _start_kernel(values: LabSettings) -> np.ndarray:
    if values.preset == "model":
        loaded = model_kernel()
        if loaded is not None:
            return loaded
    return preset_kernel(values)


def _start(values: LabSettings, image: object | None = None, kernel: object | None = None) -> None:
    """Settings, then matrices (the preset's unless given), back at the first step and not playing."""
    _write_settings(values)
    st.session_state["lab_playing"] = None
    st.session_state["lab_source_note"] = ""
    set_matrix("image", PRESETS[values.preset].image if image is None else image)
    set_matrix("kernel", _start_kernel(values) if kernel is None else kernel)


def apply_preset(key: str) -> None:
    current = settings()
    _start(LabSettings.from_preset(PRESETS[key], random_seed=current.random_seed, model_filter=current.model_filter,
                                   model_channel=current.model_channel))


def on_preset_change() -> None:
    apply_preset(st.session_state["lab_preset"])


def on_model_choice() -> None:
    loaded = model_kernel()
    if loaded is not None:
        set_matrix("kernel", loaded)
        st.session_state["lab_conv_step"] = 1


def new_random_kernel() -> None:
    st.session_state["lab_random_seed"] = st.session_state.get("lab_random_seed", 0) + 1
    set_matrix("kernel", photo_filters.random_kernel(st.session_state["lab_random_seed"]))
    st.session_state["lab_conv_step"] = 1


# --------------------------------------------------------------------------- start and link


def init_state() -> None:
    """Start each visit from its link, or from where the student left; every run keeps hidden widgets' values."""
    # Streamlit drops the keys of another page's widgets on a page switch; the view switch is drawn on every
    # run of the lab, so its key is missing exactly on the first run of a visit (and of the session).
    if VISIT_KEY not in st.session_state:
        _start_visit(st.query_params.to_dict())
    # Re-assigning keeps a widget's value while that widget is not drawn (another view is open).
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _start_visit(params: dict[str, str]) -> None:
    """A link that names settings (shared, or a lesson's "Try it") opens exactly them; else the kept settings."""
    kept = st.session_state.get(KEPT_KEY)
    if kept is not None and not names_lab_settings(params):
        st.session_state.update(kept)
        st.session_state["lab_playing"] = None
        st.session_state[EDITOR_VERSION_KEY] = editor_version() + 1  # fresh editors on the kept matrices
        return
    for key in PERSISTENT_KEYS:  # a link shows what it names, and the other controls start at their defaults
        st.session_state.pop(key, None)
    st.session_state["lab_speed"] = "normal"
    st.session_state["lab_rgb_step"] = 1
    reading = read_link(params)
    _start(reading.settings, reading.image, reading.kernel)
    st.session_state[LINK_WARNINGS_KEY] = reading.warnings


def remember() -> None:
    """Keep the controls' values in a plain session key, which, unlike widget keys, survives a page switch."""
    st.session_state[KEPT_KEY] = {key: st.session_state[key] for key in PERSISTENT_KEYS if key in st.session_state}


def changes_from_preset() -> list[str]:
    """What no longer is the preset's own: its matrices ("input", "kernel"), then settings its description uses."""
    values = settings()
    starts = {"input": ("image", PRESETS[values.preset].image), "kernel": ("kernel", _start_kernel(values))}
    changed = [what for what, (name, start) in starts.items()
               if not np.array_equal(matrix(name), np.asarray(start, dtype=np.float64))]
    return changed + changed_settings(values, PRESETS[values.preset])


def link_warnings() -> list[str]:
    """What the opening link asked for that could not be used; shown once."""
    return st.session_state.pop(LINK_WARNINGS_KEY, [])


def sync_link() -> None:
    """Write the settings into the address bar, so copying it shares exactly this view."""
    params = link_params(settings(), matrix("image"), matrix("kernel"))
    if PHOTO_PARAM in st.query_params:  # the session photo's id rides along (ui.session)
        params[PHOTO_PARAM] = st.query_params[PHOTO_PARAM]
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
