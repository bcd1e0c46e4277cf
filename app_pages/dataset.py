"""Dataset & augmentation: what the network learns from, and how training varies it."""

from __future__ import annotations

import streamlit as st

from ui.dataset import augmentation, checking, contents, samples, source, splits

st.title("Dataset & augmentation")
st.markdown("A network is only as good as the photos it learns from. Explore a folder of photos sorted into one "
            "subfolder per class, see how it is split and cleaned, and preview the random changes training makes.")

data = source.choose_source()
if data is None and not source.has_default_data():
    st.info(source.DOWNLOAD_HELP)
elif data is None:
    st.info(source.NOTHING_CHOSEN)
elif not len(data.listing):
    st.warning("No photos found in the class folders.")
else:
    contents.show_contents(data.listing)
    splits.show_splits(data.listing, data.on_server)
    samples.show_samples(data.listing, data.reader, data.key)
    checking.show_check(data.listing, data.reader, data.key)
explorable = data is not None and len(data.listing) > 0
augmentation.show_augmentation(data.listing if explorable else None, data.reader if explorable else None)
