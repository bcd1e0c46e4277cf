"""ui/resources: a model is loaded and traced once per server process, however many sessions ask at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import streamlit as st

from core.models import architectures, inference, registry
from core.prediction import features
from ui import resources


def test_many_first_visits_at_once_load_and_trace_the_model_once(monkeypatch):
    st.cache_resource.clear()
    loads = []
    model = architectures.tiny(image_size=24)

    def load(name):
        loads.append(name)
        return model

    monkeypatch.setattr(registry, "load_model", load)
    start_together = threading.Barrier(6)

    def first_visit(_):
        start_together.wait()
        return resources.cached_model("tiny")

    with ThreadPoolExecutor(6) as pool:
        models = list(pool.map(first_visit, range(6)))
    try:
        assert loads == ["tiny"]
        assert all(found is model for found in models)
        # The answer path is traced while loading, so no session's first photo pays for it.
        assert model in features._EXTRACTORS
        probabilities = inference.predict_probabilities(model, np.zeros((2, 24, 24, 3), np.uint8))
        assert probabilities.shape == (2, 2) and np.allclose(probabilities.sum(axis=1), 1)
    finally:
        st.cache_resource.clear()
