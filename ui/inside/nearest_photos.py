"""Section "Similar training photos": the training photos whose features are nearest to this photo's."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.explain.nearest_photos import NEIGHBOURS, NearestPhotos, layer_line
from ui import resources
from ui.inside.setup import Inspection
from ui.resources import inside as inside_resources

INTRODUCTION = (
    "Which training photos does the network find most like this one? Not by their pixels, but by the features its "
    "final layer reads: the numbers it ends up with just before it decides. When it gets a photo wrong, the "
    "training photos it finds similar often show why."
)

#: Neighbours a learner can ask for.
COUNTS = (4, 8, 12, 16)

#: Width, in CSS pixels, of one photo of the grid: 4 a row beside the sidebar, 2 a row on a 390-px phone.
TILE_WIDTH = 170


@dataclass(frozen=True)
class NearestSpec:
    count: int  # training photos shown


def read_spec() -> NearestSpec:
    count = st.select_slider("Training photos to show", COUNTS, value=NEIGHBOURS, key="inside_nearest_count")
    return NearestSpec(int(count))


def show_grid(result: NearestPhotos) -> None:
    """The photos (or, where a file is not here, its label and distance), nearest first, wrapping to the screen."""
    total = len(result.neighbours)
    shown = 0
    with st.container(horizontal=True, wrap=True, gap="small"):
        for neighbour in result.neighbours:
            pixels = inside_resources.cached_neighbour_thumbnail(neighbour)
            with st.container(width=TILE_WIDTH):
                if pixels is not None:
                    st.image(pixels, caption=neighbour.caption, width="stretch", alt=neighbour.alt(total))
                    shown += 1
                else:
                    with st.container(border=True):
                        st.markdown(f"**{neighbour.caption}**")
    if shown:
        st.caption("Each photo is shown as its centre square; the network saw all of it.")


def show(inspection: Inspection) -> None:
    trained = inspection.choice.trained and inspection.photo_answer is not None
    entry = resources.cached_model_info(inspection.model_key).card.get("neighbours") if trained else None
    if entry:
        st.caption(layer_line(entry))  # the layer the card says its bank was built from
    st.markdown(INTRODUCTION)
    if not trained:
        st.info("The untrained network has learned from no photos, so there are no training photos to compare "
                "with: switch off *untrained* above.")
        return
    try:
        bank = inside_resources.cached_neighbour_bank(inspection.model_key)
    except ValueError as error:  # a bank edited by hand: a file outside the data folder, rows without labels
        st.error(f"{inspection.choice.title}'s bank of training features cannot be used: {error}")
        return
    if bank is None:
        st.info(f"{inspection.choice.title} has no bank of its training photos' features yet. Building it runs "
                "every training photo through the network (minutes on a laptop), so the app does not do it while "
                f"students wait: `python -m core.explain.neighbour_bank models/{inspection.model_key}` builds it.")
        return
    spec = read_spec()
    answer = inspection.photo_answer
    with st.spinner("Comparing with the training photos…"):
        result = inside_resources.cached_nearest_photos(inspection.model_key, inspection.photo_key, spec.count,
                                                        answer.answer, answer.index, inspection.model,
                                                        inspection.photo.pixels, bank)
    st.markdown(f"**{result.summary}** {result.reading}")
    show_grid(result)
    if result.photos_line:
        st.info(result.photos_line)
    st.dataframe(result.table, hide_index=True, width="stretch")
    st.caption(result.distances)
