"""What a student types as a nickname: bounded, and shown as plain text whatever it holds."""

from __future__ import annotations

import re
import unicodedata

from core.classroom.limits import NICKNAME_CHARACTERS

#: Characters that mean something to Markdown or HTML; each is shown as itself, never as formatting.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&$:])")


def clean_nickname(typed: str | None, number: int) -> str:
    """The nickname to store: the typed one, one line, no control characters, at most 20 characters;
    "Student <number>" when nothing is left."""
    text = unicodedata.normalize("NFC", str(typed or ""))
    text = "".join(" " if unicodedata.category(character)[0] in "CZ" else character for character in text)
    text = " ".join(text.split())[:NICKNAME_CHARACTERS].strip()
    return text or f"Student {number}"


def plain_markdown(text: str) -> str:
    """``text`` escaped for st.markdown: every Markdown and HTML character shown as itself."""
    return _MARKUP.sub(r"\\\1", text)
