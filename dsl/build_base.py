"""The base of the builder: statements, helpers and values shared by every block."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Transformer

from onewindow.dsl import vocab
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.model import (
    Comparison,
    Quantity,
    Ref,
    Span,
)


@dataclass
class Stmt:
    """One statement of a block: which field it sets, its value, and where it is."""

    key: str
    value: Any
    span: Span


@dataclass
class RawJurisdiction:
    """A `jurisdiction` block before includes are spliced and the model is assembled."""

    name: str
    span: Span
    path: str
    body: list[Stmt] = field(default_factory=list)


TopItem = RawJurisdiction | Stmt

_COMPARISONS = {"≥": ">=", "≤": "<="}


def unquote(text: str) -> str:
    """The content of a quoted string token, with `\\"` and `\\\\` unescaped."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        inner = text[1:-1]
        return re.sub(r"\\(.)", r"\1", inner) if "\\" in inner else inner
    return text


_new = object.__new__
_set = object.__setattr__
_STATE = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")


def _quick(cls: type[Any], fields: tuple[str, ...], probe: tuple[Any, ...]) -> Any:
    """`cls(**dict(zip(fields, values, strict=True)))` without validation, for values of the right types.

    A span (and a name) is made for nearly every node, and pydantic's validation costs
    more than the rest of building the node. The quick way sets the very state that
    validation sets, checked here on `probe`; if it ever differs, validation is kept.
    """

    def quick(*values: Any) -> Any:
        node = _new(cls)
        _set(node, "__dict__", dict(zip(fields, values, strict=True)))
        _set(node, "__pydantic_fields_set__", set(fields))
        _set(node, "__pydantic_extra__", None)
        _set(node, "__pydantic_private__", None)
        return node

    def validated(*values: Any) -> Any:
        return cls(**dict(zip(fields, values, strict=True)))

    try:
        a, b = quick(*probe), validated(*probe)
        if a == b and all(getattr(a, k, None) == getattr(b, k, None) for k in _STATE):
            return quick
    except (AttributeError, TypeError):  # pragma: no cover - another pydantic
        pass
    return validated  # pragma: no cover


def _validated_span(file: Any, line: Any, column: Any, end_line: Any, end_column: Any) -> Span:
    return Span(file=file, line=line, column=column, end_line=end_line, end_column=end_column)


_PROBE_SPAN = _validated_span("f.ow", 1, 2, 3, 4)
#: Span(file, line, column, end_line, end_column) for a str and four ints
make_span = _quick(Span, ("file", "line", "column", "end_line", "end_column"), ("f.ow", 1, 2, 3, 4))
#: Ref(name, span) for a str and a Span
make_ref = _quick(Ref, ("name", "span"), ("x", _PROBE_SPAN))


class BuilderBase(Transformer):
    """Shared helpers of the builder: spans, vocabulary words, dates, values."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.file = path
        self.diagnostics: list[Diagnostic] = []
        #: unvalidated spans need a str path (token positions are always ints)
        self.make_span = make_span if type(path) is str else _validated_span

    # ------------------------------------------------------------ helpers

    def span(self, meta: Any) -> Span:
        if type(meta) is tuple:  # from the parser: (line, column, start, end_line, end_column, end)
            return self.make_span(self.file, meta[0], meta[1], meta[3], meta[4])
        if getattr(meta, "empty", True):
            return self.make_span(self.file, 1, 1, 1, 1)
        return Span(
            file=self.file,
            line=meta.line,
            column=meta.column,
            end_line=meta.end_line,
            end_column=meta.end_column,
        )

    def tok_span(self, tok: Token) -> Span:
        return self.make_span(
            self.file,
            tok.line or 1,
            tok.column or 1,
            tok.end_line or tok.line or 1,
            tok.end_column or (tok.column or 1) + len(tok),
        )

    def word(self, vocabulary: str, ref: Ref, what: str) -> Any:
        member = vocab.lookup(vocabulary, ref.name)
        if member is None:
            choices = vocab.spellings(vocabulary)
            english = ", ".join(vocab.VOCABULARIES[vocabulary][1])
            hint = did_you_mean(ref.name, choices) or f"use one of: {english}"
            self.diagnostics.append(error("OW101", ref.span, f"unknown {what} '{ref.name}'", hint))
        return member

    def date(self, tok: Token) -> dt.date | None:
        try:
            y, m, d = (int(p) for p in str(tok).split("-"))
            return dt.date(y, m, d)
        except ValueError:
            self.diagnostics.append(
                error(
                    "OW122",
                    self.tok_span(tok),
                    f"'{tok}' is not a real date",
                    "write dates as YYYY-MM-DD, e.g. 2019-12-31",
                )
            )
            return None

    def stmt(self, key: str, value: Any, meta: Any) -> Stmt:
        return Stmt(key, value, self.span(meta))

    # ------------------------------------------------------------ values

    def name(self, children: list[Token]) -> Ref:
        tok = children[0]
        text = unquote(str(tok)) if tok.type == "STRING" else str(tok)
        return make_ref(text, self.tok_span(tok))

    def name_list(self, children: list[Ref]) -> list[Ref]:
        return children

    def quantity(self, children: list[Token]) -> Quantity:
        tok = children[0]
        text = str(tok)
        percent = text.endswith("%")
        return Quantity(value=float(text.rstrip("%")), percent=percent, span=self.tok_span(tok))

    def signed(self, children: list[Token]) -> float:
        sign = -1.0 if len(children) == 2 and str(children[0]) == "-" else 1.0
        return sign * float(children[-1])

    def comparison(self, children: list[Token]) -> Comparison:
        text = str(children[0])
        return Comparison(_COMPARISONS.get(text, text))

    def value(self, children: list[Any]) -> str | float:
        item = children[0]
        if isinstance(item, Ref):
            return item.name
        text = str(item)
        return float(text.rstrip("%"))

    def dated(self, children: list[tuple[str, dt.date | None]]) -> dict[str, dt.date | None]:
        out: dict[str, dt.date | None] = {}
        for key, day in children:
            out[key] = day
        return out

    def from_date(self, children: list[Token]) -> tuple[str, dt.date | None]:
        return ("valid_from", self.date(children[0]))

    def by_date(self, children: list[Token]) -> tuple[str, dt.date | None]:
        return ("due_by", self.date(children[0]))

    def date_span(self, children: list[Token]) -> tuple[dt.date | None, dt.date | None, Span]:
        start = self.date(children[0])
        end = self.date(children[1]) if len(children) > 1 else start
        return start, end, self.tok_span(children[0])

    def string(self, tok: Token) -> str:
        return unquote(str(tok))
