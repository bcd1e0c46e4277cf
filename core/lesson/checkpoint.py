"""A lesson step's one-question checkpoint: multiple choice, the right answer computed from the step's numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Checkpoint:
    """One question, its options, which one is right and why (the why quotes the numbers on screen)."""

    question: str
    options: tuple[str, ...]
    answer: int  # index into options
    why: str

    def __post_init__(self) -> None:
        if len(self.options) < 2:
            raise ValueError("A checkpoint needs at least two options.")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"The checkpoint's options must differ, got {self.options}.")
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"The right answer {self.answer} is not one of the {len(self.options)} options.")

    @property
    def right_option(self) -> str:
        return self.options[self.answer]

    def is_right(self, option: str) -> bool:
        return option == self.right_option

    def feedback(self, option: str) -> str:
        """What a student reads after choosing ``option``."""
        if option not in self.options:
            raise ValueError(f"{option!r} is not one of this checkpoint's options.")
        if self.is_right(option):
            return f"Right: {self.why}"
        return f"Not quite: the answer is **{self.right_option}**. {self.why}"


def checkpoint(question: str, right: str, wrong: Sequence[str], why: str, position: int) -> Checkpoint:
    """A checkpoint with the right option at ``position`` (modulo the option count) among the distinct wrong ones.

    Wrong options equal to the right one (two numbers that round alike) are
    dropped, so a student never sees the right answer twice.
    """
    distinct: list[str] = []
    for option in wrong:
        if option != right and option not in distinct:
            distinct.append(option)
    if not distinct:
        raise ValueError(f"The checkpoint {question!r} has no wrong option that differs from {right!r}.")
    index = position % (len(distinct) + 1)
    options = (*distinct[:index], right, *distinct[index:])
    return Checkpoint(question=question, options=tuple(options), answer=index, why=why)


@dataclass(frozen=True)
class StepText:
    """What a step says: two or three sentences for the teacher, its checkpoint, and small print."""

    sentences: tuple[str, ...]
    checkpoint: Checkpoint
    notes: tuple[str, ...] = ()
