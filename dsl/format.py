"""The formatter (`onewindow fmt`): one canonical layout of a `.ow` file, comments kept.

Like gofmt, it works from the parse tree and keeps the user's statements in their order;
it never sorts, merges or drops a statement. What it changes:

- layout, spelling of keywords and enumerated words, quoting of names, numbers, dates and
  times, as described in `dsl/printer.py` (the same `Emitter` and `layout` write both);
- optional unit words are always written (`volume 1200 per year`, `service 8 minutes`,
  `fee 10 yuan`), a one-day range `D..D` becomes `D`, redundant parentheses in `steps` go,
  `≥ ≤ → ～ ， 、` become `>= <= -> .. , ,`; line endings become `\\n`, a BOM is dropped.

Language (`lang`): "en" or "zh" renders every keyword and enumerated word in English or
Chinese (事项, 窗口, 时限 …); without it the file keeps its dominant language (the one most
of its keywords are written in; English on a tie). Names, texts and comments are never
translated, so English → Chinese → English gives back the same text.

Comments (`# …`) are collected from the token stream and re-attached, none lost and none
duplicated:

- a comment on its own line belongs to the statement that follows it in the same block
  (blank lines around it are kept, at most one); after the last statement of a block it
  stays before the block's `}`; at the end of the file it stays at the end;
- a comment after code belongs to the statement whose last token precedes it (after `}`
  for a block), or to the block whose `{` precedes it (it stays after the `{`);
- a comment inside a statement that spans several lines (e.g. between two limits of one
  `limit` line) moves above that statement, since the statement is written on one line.

A file with syntax errors is never formatted: `format_text` returns its diagnostics and no
text. Before returning, the result is parsed again and checked to build the same statements
(spans aside) with the same comments; a mismatch raises `FormatError` (a formatter bug),
so a file is never rewritten with a different meaning.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from onewindow.dsl.build import transform
from onewindow.dsl.diagnostics import Diagnostic, error
from onewindow.dsl.model import Span
from onewindow.dsl.parse import grammar, parse_text
from onewindow.dsl.printer import (
    LANGS,
    Comment,
    Emitter,
    Entry,
    Item,
    Lang,
    Percent,
    StepExpr,
    comparable,
    layout,
    unquote,
)

#: Grammar rules that are statements (one line, or a block when in BLOCKS).
STATEMENTS = frozenset(
    [
        "jurisdiction",
        "level_stmt",
        "parent_stmt",
        "calendar_stmt",
        "source_stmt",
        "department",
        "domains_decl",
        "include",
        "plugins",
        "setting",
        "lint_rule",
        "matter",
        "code",
        "mtype",
        "basis",
        "conditions",
        "serves",
        "department_ref",
        "domain_ref",
        "materials",
        "material",
        "limit",
        "fee",
        "handling",
        "online",
        "trips",
        "volume",
        "service",
        "delivery",
        "chain",
        "lead",
        "form",
        "steps",
        "hall",
        "hours",
        "hall_zone",
        "window",
        "wkind",
        "wdomains",
        "wmatters",
        "staff",
        "delegate",
        "seals",
        "target",
        "open_days",
        "closed_days",
        "assessment",
        "assesses",
        "category",
        "deduct",
        "shortfall",
        "threshold",
        "bonus",
        "penalty",
        "plugin_rule",
        "param",
        "ranking",
        "facts",
        "fact_metric",
        "fact_findings",
        "fact_event",
        "test",
        "test_subject",
        "test_as_of",
        "test_facts",
        "expect_points",
        "expect_status",
    ]
)
#: Statements with a `{ … }` body.
BLOCKS = frozenset(
    [
        "jurisdiction",
        "matter",
        "materials",
        "chain",
        "hall",
        "hall_zone",
        "window",
        "assessment",
        "category",
        "plugin_rule",
        "facts",
        "test",
        "test_facts",
    ]
)

#: Grammar rules that are parts of a statement (names, values, dates …), never statements.
PARTS = frozenset(
    [
        "by_date",
        "comparison",
        "date_span",
        "dated",
        "deferrable",
        "folds",
        "from_date",
        "from_matter",
        "hours_range",
        "limit_item",
        "limit_kind",
        "material_source",
        "name",
        "name_list",
        "parallel",
        "path",
        "quantity",
        "repeat",
        "serial",
        "signed",
        "start",
        "step",
        "step_atom",
        "target_subject",
        "time_unit",
        "value",
    ]
)

_WS = " \t\r\f\u3000\ufeff"
_COMMENT = re.compile(r"#[^\n]*")


class FormatError(Exception):
    """The formatter would change a file's meaning or lose a comment: a bug, never written."""


@dataclass(frozen=True)
class Formatted:
    """The result of formatting one text: `text` is None when the source has syntax errors."""

    source: str
    text: str | None
    diagnostics: list[Diagnostic]
    lang: Lang

    @property
    def ok(self) -> bool:
        return self.text is not None

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.source


# ---------------------------------------------------------------- tokens and comments


@dataclass
class _Comment:
    pos: int
    line: int
    text: str
    own_line: bool


@dataclass
class _Node:
    """A statement of the tree with its position and the comments attached to it."""

    tree: Tree
    start: int
    end: int
    line: int
    end_line: int
    children: list[_Node] = field(default_factory=list)
    lbrace: Token | None = None
    comments: list[_Comment] = field(default_factory=list)  # own-line comments in the body
    above: list[_Comment] = field(default_factory=list)
    trailing: _Comment | None = None
    header: _Comment | None = None


def _lex(text: str) -> tuple[list[Token], Tree]:
    """Every token (keywords included) and the tree of a text known to parse cleanly."""
    ip = grammar().lark.parse_interactive(text)
    tokens = ip.exhaust_lexer()
    tree = ip.feed_eof(tokens[-1] if tokens else None)
    return tokens, tree


def _comments(text: str, tokens: list[Token]) -> list[_Comment]:
    """Comments are what `#` starts in the gaps between tokens (gaps hold no strings)."""
    out: list[_Comment] = []
    bounds = [0] + [p for t in tokens for p in (t.start_pos, t.end_pos)] + [len(text)]
    for gap_start, gap_end in zip(bounds[::2], bounds[1::2], strict=True):
        for m in _COMMENT.finditer(text, gap_start, gap_end):
            line_start = text.rfind("\n", 0, m.start()) + 1
            own = all(ch in _WS for ch in text[line_start : m.start()])
            line = text.count("\n", 0, m.start()) + 1
            out.append(_Comment(m.start(), line, m.group().rstrip(), own))
    return out


def comments_of(text: str) -> list[str]:
    """The comments of a text that parses, in order (trailing spaces removed)."""
    tokens, _ = _lex(text)
    return [c.text for c in _comments(text, tokens)]


def dominant_language(tokens: list[Token]) -> Lang:
    """The language most keywords of the file are written in (English on a tie)."""
    keywords = grammar().keywords
    votes: Counter[str] = Counter()
    for tok in tokens:
        spellings = keywords.get(tok.type)
        if spellings:
            english = " ".join(str(tok).split()) == spellings[0]
            votes["en" if english else "zh"] += 1
    return "zh" if votes["zh"] > votes["en"] else "en"


def _build_nodes(tree: Tree, tokens: list[Token]) -> list[_Node]:
    """The statements of the tree as nodes; a rule the formatter does not know is an error."""
    starts = [t.start_pos for t in tokens]

    def build(t: Tree) -> _Node:
        meta = t.meta
        node = _Node(t, meta.start_pos, meta.end_pos, meta.line, meta.end_line)
        if t.data in BLOCKS:
            i = bisect.bisect_left(starts, meta.start_pos)
            while tokens[i].type != "LBRACE":
                i += 1
            node.lbrace = tokens[i]
        node.children = []
        for c in t.children:
            if isinstance(c, Tree) and c.data in STATEMENTS:
                node.children.append(build(c))
            elif isinstance(c, Tree) and c.data not in PARTS:
                raise FormatError(f"the formatter does not know the grammar rule '{c.data}'")
        return node

    top = [c for c in tree.children if isinstance(c, Tree)]
    for c in top:
        if c.data not in STATEMENTS:
            raise FormatError(f"the formatter does not know the grammar rule '{c.data}'")
    return [build(c) for c in top]


def _deepest(nodes: list[_Node], pos: int) -> _Node | None:
    for n in nodes:
        if n.start <= pos < n.end:
            return _deepest(n.children, pos) or n
    return None


def _attach(
    top: list[_Node], top_comments: list[_Comment], comments: list[_Comment], tokens: list[Token]
) -> None:
    """Give each comment its place: a body, above a statement, after it, or after a `{`."""
    starts = [t.start_pos for t in tokens]
    for c in comments:
        if c.own_line:
            node = _deepest(top, c.pos)
            if node is None:
                top_comments.append(c)
            elif node.lbrace is not None and node.lbrace.end_pos <= c.pos:
                node.comments.append(c)
            else:
                node.above.append(c)
            continue
        prev = tokens[bisect.bisect_left(starts, c.pos) - 1]
        node = _deepest(top, prev.start_pos)
        if node is None:  # pragma: no cover - every token belongs to a statement
            top_comments.append(c)
        elif node.lbrace is prev:
            node.header = c
        elif prev.end_pos == node.end:
            node.trailing = c
        else:
            node.above.append(c)


# ---------------------------------------------------------------- tree → items


def _name(t: Tree) -> str:
    tok = t.children[0]
    return unquote(str(tok)) if tok.type == "STRING" else str(tok)


def _names(t: Tree) -> list[str]:
    return [_name(c) for c in t.children]


def _dec(tok: Any) -> Decimal:
    return Decimal(str(tok))


def _dated(t: Tree) -> list[tuple[str, str]]:
    return [("from" if p.data == "from_date" else "by", str(p.children[0])) for p in t.children]


def _signed(t: Tree) -> Decimal:
    value = _dec(t.children[-1])
    return -value if len(t.children) == 2 and str(t.children[0]) == "-" else value


def _steps(t: Tree) -> StepExpr:
    if t.data == "step":
        return _name(t.children[0])
    items = [_steps(c) for c in t.children]
    return items[0] if len(items) == 1 else (str(t.data), items)


def _value(t: Tree) -> str | Decimal | Percent:
    item = t.children[0]
    if isinstance(item, Tree):
        return _name(item)
    text = str(item)
    return Percent(Decimal(text[:-1])) if text.endswith("%") else Decimal(text)


class _TreeWriter:
    """Spells each statement of the tree with the shared `Emitter`."""

    def __init__(self, lang: Lang) -> None:
        self.e = Emitter(lang)

    def qty(self, t: Tree) -> str:
        text = str(t.children[0])
        percent = text.endswith("%")
        return self.e.quantity(Decimal(text.rstrip("%")), percent)

    def text(self, t: Tree) -> str | tuple[str, str]:
        """A statement's line, a block's header, or a material's two columns."""
        return getattr(self, t.data)(t.children)

    # jurisdiction body
    def jurisdiction(self, c: list) -> str:
        return self.e.jurisdiction_header(_name(c[0]))

    def level_stmt(self, c: list) -> str:
        return self.e.level(_name(c[0]))

    def parent_stmt(self, c: list) -> str:
        return self.e.parent(_name(c[0]))

    def calendar_stmt(self, c: list) -> str:
        return self.e.calendar(_name(c[0]))

    def source_stmt(self, c: list) -> str:
        return self.e.source(unquote(str(c[0])))

    def department(self, c: list) -> str:
        return self.e.department(_name(c[0]), unquote(str(c[1])) if len(c) > 1 else None)

    def domains_decl(self, c: list) -> str:
        return self.e.domains(_names(c[0]))

    def include(self, c: list) -> str:
        return self.e.include(unquote(str(c[0])))

    def plugins(self, c: list) -> str:
        return self.e.plugins(unquote(str(t)) for t in c)

    def setting(self, c: list) -> str:
        return self.e.setting(_name(c[0]), _value(c[1]))

    def lint_rule(self, c: list) -> str:
        return self.e.lint_rule(_name(c[0]), _name(c[1]))

    # matters
    def matter(self, c: list) -> str:
        return self.e.matter_header(_name(c[0]))

    def code(self, c: list) -> str:
        return self.e.code(unquote(str(c[0])))

    def mtype(self, c: list) -> str:
        return self.e.matter_type(_name(c[0]))

    def basis(self, c: list) -> str:
        return self.e.basis(unquote(str(c[0])))

    def conditions(self, c: list) -> str:
        return self.e.conditions(unquote(str(c[0])))

    def serves(self, c: list) -> str:
        return self.e.serves(_names(c[0]))

    def department_ref(self, c: list) -> str:
        return self.e.department_ref(_name(c[0]))

    def domain_ref(self, c: list) -> str:
        return self.e.domain_ref(_name(c[0]))

    def materials(self, c: list) -> str:
        return self.e.materials_header()

    def material(self, c: list) -> tuple[str, str]:
        source = from_matter = None
        deferrable = False
        for item in c[1:]:
            if item.data == "material_source":
                source = _name(item.children[0])
            elif item.data == "from_matter":
                from_matter = _name(item.children[0])
            elif item.data == "deferrable":
                deferrable = True
        return self.e.material(unquote(str(c[0])), source, from_matter, deferrable)

    def limit(self, c: list) -> str:
        items = []
        for it in c:
            k = it.children
            dates = _dated(k[3]) if len(k) > 3 else []
            items.append(
                self.e.limit_item(str(k[0].children[0]), _dec(k[1]), str(k[2].children[0]), dates)
            )
        return self.e.limit(items)

    def fee(self, c: list) -> str:
        item = c[0]
        return self.e.fee(_name(item) if isinstance(item, Tree) else _dec(item))

    def handling(self, c: list) -> str:
        return self.e.handling(_name(c[0]))

    def online(self, c: list) -> str:
        return self.e.online(_name(c[0]))

    def trips(self, c: list) -> str:
        return self.e.trips(_dec(c[0]))

    def volume(self, c: list) -> str:
        return self.e.volume(_dec(c[0]))

    def service(self, c: list) -> str:
        return self.e.service(_dec(c[0]))

    def delivery(self, c: list) -> str:
        return self.e.delivery(_names(c[0]))

    # chains
    def chain(self, c: list) -> str:
        return self.e.chain_header(_name(c[0]))

    def lead(self, c: list) -> str:
        return self.e.lead(_name(c[0]))

    def form(self, c: list) -> str:
        return self.e.form(unquote(str(c[0])))

    def steps(self, c: list) -> str:
        return self.e.steps(_steps(c[0]))

    # halls
    def hall(self, c: list) -> str:
        return self.e.hall_header(_name(c[0]))

    def hours(self, c: list) -> str:
        return self.e.hours((str(r.children[0]), str(r.children[1])) for r in c)

    def hall_zone(self, c: list) -> str:
        return self.e.zone_header(_name(c[0]))

    def window(self, c: list) -> str:
        return self.e.window_header(_name(c[0]))

    def wkind(self, c: list) -> str:
        return self.e.window_kind(_name(c[0]))

    def wdomains(self, c: list) -> str:
        return self.e.window_domains(_names(c[0]))

    def wmatters(self, c: list) -> str:
        return self.e.window_matters(_names(c[0]))

    def staff(self, c: list) -> str:
        return self.e.staff(_dec(c[0]))

    # delegation, targets, calendar
    def delegate(self, c: list) -> str:
        seal = None
        dates: list[tuple[str, str]] = []
        for item in c[2:]:
            if isinstance(item, Token):
                seal = _dec(item)
            else:
                dates = _dated(item)
        return self.e.delegate(_names(c[0]), _names(c[1]), seal, dates)

    def seals(self, c: list) -> str:
        return self.e.seals(_dec(c[0]), _dec(c[1]))

    def target(self, c: list) -> str:
        rest = c[1:]
        subject = None
        if isinstance(rest[0], Tree) and rest[0].data == "target_subject":
            subject = _name(rest[0].children[0])
            rest = rest[1:]
        dates: list[tuple[str, str]] = []
        note = None
        for item in rest[2:]:
            if isinstance(item, Tree):
                dates = _dated(item)
            else:
                note = unquote(str(item))
        op = str(rest[0].children[0])
        return self.e.target(_name(c[0]), subject, op, self.qty(rest[1]), dates, note)

    def _override(self, c: list, is_open: bool) -> str:
        days = c[0].children
        end = str(days[1]) if len(days) > 1 else None
        note = unquote(str(c[1])) if len(c) > 1 else None
        return self.e.override(is_open, str(days[0]), end, note)

    def open_days(self, c: list) -> str:
        return self._override(c, True)

    def closed_days(self, c: list) -> str:
        return self._override(c, False)

    # assessment
    def assessment(self, c: list) -> str:
        folds = weight = None
        for item in c[1:]:
            if isinstance(item, Tree) and item.data == "folds":
                folds = _name(item.children[0])
                weight = self.qty(item.children[1]) if len(item.children) > 1 else None
        return self.e.assessment_header(_name(c[0]), folds, weight)

    def assesses(self, c: list) -> str:
        return self.e.assesses(_name(c[0]))

    def category(self, c: list) -> str:
        floor = None
        for item in c[2:]:
            if isinstance(item, Tree) and item.data == "signed":
                floor = _signed(item)
        return self.e.category_header(_name(c[0]), _dec(c[1]), floor)

    def deduct(self, c: list) -> str:
        return self.e.deduct(_dec(c[0]), _name(c[1]) if len(c) > 1 else None)

    def shortfall(self, c: list) -> str:
        return self.e.shortfall(_name(c[0]), self.qty(c[1]), _dec(c[2]))

    def threshold(self, c: list) -> str:
        return self.e.threshold(_name(c[0]), str(c[1].children[0]), self.qty(c[2]), _signed(c[3]))

    def _event(self, c: list) -> tuple[str, Decimal, str | None, str | None]:
        points = next(_dec(x) for x in c[1:] if isinstance(x, Token) and x.type == "NUMBER")
        repeat = note = None
        for item in c[1:]:
            if isinstance(item, Tree) and item.data == "repeat":
                repeat = "each" if str(item.children[0]) in ("each", "每次") else "once"
            elif isinstance(item, Token) and item.type == "STRING":
                note = unquote(str(item))
        return _name(c[0]), points, repeat, note

    def bonus(self, c: list) -> str:
        return self.e.bonus(*self._event(c))

    def penalty(self, c: list) -> str:
        return self.e.penalty(*self._event(c))

    def plugin_rule(self, c: list) -> str:
        return self.e.rule_header(_name(c[0]))

    def param(self, c: list) -> str:
        return self.e.param(_name(c[0]), _value(c[1]))

    def ranking(self, c: list) -> str:
        return self.e.ranking(_dec(c[0]), unquote(str(c[1])) if len(c) > 1 else None)

    # facts and tests
    def facts(self, c: list) -> str:
        who = _name(c[0]) if isinstance(c[0], Tree) else None
        day = c[1] if who is not None else c[0]
        return self.e.facts_header(who, str(day))

    def fact_metric(self, c: list) -> str:
        return self.e.fact("value", _name(c[0]), self.qty(c[1]))

    def fact_findings(self, c: list) -> str:
        return self.e.fact("findings", _name(c[0]), self.e.number(_dec(c[1])))

    def fact_event(self, c: list) -> str:
        value = self.e.number(_dec(c[1])) if len(c) > 1 else None
        return self.e.fact("event", _name(c[0]), value)

    def test(self, c: list) -> str:
        return self.e.test_header(unquote(str(c[0])))

    def test_subject(self, c: list) -> str:
        return self.e.test_subject(_name(c[0]))

    def test_as_of(self, c: list) -> str:
        return self.e.as_of(str(c[0]))

    def test_facts(self, c: list) -> str:
        return self.e.test_facts_header()

    def expect_points(self, c: list) -> str:
        return self.e.expect_points(_names(c[0]), self.qty(c[1]))

    def expect_status(self, c: list) -> str:
        due_by = str(c[1]) if isinstance(c[1], Token) else None
        return self.e.expect_status(_name(c[0]), _name(c[-1]), due_by)


def _entries(writer: _TreeWriter, nodes: list[_Node], comments: list[_Comment]) -> list[Entry]:
    """A body's statements and own-line comments in source order, with blank-line marks."""
    merged: list[tuple[int, _Node | _Comment]] = [(n.start, n) for n in nodes]
    merged += [(c.pos, c) for c in comments]
    merged.sort(key=lambda pair: pair[0])
    out: list[Entry] = []
    last_line: int | None = None
    for _, x in merged:
        blank = last_line is not None and x.line - last_line >= 2
        if isinstance(x, _Comment):
            out.append(Comment(x.text, blank))
            last_line = x.line
            continue
        out.append(_item(writer, x, blank))
        last_line = x.end_line
    return out


def _item(writer: _TreeWriter, node: _Node, blank: bool) -> Item:
    text = writer.text(node.tree)
    item = Item(
        kind=str(node.tree.data),
        text=text if isinstance(text, str) else "",
        columns=text if isinstance(text, tuple) else None,
        blank_before=blank,
        above=[c.text for c in sorted(node.above, key=lambda c: c.pos)],
        trailing=node.trailing.text if node.trailing else None,
        header_comment=node.header.text if node.header else None,
    )
    if node.lbrace is not None:
        item.body = _entries(writer, node.children, node.comments)
        item.one_line_source = node.lbrace.line == node.end_line
    return item


# ---------------------------------------------------------------- entry points


def _statements(tree: Tree) -> Any:
    """What a tree builds, spans aside (the builder does not change the tree)."""
    try:
        items, _ = transform(tree, "<format>")
    except Exception as exc:  # a builder bug: compare what can be compared
        return f"build failed: {type(exc).__name__}"
    return comparable(items)


def _verify(path: str, tree: Tree, comments: list[_Comment], out: str) -> None:
    """Raise FormatError unless `out` builds the same statements with the same comments."""
    try:
        out_tokens, out_tree = _lex(out)
    except UnexpectedInput as exc:
        raise FormatError(f"{path}: the formatted text would not parse") from exc
    if _statements(out_tree) != _statements(tree):
        raise FormatError(f"{path}: formatting would change what the file means")
    after = Counter(c.text for c in _comments(out, out_tokens))
    if after != Counter(c.text for c in comments):
        raise FormatError(f"{path}: formatting would lose or repeat a comment")


def format_text(text: str, path: str = "<text>", lang: Lang | None = None) -> Formatted:
    """Format one file's text; with syntax errors, return their diagnostics and no text."""
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use 'en' or 'zh'")
    lexed = None
    if "\x00" not in text:  # the parser reads NUL as a space, but always reports it
        with contextlib.suppress(UnexpectedInput):
            lexed = _lex(text)
    if lexed is None:
        _, diagnostics = parse_text(text, path)  # the user-facing account of the errors
        if diagnostics:
            return Formatted(text, None, diagnostics, lang or "en")
        lexed = _lex(text)
    tokens, tree = lexed
    chosen: Lang = lang or dominant_language(tokens)
    nodes = _build_nodes(tree, tokens)
    top_comments: list[_Comment] = []
    comments = _comments(text, tokens)
    _attach(nodes, top_comments, comments, tokens)
    writer = _TreeWriter(chosen)
    out = layout(_entries(writer, nodes, top_comments))
    if out != text:
        _verify(path, tree, comments, out)
    return Formatted(text, out, [], chosen)


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """A file's bytes as text (UTF-8, BOM allowed), or an OW005 diagnostic."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        span = Span(file=path, line=line, column=col, end_line=line, end_column=col + 1)
        return None, [
            error(
                "OW005",
                span,
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read)",
                "save the file as UTF-8 (most editors: 'Save with encoding → UTF-8')",
            )
        ]


def format_file(path: Path, shown: str | None = None, lang: Lang | None = None) -> Formatted:
    """Read and format one file (nothing is written); `shown` is the path in diagnostics."""
    shown = shown or str(path)
    text, diagnostics = decode(path.read_bytes(), shown)
    if text is None:
        return Formatted("", None, diagnostics, lang or "en")
    return format_text(text, shown, lang)


def write_atomic(path: Path, text: str) -> None:
    """Replace a file's content in one step: a temporary file beside it, then `os.replace`.

    An interrupted write leaves the old file whole; the file's permissions are kept, and
    a symbolic link is followed (its target is rewritten, the link stays).
    """
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
