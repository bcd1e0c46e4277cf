"""Classify photo files from the command line, with the Classify page's own answer.

    python -m core.prediction PHOTO_OR_FOLDER... [--model NAME] [--csv FILE]

Each photo gets the calibrated percentage, the class or "not sure", and the
"neither cat nor dog" flag, from the same function the page calls. A folder is
read with its subfolders; a bad file gets a one-line error and the rest go on.
The exit code is non-zero only when no photo at all could be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.data.files import IMAGE_SUFFIXES
from core.imaging.decode import ImageLoadError
from core.imaging.photo import photo_from_bytes
from core.models import registry
from core.prediction.answers import singular
from core.prediction.photo_answer import answer_pixels, answer_tools, answers_csv
from core.wording.percent import probability_percent

#: Photos decoded and run together: enough to batch the network, few enough to keep memory small.
CHUNK = 16

#: Exit codes.
NOTHING_READ = 1
BAD_ARGUMENTS = 2


def photo_paths(arguments: list[Path]) -> tuple[list[Path], list[str]]:
    """Files named and image files inside named folders (sorted), and errors for names that do not exist."""
    paths, errors = [], []
    for argument in arguments:
        if argument.is_dir():
            found = sorted(p for p in argument.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                errors.append(f"{argument}: no photos in this folder")
            paths.extend(found)
        elif argument.is_file():
            paths.append(argument)
        else:
            errors.append(f"{argument}: no such file or folder")
    return paths, errors


def _progress(done: int, total: int, stream) -> None:
    width = 30
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="" if done < total else "\n",
          file=stream, flush=True)


def _line(answer) -> str:
    flag = ""
    if answer.novelty is not None:
        flag = f"  neither-score {answer.novelty.score:.3g}{' (NEITHER)' if answer.neither else ''}"
    return f"{answer.name}: {answer.answer} ({probability_percent(answer.confidence)} {singular(answer.label)}){flag}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.prediction", description=__doc__.split("\n\n")[0])
    parser.add_argument("photos", type=Path, nargs="+", help="photo files or folders of photos")
    parser.add_argument("--model", default=None, help="a model name (default: the best one available here)")
    parser.add_argument("--csv", type=Path, default=None, help="also write the results table to this CSV file")
    parser.add_argument("--weights", default=None, help="transfer models: the MobileNet weights file")
    parser.add_argument("--explain", action="store_true", help="print the page's sentences under each photo")
    args = parser.parse_args(argv)
    try:
        name = args.model or registry.default_model_name(registry.list_models(weights=args.weights))
        if name is None:
            raise ValueError("No model can be loaded here (see python -m core.models.registry).")
        info = registry.get_model_info(name, weights=args.weights)
        model = registry.load_model(info, args.weights)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_ARGUMENTS
    tools = answer_tools(info)
    paths, errors = photo_paths(args.photos)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    show_progress = len(paths) > 1
    answers = []
    for start in range(0, len(paths), CHUNK):
        decoded = []
        for path in paths[start:start + CHUNK]:
            try:
                decoded.append((str(path), photo_from_bytes(path.name, path.read_bytes()).pixels))
            except (ImageLoadError, OSError) as error:
                print(f"\nerror: {path}: {error}" if show_progress else f"error: {path}: {error}", file=sys.stderr)
        answers.extend(answer_pixels(model, tools, decoded))
        if show_progress:
            _progress(min(start + CHUNK, len(paths)), len(paths), sys.stderr)
    for answer in answers:
        print(_line(answer))
        if args.explain:
            print(f"  {answer.explanation}")
            if answer.details:
                print(f"  {answer.details}")
    if not answers:
        print("error: no photo could be read", file=sys.stderr)
        return NOTHING_READ
    if args.csv is not None:
        try:
            args.csv.write_text(answers_csv(answers))
        except OSError as error:
            print(f"error: cannot write {args.csv}: {error}", file=sys.stderr)
            return BAD_ARGUMENTS
    print(f"{len(answers)} of {len(paths)} photos read with {info.name}"
          f"{'' if tools.scorer else ' (no neither verdict for this model)'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
