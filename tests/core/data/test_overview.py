"""What the dataset page says about a listing: balance, the counted files, the split or the planned one."""

from __future__ import annotations

from core.data.listing import listing_from_paths
from core.data.overview import ClassBalance, ListingSummary, fractions_text, split_preview


def listing_of(paths: list[str]):
    return listing_from_paths("/data/pets", [(path, 1) for path in paths])


def test_balance_warns_above_one_and_a_half_times():
    unbalanced = ClassBalance({"cats": 1_600, "dogs": 1_000})
    assert unbalanced.is_unbalanced
    assert unbalanced.sentence.startswith("The classes are unbalanced (1,600 vs 1,000): a model can score well")
    even = ClassBalance({"cats": 1_500, "dogs": 1_000})  # exactly 1.5: still fair
    assert not even.is_unbalanced
    assert even.sentence == "The classes are about the same size, so accuracy is a fair summary of how good a model is."
    assert ClassBalance({}).sentence == "" and not ClassBalance({}).is_unbalanced


def test_summary_sentences_follow_the_listing():
    listing = listing_of(["pets/cats/a.jpg", "pets/cats/b.jpg", "pets/dogs/c.jpg", "pets/dogs/notes.txt",
                          "pets/README.md", "LICENSE"])
    summary = ListingSummary(listing)
    assert summary.photo_count == 3 and summary.has_enough_classes
    assert summary.counted_sentence == "Counted from file names only, without opening the photos (found under `pets/`)."
    assert summary.other_files_sentence == ("1 file in the class folders is not an image by its name "
                                            "(see the cleaning report).")
    assert summary.stray_files_sentence == "2 files outside the class folders are ignored."
    assert summary.balance.totals == {"cats": 2, "dogs": 1}
    plain = ListingSummary(listing_of(["cats/a.jpg", "dogs/b.jpg"]))
    assert plain.counted_sentence == "Counted from file names only, without opening the photos."
    assert plain.other_files_sentence == "" and plain.stray_files_sentence == ""


def test_a_split_folder_shows_its_own_split():
    preview = split_preview(listing_of(["train/cats/a.jpg", "train/dogs/b.jpg", "train/dogs/c.jpg",
                                        "test/cats/d.jpg", "test/dogs/e.jpg"]))
    assert not preview.planned and preview.planned_sentence == ""
    assert preview.counts == {"train": {"cats": 1, "dogs": 2}, "test": {"cats": 1, "dogs": 1}}
    assert preview.totals == {"train": 3, "test": 2}
    lines = preview.purpose_lines()
    assert lines[0] == "**train** (3 photos): the photos the network learns its weights from."
    assert lines[1].startswith("**test** (2 photos): photos kept aside until the very end")
    assert len(lines) == 2  # no validation folder, no validation line


def test_an_unsplit_folder_shows_the_split_the_command_would_write():
    listing = listing_of([f"cats/{number}.jpg" for number in range(50)]
                         + [f"dogs/{number}.jpg" for number in range(30)])
    preview = split_preview(listing)
    assert preview.planned
    assert preview.totals == {"train": 64, "validation": 8, "test": 8}  # 80/10/10 of 50 and of 30, class by class
    assert ("The seeded 80/10/10 split gives 64 / 8 / 8 photos for train / validation / test, the numbers below."
            in preview.planned_sentence)
    assert '`python -m core.data split "/data/pets" DEST`' in preview.planned_sentence
    assert fractions_text((0.7, 0.15, 0.15)) == "70/15/15"


def test_counts_of_one_are_singular():
    listing = listing_of(["train/cats/a.jpg", "train/dogs/b.jpg", "train/dogs/x.txt", "train/dogs/y.txt",
                          "notes.md"])
    summary = ListingSummary(listing)
    assert summary.other_files_sentence == ("2 files in the class folders are not images by their names "
                                            "(see the cleaning report).")
    assert summary.stray_files_sentence == "1 file outside the class folders is ignored."
    assert split_preview(listing_of(["train/cats/a.jpg", "test/cats/b.jpg", "test/dogs/c.jpg"])
                         ).purpose_lines()[0].startswith("**train** (1 photo): ")


def test_a_small_class_lands_away_from_the_aim_and_the_sentence_gives_what_it_lands_on():
    # 5 photos a class: 10% of 5 is 0.5, rounded up to 1 validation and 1 test photo: 3 / 1 / 1 a class.
    preview = split_preview(listing_of([f"{name}/{number}.jpg" for name in ("cats", "dogs") for number in range(5)]))
    assert preview.totals == {"train": 6, "validation": 2, "test": 2}
    assert preview.shares_text == "60/20/20"
    assert ("The seeded split aims at 80/10/10 but, each class cut in whole photos, gives 6 / 2 / 2 photos for "
            "train / validation / test (60/20/20), the numbers below.") in preview.planned_sentence


def test_a_zip_never_saved_gets_no_command_naming_it():
    listing = listing_of([f"{name}/{number}.jpg" for name in ("cats", "dogs") for number in range(10)])
    sentence = split_preview(listing, saved=False).planned_sentence
    assert sentence.startswith("This zip is not split yet.")
    assert "/data/pets" not in sentence
    assert "unpack the zip into a folder on the app's computer and run `python -m core.data split FOLDER DEST`" \
        in sentence
