"""What the dataset page says about a listing: what is in it, how balanced it is, and how it is split.

Everything here is read from file names alone (a :class:`DatasetListing`), so
it is instant even on a folder of 25,000 photos.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.arithmetic.numbers import count_text
from core.data.listing import DatasetListing
from core.data.split import DEFAULT_FRACTIONS, plan_split

#: Largest class over smallest class above which accuracy alone misleads.
UNBALANCED_RATIO = 1.5

#: What each split is for, in the order the page lists them.
SPLIT_PURPOSES = {
    "train": "the photos the network learns its weights from.",
    "validation": "photos it never learns from, checked after every epoch to choose when to stop and which "
                  "settings work; without them you cannot see overfitting.",
    "test": "photos kept aside until the very end for one honest score; using them earlier to make choices "
            "would make that score too optimistic.",
}


@dataclass(frozen=True)
class ClassBalance:
    """Photos per class, and whether accuracy is a fair summary for them."""

    totals: dict[str, int]

    @property
    def largest(self) -> int:
        return max(self.totals.values(), default=0)

    @property
    def smallest(self) -> int:
        return min(self.totals.values(), default=0)

    @property
    def is_unbalanced(self) -> bool:
        return bool(self.smallest) and self.largest / self.smallest > UNBALANCED_RATIO

    @property
    def sentence(self) -> str:
        """The warning (unbalanced) or the reassurance (balanced); "" when there is no photo."""
        if self.is_unbalanced:
            return (f"The classes are unbalanced ({self.largest:,} vs {self.smallest:,}): a model can score well by "
                    "mostly guessing the larger class. Look at per-class results, not only accuracy.")
        if self.smallest:
            return "The classes are about the same size, so accuracy is a fair summary of how good a model is."
        return ""


@dataclass(frozen=True)
class ListingSummary:
    """The "What is in it" section of a listing, each sentence ready to show."""

    listing: DatasetListing

    @property
    def photo_count(self) -> int:
        return len(self.listing)

    @property
    def balance(self) -> ClassBalance:
        return ClassBalance(self.listing.class_totals())

    @property
    def has_enough_classes(self) -> bool:
        return len(self.listing.class_names) >= 2

    @property
    def counted_sentence(self) -> str:
        where = f" (found under `{self.listing.root}/`)" if self.listing.root else ""
        return f"Counted from file names only, without opening the photos{where}."

    @property
    def other_files_sentence(self) -> str:
        """Files inside class folders that are not images by their name ("" when there are none)."""
        count = len(self.listing.other_files)
        if not count:
            return ""
        verb = "is not an image by its name" if count == 1 else "are not images by their names"
        return (f"{count_text(count, 'file')} in the class folders {verb} "
                "(see the cleaning report).")

    @property
    def stray_files_sentence(self) -> str:
        """Files outside the class folders ("" when there are none)."""
        count = len(self.listing.stray_files)
        if not count:
            return ""
        return f"{count_text(count, 'file')} outside the class folders {'is' if count == 1 else 'are'} ignored."


def fractions_text(fractions: tuple[float, ...] = DEFAULT_FRACTIONS) -> str:
    """(0.8, 0.1, 0.1) -> '80/10/10'."""
    return "/".join(f"{fraction * 100:g}" for fraction in fractions)


@dataclass(frozen=True)
class SplitPreview:
    """The photos per split and class: the folder's own split, or the one ``python -m core.data split`` would write."""

    source: str
    counts: dict[str, dict[str, int]]  # {split: {class: photos}}
    planned: bool  # True: the folder is not split yet, these are the numbers the split would give
    saved: bool = True  # False: an upload read in memory, which the split command (on the server) cannot read

    @property
    def totals(self) -> dict[str, int]:
        return {split: sum(classes.values()) for split, classes in self.counts.items()}

    @property
    def shares_text(self) -> str:
        """The splits' shares of these very photos, rounded as the chart writes them: '60/20/20'."""
        totals = self.totals
        grand_total = max(sum(totals.values()), 1)
        return "/".join(f"{total / grand_total:.0%}".rstrip("%") for total in totals.values())

    @property
    def planned_sentence(self) -> str:
        """What the planned split gives and how to write it ("" for a folder that is already split)."""
        if not self.planned:
            return ""
        aim = fractions_text()
        numbers = " / ".join(str(total) for total in self.totals.values())
        shares = self.shares_text
        # Each class is cut in whole photos, so a small class lands away from the aim (5 photos: 3 / 1 / 1).
        splits = " / ".join(self.totals)
        gives = (f"The seeded {aim} split gives {numbers} photos for {splits}" if shares == aim else
                 f"The seeded split aims at {aim} but, each class cut in whole photos, gives {numbers} photos for "
                 f"{splits} ({shares})")
        sentence = f"This {'folder' if self.saved else 'zip'} is not split yet. {gives}, the numbers below. "
        left_out = "(broken files and duplicates are left out first, so the final numbers can be a little smaller)."
        if self.saved:
            return sentence + f"Write it with `python -m core.data split \"{self.source}\" DEST` {left_out}"
        return sentence + ("The split command reads a folder on the app's computer, and this zip was only read in "
                           "memory, never saved there: to write the split, unpack the zip into a folder on the "
                           f"app's computer and run `python -m core.data split FOLDER DEST` there {left_out}")

    def purpose_lines(self) -> list[str]:
        """'**train** (17 photos): the photos the network learns its weights from.' for each split present."""
        totals = self.totals
        return [f"**{split}** ({count_text(totals[split], 'photo')}): {purpose}"
                for split, purpose in SPLIT_PURPOSES.items() if split in totals]


def split_preview(listing: DatasetListing, saved: bool = True) -> SplitPreview:
    """The listing's own split, or (a folder of class folders only) the seeded default split of it.

    ``saved`` is False for an upload read in memory: the split command cannot be pointed at it.
    """
    if listing.layout == "split":
        return SplitPreview(listing.source, listing.counts(), planned=False, saved=saved)
    planned = plan_split({name: [item.path for item in listing.files_of(name)] for name in listing.class_names})
    counts = {split: {name: len(paths) for name, paths in classes.items()} for split, classes in planned.items()}
    return SplitPreview(listing.source, counts, planned=True, saved=saved)
