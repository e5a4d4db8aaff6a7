"""The language's LALR parser (lark, contextual lexer) and its keyword table, loaded once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lark import Lark
from lark.lexer import PatternRE, TerminalDef

KEYWORD_PRIORITY = 5


@dataclass(frozen=True)
class Grammar:
    """The loaded parser plus its keyword table (terminal name → spellings, English first)."""

    lark: Lark
    keywords: dict[str, tuple[str, ...]]

    def spell(self, terminal: str) -> str | None:
        """English spelling of a keyword terminal, or None if not a keyword."""
        words = self.keywords.get(terminal)
        return words[0] if words else None


_KEYWORD_TERMINAL = re.compile(r"^_[A-Z_]+$")


def _keyword_spellings(pattern_value: str) -> tuple[str, ...]:
    inner = pattern_value
    if inner.startswith("(?:") and inner.endswith(")"):
        inner = inner[3:-1]
    return tuple(re.sub(r"\\(.)", r"\1", alt) for alt in inner.split("|"))


@cache
def grammar() -> Grammar:
    """Load the LALR parser once per process."""
    keywords: dict[str, tuple[str, ...]] = {}

    def edit(t: TerminalDef) -> None:
        if not _KEYWORD_TERMINAL.match(t.name) or t.name in {"_THEN", "_RANGE"}:
            return
        if isinstance(t.pattern, PatternRE):
            words = _keyword_spellings(t.pattern.value)
        else:
            words = (t.pattern.value,)
        keywords[t.name] = words
        alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        t.pattern = PatternRE(f"(?:{alts})(?![\\w·])")
        t.priority = KEYWORD_PRIORITY

    parser = Lark.open(
        "onewindow.lark",
        rel_to=__file__,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        edit_terminals=edit,
    )
    return Grammar(parser, keywords)
