"""Check or split a dataset folder: python -m core.data check FOLDER | split SRC DEST."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from core.data.check import check_dataset, format_report
from core.data.listing import Progress, folder_reader, list_folder
from core.data.split import DEFAULT_FRACTIONS, format_split, split_dataset


def progress_bar(description: str) -> tuple[Progress, Callable[[], None]]:
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=description, unit="photo")
        bar.update(done - bar.n)

    def close() -> None:
        if bar is not None:
            bar.close()

    return update, close


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.data", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="count and verify the photos of a folder")
    check.add_argument("folder")
    check.add_argument("--sample", type=int, default=None, help="check only this many photos per class")
    check.add_argument("--seed", type=int, default=0)
    check.add_argument("--workers", type=int, default=None)
    split = commands.add_parser("split", help="write a seeded train/validation/test split of a folder")
    split.add_argument("source")
    split.add_argument("destination")
    split.add_argument("--seed", type=int, default=0)
    split.add_argument("--fractions", type=float, nargs=3, default=DEFAULT_FRACTIONS,
                       metavar=("TRAIN", "VALIDATION", "TEST"))
    split.add_argument("--equalize", action="store_true", help="trim every class to the smallest one")
    split.add_argument("--copy", action="store_true", help="copy files instead of hard-linking them")
    split.add_argument("--workers", type=int, default=None)
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            listing = list_folder(arguments.folder)
            update, close = progress_bar("Checking")
            try:
                report = check_dataset(listing, folder_reader(arguments.folder), sample_per_class=arguments.sample,
                                       seed=arguments.seed, workers=arguments.workers, progress=update)
            finally:
                close()
            print(format_report(report))
            return 0
        update, close = progress_bar("Checking")
        try:
            result = split_dataset(arguments.source, arguments.destination, fractions=arguments.fractions,
                                   seed=arguments.seed, equalize=arguments.equalize, copy=arguments.copy,
                                   workers=arguments.workers, progress=update)
        finally:
            close()
        print(format_split(result))
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
