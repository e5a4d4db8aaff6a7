"""The fast path of parsing: lark's own LALR table and lexers in one loop that builds models.

`parse_items` (dsl/parse.py) tries it first on every file; anything it cannot take (a syntax
error, NUL bytes, deep nesting) goes lark's normal way, with error recovery.
tests/dsl/test_fast_parse.py holds it to exactly what lark and the Transformer build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from lark import Lark, Token, Tree
from lark.lexer import PatternStr, TerminalDef, UnlessCallback
from lark.parsers.lalr_analysis import Shift
from lark.tree import Meta
from lark.visitors import _vargs_meta

from onewindow.dsl.build import TopItem, new_builder
from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.grammar import KEYWORD_PRIORITY, grammar

#: A text with more `(` goes the slow way (a tree, then lark's recursive Transformer): chain
#: steps nested deeper than the recursion limit allows must still fail as before (OW007).
MAX_FAST_PARENTHESES = 64


#: Per parser state: the keywords it reads by first word (a regex for a keyword of several
#: words), the regex of its other terminals, the lexer's callbacks (lark folding string
#: terminals into NAME, as a dict), its ignored and its newline-holding terminal types.
_LexState = tuple[
    dict[str, tuple[tuple[str, re.Pattern[str] | None], ...]],
    re.Pattern[str],
    dict[str, Any],
    frozenset[str],
    frozenset[str],
]
#: Per rule: goto symbol, size, tree name, children kept (index, inline?) or None, expand1,
#: the builder's method and whether it takes the rule's position.
_RuleSpec = tuple[
    str, int, str, tuple[tuple[int, bool], ...] | None, bool, Callable[..., Any] | None, bool
]


class _FastParser:
    """lark's own LALR table, contextual lexer and tree shaping, run in one tight loop.

    lark's parse of a small file spends most of its time in generic wrappers (child
    filters, position propagation, lexer threads), and the Transformer as much again.
    This loop runs the very same parse table, lexes with the same terminals in the same
    order (a keyword found by its word instead of by trying every keyword's regex), and
    either builds the same trees with the same `meta`, or calls the builder's method for
    each rule as it reduces, with the children and position the Transformer would pass.
    Any input it cannot read raises: the caller then asks lark, whose errors drive the
    recovery.
    """

    def __init__(self, lark: Lark) -> None:
        frontend: Any = lark.parser
        table = frontend.parser.parser.parse_table
        self.start_state: int = table.start_states["start"]
        self.end_state: int = table.end_states["start"]
        self.lex_states: dict[int, _LexState] = {}
        keywords = {t.name for t in lark.terminals if t.priority == KEYWORD_PRIORITY}
        by_name = {t.name: t for t in lark.terminals}
        ignored = [by_name[name].pattern.to_regexp() for name in lark.ignore_tokens]
        #: what every state skips (`%ignore` terminals, which no other terminal can start),
        #: then the word (a run of [\w·]) a keyword would have to be
        self.gap = re.compile("(?:" + "|".join(ignored) + ")*" + r"([\w·]+)?")
        shared: dict[int, _LexState] = {}
        for state, lexer in frontend.lexer.lexers.items():
            if id(lexer) not in shared:
                scanner = lexer.scanner
                order = scanner.terminals
                kw = [t for t in order if t.name in keywords]
                rest = [t for t in order if t.name not in keywords]
                if order[: len(kw)] != kw:  # keywords outrank every other terminal
                    raise AssertionError("keywords must come first in the lexer's order")
                starts: dict[str, list[tuple[str, re.Pattern[str] | None]]] = {}
                for t in kw:
                    spellings = _keyword_spellings_of(t)
                    # a one-word spelling matches iff it is the whole word; else the regex
                    rx = None
                    if any(" " in s for s in spellings):
                        rx = re.compile(t.pattern.to_regexp(), lark.lexer_conf.g_regex_flags)
                    for word in dict.fromkeys(s.split()[0] for s in spellings):
                        starts.setdefault(word, []).append((t.name, rx))
                group = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in rest)
                shared[id(lexer)] = (
                    {w: tuple(c) for w, c in starts.items()},
                    re.compile(group, lark.lexer_conf.g_regex_flags),
                    {kind: _folding(cb) for kind, cb in lexer.callback.items()},
                    lexer.ignore_types,
                    lexer.newline_types,
                )
            self.lex_states[state] = shared[id(lexer)]
        self.rules: dict[Any, tuple[str, int, str, tuple[tuple[int, bool], ...] | None, bool]]
        self.rules = {}
        for rule in lark.rules:
            keep = rule.options.keep_all_tokens
            include = tuple(
                (i, not sym.is_term and sym.name.startswith("_"))
                for i, sym in enumerate(rule.expansion)
                if keep or not (sym.is_term and sym.filter_out)
            )
            trivial = len(include) == len(rule.expansion) and not any(x for _, x in include)
            self.rules[rule] = (
                str(rule.origin.name),
                len(rule.expansion),
                rule.alias or rule.options.template_source or rule.origin.name,
                None if trivial else include,
                bool(rule.options.expand1 and not rule.alias),
            )
        self.table = table
        self.start: str = next(r.origin.name for r in lark.rules if r.origin.name == "start")
        self.tables: dict[type | None, dict[int, dict[str, tuple[str, Any]]]] = {}

    def states(self, builder: type | None) -> dict[int, dict[str, tuple[str, Any]]]:
        """The parse table with plain str keys (its symbols are lark Tokens, slow to compare
        with a str), a shift as (_SHIFT, state) and a reduce as (kind, _RuleSpec) (see
        `_reduce`), whose callback is the builder's method for the rule (None: a tree)."""
        if builder not in self.tables:
            specs: dict[Any, _RuleSpec] = {}
            for rule, (origin, size, data, include, expand1) in self.rules.items():
                fn, wants_meta = None, False
                if builder is not None and not data.startswith("_") and hasattr(builder, data):
                    fn = getattr(builder, data)
                    if getattr(fn, "visit_wrapper", None) is not None:  # lark's v_args
                        if fn.visit_wrapper is not _vargs_meta:
                            raise AssertionError(f"{data}: only v_args(meta=True) is handled")
                        fn, wants_meta = fn.base_func, True
                specs[rule] = (origin, size, data, include, expand1, fn, wants_meta)
            self.tables[builder] = {
                state: {
                    str(symbol): (_SHIFT, arg) if action is Shift else _reduce(specs[arg])
                    for symbol, (action, arg) in actions.items()
                }
                for state, actions in self.table.states.items()
            }
        return self.tables[builder]

    def parse(self, text: str, builder: Any = None) -> Any:
        """What lark's tree of `text` would be, or, with a builder, what it would build from
        it (as lark's `Transformer.transform` would, bottom-up, left to right); raises on
        any input lark would reject.
        """
        states = self.states(None if builder is None else type(builder))
        lex_states = self.lex_states
        end_state = self.end_state
        new_meta = _new_meta
        new_token = Token._future_new
        gap = self.gap.match
        state_stack = [self.start_state]
        values: list[Any] = []
        # the first and the last token each value spans, inlined symbols included (lark's
        # meta.container_*); None for a value that spans nothing
        firsts: list[Token | None] = []
        lasts: list[Token | None] = []
        pos, line, line_start, end = 0, 1, 0, len(text)
        tok: Token | None = None
        while True:
            # ---- the next token, read in the current state (lark's contextual lexer)
            keyword_starts, rest, callback, ignore, newline = lex_states[state_stack[-1]]
            m = gap(text, pos)
            word = m.group(1)
            at = m.end() if word is None else m.start(1)
            if at > pos:
                n = text.count("\n", pos, at)
                if n:
                    line += n
                    line_start = text.rfind("\n", pos, at) + 1
                pos = at
            is_end = pos >= end
            if is_end:
                tok = (
                    Token("$END", "", 0, 1, 1)
                    if tok is None
                    else Token.new_borrow_pos("$END", "", tok)
                )
            else:
                kind = None
                if word is not None:
                    for name, rx in keyword_starts.get(word, ()):
                        if rx is None:
                            kind, value = name, word
                            break
                        m = rx.match(text, pos)
                        if m is not None:
                            kind, value = name, m.group()
                            break
                if kind is None:
                    m = rest.match(text, pos)
                    if m is None:
                        raise ValueError("no terminal matches here")
                    kind, value = m.lastgroup, m.group()
                if kind in ignore:
                    raise ValueError("an ignored terminal after the gap")
                start, start_line, column = pos, line, pos - line_start + 1
                pos += len(value)
                if kind in newline:
                    n = value.count("\n")
                    if n:
                        line += n
                        line_start = start + value.rindex("\n") + 1
                fold = callback.get(kind)
                if type(fold) is dict:  # lark's keyword folding: `legal` read as a NAME
                    kind = fold.get(value, kind)
                    fold = None
                tok = new_token(
                    kind, value, start, start_line, column, line, pos - line_start + 1, pos
                )
                if fold is not None:
                    tok = fold(tok)
            ttype = tok.type
            # ---- reduce as long as the table says so, then shift
            while True:
                act, arg = states[state_stack[-1]][ttype]
                if act is _SHIFT:
                    state_stack.append(arg)
                    values.append(tok)
                    firsts.append(tok)
                    lasts.append(tok)
                    break
                # rules of one symbol: the value is replaced where it stands (same span)
                if act is _WRAP:
                    values[-1] = [values[-1]]
                    state_stack[-1] = states[state_stack[-2]][arg][1]
                    continue
                if act is _DROP:
                    values[-1] = []
                    state_stack[-1] = states[state_stack[-2]][arg][1]
                    continue
                if act is _EXTEND or act is _APPEND:  # `__x_star: __x_star item`
                    item = values.pop()
                    if act is _EXTEND:
                        values[-1] += item
                    else:
                        values[-1].append(item)
                    first, last = firsts.pop(), lasts.pop()
                    if firsts[-1] is None:
                        firsts[-1] = first
                    if last is not None:
                        lasts[-1] = last
                    state_stack.pop()
                    state_stack[-1] = states[state_stack[-2]][arg][1]
                    continue
                if act is _CALL:
                    origin, fn = arg
                    values[-1] = fn(builder, [values[-1]])
                    state_stack[-1] = states[state_stack[-2]][origin][1]
                    continue
                origin, size, data, include, expand1, fn, wants_meta = arg
                first = last = None
                if size == 1:  # a third of all reductions: the cheap way
                    child = values.pop()
                    first, last = firsts.pop(), lasts.pop()
                    state_stack.pop()
                    if include is None:
                        kept = [child]
                    elif include:
                        kept = child if include[0][1] else [child]
                    else:
                        kept = []
                elif size:
                    children = values[-size:]
                    for first in firsts[-size:]:
                        if first is not None:
                            break
                    if first is not None:
                        for last in reversed(lasts[-size:]):
                            if last is not None:
                                break
                    del state_stack[-size:]
                    del values[-size:]
                    del firsts[-size:]
                    del lasts[-size:]
                    if include is None:
                        kept = children
                    else:
                        kept = []
                        for i, inline in include:
                            if not inline:
                                kept.append(children[i])
                            elif kept:
                                kept += children[i]
                            else:  # left recursion (`a*`): grow the list in place, as lark
                                kept = children[i]
                else:
                    kept = []
                if expand1 and len(kept) == 1:
                    res = kept[0]
                    if isinstance(res, Token):  # a `?rule` that kept one token: its place
                        first = last = res
                    elif isinstance(res, Tree) and first is not None and res.meta.empty:
                        res._meta = new_meta(first, last)
                elif data[0] == "_":  # inlined in its parent: the children alone
                    res = kept
                elif fn is None:
                    res = Tree(data, kept, None if first is None else new_meta(first, last))
                elif not wants_meta:
                    res = fn(builder, kept)
                elif first is None:
                    res = fn(builder, Meta(), kept)
                else:
                    meta = (
                        first.line, first.column, first.start_pos,
                        last.end_line, last.end_column, last.end_pos,
                    )  # fmt: skip
                    res = fn(builder, meta, kept)
                state_stack.append(states[state_stack[-1]][origin][1])
                values.append(res)
                firsts.append(first)
                lasts.append(last)
                if is_end and state_stack[-1] == end_state:
                    return res


# kinds of parser actions
_SHIFT = "shift"
_WRAP = "wrap"  # an inlined rule of one symbol, kept: `_body_item: level_stmt`
_DROP = "drop"  # an inlined rule of one symbol, filtered out: `_sep: ","`
_CALL = "call"  # a rule of one symbol kept, built without its position: `name: NAME`
_EXTEND = "extend"  # an inlined rule of two inlined symbols: `__x_star: __x_star _item`
_APPEND = "append"  # an inlined rule of an inlined symbol and a kept one: `_sep name`
_REDUCE = "reduce"  # any other rule


def _reduce(spec: _RuleSpec) -> tuple[str, Any]:
    """The action that reduces by a rule: one of the quick kinds if it fits."""
    origin, size, data, include, expand1, fn, wants_meta = spec
    if size == 1 and not expand1:
        if data.startswith("_") and include is None:
            return _WRAP, origin
        if data.startswith("_") and include == ():
            return _DROP, origin
        if include is None and fn is not None and not wants_meta:
            return _CALL, (origin, fn)
    if size == 2 and not expand1 and data.startswith("_"):
        if include == ((0, True), (1, True)):
            return _EXTEND, origin
        if include == ((0, True), (1, False)):
            return _APPEND, origin
    return _REDUCE, spec


def _new_meta(first: Token, last: Token) -> Meta:
    """A tree's `meta` as lark's position propagation sets it."""
    meta = Meta.__new__(Meta)
    meta.empty = False
    meta.line, meta.column, meta.start_pos = first.line, first.column, first.start_pos
    meta.end_line, meta.end_column, meta.end_pos = last.end_line, last.end_column, last.end_pos
    return meta


_WORD = re.compile(r"[\w·]+")


def _keyword_spellings_of(t: TerminalDef) -> tuple[str, ...]:
    """The spellings of an edited keyword terminal, as `(?:a|b\\s+c)(?![\\w·])`."""
    inner = t.pattern.value
    inner = inner[3 : inner.index(")(?!")]
    words = tuple(re.sub(r"\\(.)", r"\1", alt.replace(r"\s+", " ")) for alt in inner.split("|"))
    if not all(_WORD.fullmatch(part) for w in words for part in w.split(" ")):
        raise AssertionError(f"a keyword spelling is not made of word characters: {words}")
    return words


def _folding(callback: Any) -> Any:
    """lark's `unless` callback (a NAME that is exactly a string terminal becomes that
    terminal) as a dict from the string to the terminal; any other callback as it is."""
    if isinstance(callback, UnlessCallback):
        terminals = callback.scanner.terminals
        if all(isinstance(t.pattern, PatternStr) and not t.pattern.flags for t in terminals):
            table: dict[str, str] = {}
            for t in terminals:
                table.setdefault(t.pattern.value, t.name)
            return table
    return callback


@cache
def _fast_parser() -> _FastParser:
    return _FastParser(grammar().lark)


def build_fast(text: str, path: str) -> tuple[list[TopItem], list[Diagnostic]]:
    """Parse a clean text and build its items in one pass; raises if it is not clean."""
    builder = new_builder(path)
    items = _fast_parser().parse(text, builder)
    return items, builder.diagnostics
