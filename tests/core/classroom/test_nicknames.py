"""core/classroom/nicknames.py: whatever a student types is one short line, shown as itself."""

from __future__ import annotations

import unicodedata

import pytest

from core.classroom.nicknames import clean_nickname, plain_markdown

#: Characters Markdown or HTML give a meaning to.
MARKUP = set("\\`*_{}[]()#+-.!|<>~&$:")


def unescaped_markup(text: str) -> list[str]:
    """The markup characters in ``text`` that no backslash escapes (a backslash escapes the next character)."""
    found, index = [], 0
    while index < len(text):
        if text[index] == "\\":
            assert index + 1 < len(text), f"a lone backslash ends {text!r}"
            index += 2
            continue
        if text[index] in MARKUP:
            found.append(text[index])
        index += 1
    return found


def unescaped(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        if text[index] == "\\":
            index += 1
        out.append(text[index])
        index += 1
    return "".join(out)


@pytest.mark.parametrize("typed, nickname", [
    ("Ada", "Ada"),
    ("Ada\nLovelace", "Ada Lovelace"),
    ("Ada\r\n\r\nLovelace", "Ada Lovelace"),
    ("  Ada \t Lovelace  ", "Ada Lovelace"),
    ("A\x00d\x07a\x1b[31m", "A d a [31m"),
    ("Ada\u202eecalevol", "Ada ecalevol"),  # a right-to-left override is a control character too
    ("Zo\u00eb", "Zo\u00eb"),
    ("Zoe\u0308", "Zo\u00eb"),  # written as NFC: one character, not two
])
def test_control_characters_and_newlines_are_removed(typed, nickname):
    cleaned = clean_nickname(typed, 1)
    assert cleaned == nickname
    assert "\n" not in cleaned and "\r" not in cleaned
    assert all(unicodedata.category(character)[0] != "C" for character in cleaned)


def test_a_nickname_is_at_most_twenty_characters():
    assert clean_nickname("x" * 21, 1) == "x" * 20
    assert clean_nickname("Bartholomew the Magnificent", 1) == "Bartholomew the Magn"
    assert clean_nickname("🐱" * 30, 1) == "🐱" * 20
    assert clean_nickname("abcdefghijklmnopqrs tuvw", 1) == "abcdefghijklmnopqrs"  # no space left at the end
    for typed in ("a" * 500, "\n".join(["ab"] * 100)):
        assert len(clean_nickname(typed, 1)) <= 20


@pytest.mark.parametrize("typed", [None, "", "   ", "\n\t", "\x00\x01"])
def test_nothing_left_is_student_and_the_number(typed):
    assert clean_nickname(typed, 7) == "Student 7"


@pytest.mark.parametrize("text, escaped", [
    ("**bold**", r"\*\*bold\*\*"),
    ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
    ("[link](x)", r"\[link\]\(x\)"),
    ("_em_ `code` # h", r"\_em\_ \`code\` \# h"),
    ("a\\b", r"a\\b"),
    ("$x$ ~~s~~ |t| &amp; !", r"\$x\$ \~\~s\~\~ \|t\| \&amp; \!"),
    ("Ada", "Ada"),
])
def test_plain_markdown_escapes_every_markup_character(text, escaped):
    shown = plain_markdown(text)
    assert shown == escaped
    assert unescaped_markup(shown) == []
    assert unescaped(shown) == text  # the reader sees exactly what was typed


def test_every_markup_character_is_preceded_by_a_backslash():
    text = "".join(sorted(MARKUP)) + " **x** <b>[y](z)</b>"
    shown = plain_markdown(text)
    assert unescaped_markup(shown) == []
    assert unescaped(shown) == text
    for character in "*<>[]()":
        positions = [index for index, found in enumerate(shown) if found == character]
        assert positions and all(shown[index - 1] == "\\" for index in positions)
