"""core/imaging/decode.py on a generated corpus of good and bad files (see tests/support/image_corpus.py)."""

from __future__ import annotations

import builtins
import io
import os
import tempfile

import numpy as np
import pytest
from PIL import Image, ImageFile

from core.imaging import decode
from core.imaging.decode import MAX_BYTES, MAX_PIXELS, DecodedImage, ImageLoadError, decode_image
from tests.support import image_corpus as corpus
from tests.support.requirements import in_ci


def build_good(name: str) -> corpus.GoodImage:
    if name in corpus.HEIF_NAMES:
        corpus.require_heif()
    return corpus.good_image(name)


# ---------------------------------------------------------------- the corpus


def test_corpus_is_large_and_covers_every_format():
    assert len(corpus.GOOD_BUILDERS) + len(corpus.BAD_BUILDERS) >= 30
    assert len(corpus.BAD_BUILDERS) >= 15
    formats = {corpus.good_image(name).format for name in corpus.GOOD_BUILDERS if name not in corpus.HEIF_NAMES}
    formats |= {"HEIF"}  # checked by the two HEIC cases (skipped only without an encoder)
    assert formats >= set(decode.SUPPORTED_FORMATS)
    orientations = {corpus.good_image(f"jpeg_orientation_{k}").orientation for k in range(1, 9)}
    assert orientations == set(range(1, 9))


@pytest.mark.parametrize("name", list(corpus.GOOD_BUILDERS))
def test_good_file_decodes_to_the_expected_upright_rgb(name):
    case = build_good(name)
    decoded = decode_image(case.data)

    assert isinstance(decoded, DecodedImage)
    assert decoded.format == case.format
    assert (decoded.width, decoded.height) == case.size
    assert decoded.pixels.shape == (case.size[1], case.size[0], 3)
    assert decoded.pixels.dtype == np.uint8 and decoded.pixels.flags.c_contiguous
    assert decoded.original_mode == case.original_mode
    assert decoded.orientation == case.orientation
    assert decoded.original_size == corpus.upright_size(*case.size, case.orientation)  # as stored
    assert decoded.frame_count == case.frame_count
    corpus.assert_probes(decoded.pixels, case)
    if case.note:
        assert any(case.note in note for note in decoded.notes), decoded.notes
    else:
        assert decoded.notes == ()


@pytest.mark.parametrize("name", list(corpus.BAD_BUILDERS))
def test_bad_file_is_refused_with_a_clear_one_line_message(name):
    if name in corpus.HEIF_BAD_NAMES:
        corpus.require_heif()
    case = corpus.bad_image(name)
    with pytest.raises(ImageLoadError) as caught:
        decode_image(case.data)
    message = str(caught.value)
    if case.exact:
        assert message == case.message
    else:
        assert message.startswith(case.message)
    assert "\n" not in message and len(message) < 200
    assert isinstance(caught.value, ValueError)
    # "from None": the page shows one line, with no chained Pillow traceback.
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_corrupt_jpeg_middle_decodes_with_garbage_without_an_error():
    # Documented limitation: libjpeg reports damage inside the compressed data
    # only as a warning (it fills in gray or resynchronises), Pillow does not
    # surface it, so such a photo loads and the damage shows as garbage.
    data, clean = corpus.corrupt_jpeg_middle()
    decoded = decode_image(data)
    assert decoded.pixels.shape == clean.shape
    difference = np.abs(decoded.pixels.astype(int) - clean).mean()
    assert difference > 5.0  # clearly damaged, yet no ImageLoadError


# ---------------------------------------------------------------- limits


def test_decompression_bomb_is_refused_before_any_pixel_is_decoded(monkeypatch):
    loads = []
    original_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self) or original_load(self))
    for name in ("png_bomb_100000_square", "png_just_over_max_pixels", "jpeg_bomb_65000_square",
                 "jpeg_over_three_times_max_pixels"):
        with pytest.raises(ImageLoadError, match=r"^The image is too large: "):
            decode_image(corpus.bad_image(name).data)
    assert loads == []
    decode_image(corpus.good_image("png_rgb").data)
    assert loads  # the spy does see a real decode


def test_max_pixels_argument_sets_the_limit():
    data = corpus.good_image("png_rgb").data
    with pytest.raises(ImageLoadError) as caught:
        decode_image(data, max_pixels=2_399)
    assert str(caught.value) == "The image is too large: 60×40 = 2,400 pixels; the limit is 2,399 pixels."
    assert decode_image(data, max_pixels=2_400).pixels.shape == (40, 60, 3)


def test_limits_match_the_upload_settings():
    assert MAX_BYTES == 50 * 2**20  # .streamlit/config.toml: maxUploadSize = 50 (MB of 2**20 bytes)
    assert MAX_PIXELS == 50_000_000
    assert len(corpus.bad_image("over_max_bytes").data) == MAX_BYTES + 1


def test_bytes_like_inputs_are_accepted_and_other_types_are_not():
    data = corpus.good_image("png_rgb").data
    assert decode_image(bytearray(data)).pixels.shape == (40, 60, 3)
    assert decode_image(memoryview(data)).pixels.shape == (40, 60, 3)
    with pytest.raises(TypeError):
        decode_image("photo.png")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_pixels"):
        decode_image(data, max_pixels=0)
    with pytest.raises(ValueError, match="draft_size"):
        decode_image(data, draft_size=(0, 10))


def test_out_of_range_or_missing_orientation_counts_as_upright():
    scene = corpus._scene()
    for value in (0, 9, 65535):
        decoded = decode_image(corpus.encode(scene, "JPEG", quality=95, exif=corpus.exif_bytes(value)))
        assert decoded.orientation == 1 and (decoded.width, decoded.height) == (60, 40)
        assert decoded.notes == ()


def test_nothing_is_written_to_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an upload must never be written to disk")

    for module, attribute in ((builtins, "open"), (io, "open"), (os, "open"), (tempfile, "mkstemp"),
                              (tempfile, "NamedTemporaryFile"), (tempfile, "TemporaryFile")):
        monkeypatch.setattr(module, attribute, refuse)
    names = ["jpeg_orientation_6", "png_16_bit", "tiff_multipage", "webp_lossless_rgba", "gif_animated"]
    if in_ci() or not corpus.heif_missing():
        corpus.require_heif()  # in CI a missing HEIC support fails here rather than go untested
        names.append("heic_orientation_6")
    cases = [corpus.good_image(name) for name in names]  # built before the patch bites (cached)
    for case in cases:
        assert decode_image(case.data).pixels.shape[2] == 3


# ---------------------------------------------------------------- draft mode


@pytest.mark.parametrize("size", [(150, 150), (224, 224), (160, 224), (600, 400), (1000, 1000), (4000, 3000)])
def test_draft_mode_never_returns_less_than_the_requested_size(size):
    height, width = size
    decoded = decode_image(corpus.good_image("jpeg_12_megapixels").data, draft_size=(width, height))
    assert decoded.width >= width and decoded.height >= height
    assert decoded.height > decoded.width  # still upright
    # ... and no bigger than needed: one more halving would fall below the request.
    if decoded.width * 8 > 3000:  # libjpeg scales by 1/8 at most
        assert decoded.width // 2 < width or decoded.height // 2 < height


def test_draft_size_is_ignored_for_formats_without_dct_scaling():
    decoded = decode_image(corpus.good_image("png_exif_orientation_6").data, draft_size=(4, 4))
    assert (decoded.width, decoded.height) == (40, 60)


# ---------------------------------------------------------------- helpers


def test_pillow_image_objects_round_trip_through_the_corpus_encoder():
    # The corpus builds files with Pillow's writers; make sure what it wrote is what it claims.
    data = corpus.good_image("png_16_bit").data
    assert Image.open(io.BytesIO(data)).mode == "I;16"
    assert corpus.good_image("gif_animated").frame_count == Image.open(io.BytesIO(
        corpus.good_image("gif_animated").data)).n_frames


def test_learner_notes_say_what_happened_in_plain_words():
    sideways = decode_image(corpus.good_image("jpeg_orientation_6").data)
    assert sideways.notes == (
        "The file stores this photo sideways; it was rotated 90° clockwise to stand upright (EXIF orientation 6).",
    )
    upside_down = decode_image(corpus.good_image("jpeg_orientation_3").data)
    assert upside_down.notes == (
        "The file stores this photo upside down; it was rotated 180° to stand upright (EXIF orientation 3).",
    )
    assert decode_image(corpus.good_image("jpeg_cmyk").data).notes == (
        "Printer colours (CMYK) converted to screen colours (RGB).",
    )


def test_an_exif_block_that_cannot_be_parsed_costs_only_the_orientation(monkeypatch):
    # The corpus' broken_exif.jpg makes Pillow warn and return an empty tag set;
    # here the EXIF parser itself fails, as it can on hostile files.
    from PIL import JpegImagePlugin

    def broken(self):
        raise SyntaxError("unknown EXIF tag type")

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "getexif", broken)
    decoded = decode_image(corpus.good_image("jpeg_orientation_6").data)
    assert decoded.orientation == 1 and (decoded.width, decoded.height) == (60, 40)


def test_an_oversized_jpeg_is_decoded_at_reduced_scale_within_the_limit():
    # Stands in for a 108-megapixel phone photo against the 50-megapixel limit:
    # a 60×40 JPEG (2,400 pixels) against a limit of 1,000 pixels.
    data = corpus.good_image("jpeg_orientation_6").data
    decoded = decode_image(data, max_pixels=1_000)
    assert (decoded.width, decoded.height) == (20, 30)  # 1/2 scale, then turned upright
    assert decoded.width * decoded.height <= 1_000
    assert decoded.original_size == (60, 40)
    assert decoded.notes[0] == (
        "This 60×40 photo is over the 0.001-megapixel limit, "
        "so it was decoded at 20×30 (1/2 of its width and height)."
    )
    assert decoded.orientation == 6 and decoded.notes[1].endswith("(EXIF orientation 6).")
    corpus.assert_probes(decoded.pixels, corpus.GoodImage(
        "half", b"", "JPEG", (20, 30), "RGB", probes=corpus.corner_probes(20, 30, 6, ("TR", "BR")), tolerance=40))
    # Beyond JPEG_OVERSIZE times the limit a JPEG is refused like any other file.
    with pytest.raises(ImageLoadError) as caught:
        decode_image(data, max_pixels=799)
    assert str(caught.value) == "The image is too large: 60×40 = 2,400 pixels; the limit is 2,397 pixels."
    # Other formats cannot be decoded smaller: the limit is the limit.
    with pytest.raises(ImageLoadError, match="^The image is too large: 60×40 = 2,400 pixels; the limit is 1,000"):
        decode_image(corpus.good_image("png_rgb").data, max_pixels=1_000)
