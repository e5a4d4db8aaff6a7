"""Parse `.ow` text into a lark tree, recovering from syntax errors so one run reports many."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternRE, PatternStr, TerminalDef, UnlessCallback
from lark.parsers.lalr_analysis import Shift
from lark.tree import Meta
from lark.visitors import _vargs_meta

from onewindow.dsl.build import PrebuiltTree, TopItem, new_builder
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.model import Span

MAX_SYNTAX_ERRORS = 20
#: A text with more `(` goes the slow way (a tree, then lark's recursive Transformer): chain
#: steps nested deeper than the recursion limit allows must still fail as before (OW007).
MAX_FAST_PARENTHESES = 64
KEYWORD_PRIORITY = 5

#: A complete example per statement keyword, shown when a statement is malformed.
STATEMENT_EXAMPLES: dict[str, str] = {
    "jurisdiction": "jurisdiction 兰山区 { level district  parent 临沂市 }",
    "level": "level township",
    "parent": "parent 临沂市",
    "calendar": "calendar cn",
    "department": 'department 审批局 "兰山区行政审批服务局"',
    "domains": "domains 商事登记, 社会民生",
    "matter": 'matter 个体工商户设立登记 { code "37011300XK00001" ... }',
    "code": 'code "37011300XK00001"',
    "type": "type licensing",
    "basis": 'basis "《促进个体工商户发展条例》"',
    "conditions": 'conditions "申请人具有完全民事行为能力"',
    "serves": "serves person, business",
    "domain": "domain 商事登记",
    "materials": 'materials { "身份证明" from applicant  "营业执照" from shared deferrable }',
    "limit": "limit legal 20 workdays, promised 5 workdays",
    "fee": "fee none",
    "handling": "handling immediate",
    "online": "online full",
    "trips": "trips 1",
    "volume": "volume 1200 per year",
    "service": "service 8 minutes",
    "delivery": "delivery pickup, mail",
    "chain": "chain 开办企业 { lead 审批局  steps 设立登记 & 公章刻制 -> 发票申领 }",
    "lead": "lead 审批局",
    "steps": "steps 设立登记 & 公章刻制 -> 发票申领",
    "form": 'form "开办企业一表通"',
    "hall": "hall 政务服务大厅 { hours 09:00-12:00, 13:30-17:00  window ... }",
    "hours": "hours 09:00-12:00, 13:30-17:00",
    "zone": "zone 民政 { window 民政综合 { kind comprehensive  domains 民政 } }",
    "window": "window 综合受理一 { kind comprehensive  domains 商事登记  staff 3 }",
    "kind": "kind comprehensive",
    "matters": "matters 个体工商户设立登记, 药品零售企业设立",
    "staff": "staff 2",
    "delegate": "delegate 个体工商户设立登记 to 兰山街道, 义堂镇 seal 9 from 2019-09-16",
    "seals": "seals 9..20",
    "target": "target one_window_share >= 60% by 2018-12-31",
    "open": 'open 2019-10-05 "节假日预约办事"',
    "closed": 'closed 2019-10-08..2019-10-09 "系统升级"',
    "assessment": "assessment 六统一 folds into 区委2号文 weight 10 { ... }",
    "assesses": "assesses township",
    "category": "category 统一建设要求 max 15 { deduct 5 per finding }",
    "deduct": "deduct 5 per finding",
    "shortfall": "shortfall standard_village_room_share below 40% costs 1 per point",
    "threshold": "threshold immediate_case_share >= 70% gives 10",
    "bonus": 'bonus 品牌全区推广 +20 "被全区推广的加20分"',
    "penalty": "penalty 媒体曝光 -20 each",
    "rule": "rule grid_visits { per_cadre 1  costs 2 }",
    "rank": 'rank bottom 2 "约谈"',
    "facts": "facts 兰山街道 as of 2019-12-31 { findings 统一建设要求 2 }",
    "metric": "metric standard_village_room_share 35%",
    "findings": "findings 统一建设要求 2",
    "event": "event 媒体曝光 1",
    "test": 'test "两处不达标扣10分" { jurisdiction 兰山街道  as of 2019-12-31 ... }',
    "expect": "expect 六统一.统一建设要求 = 5   or   expect target one_window_share by 2018-12-31 met",
    "include": 'include "common/matters.ow"',
    "plugins": 'plugins "onewindow_sidian"',
    "set": "set grid_cadres = 12",
    "lint": "lint OW201 off",
}

_TERMINAL_WORDS: dict[str, str] = {
    "NAME": "a name",
    "STRING": 'a quoted text like "…"',
    "NUMBER": "a number",
    "PERCENT": "a percentage like 60%",
    "DATE": "a date like 2019-12-31",
    "TIME": "a time like 09:00",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "EQUAL": "'='",
    "SIGN": "'+' or '-'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "AMPERSAND": "'&'",
    "DOT": "'.'",
    "$END": "the end of the file",
}


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


# ---------------------------------------------------------------- the fast path

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


def _build(text: str, path: str) -> tuple[list[TopItem], list[Diagnostic]]:
    """Parse a clean text and build its items in one pass; raises if it is not clean."""
    builder = new_builder(path)
    items = _fast_parser().parse(text, builder)
    return items, builder.diagnostics


# ---------------------------------------------------------------- error recovery


def _strip_comment(line: str) -> str:
    """The line without its trailing `# comment` (quotes respected)."""
    in_str = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            in_str = not in_str
        elif ch == "#" and not in_str:
            return line[:i]
    return line


def _brace_balance(line: str) -> tuple[int, int]:
    code = re.sub(r'"(?:\\.|[^"\\])*"', "", _strip_comment(line))
    return code.count("{"), code.count("}")


def _blank(lines: list[str], index: int) -> None:
    """Blank a broken line; keep the braces that close outer blocks, drop a block it opens."""
    opens, closes = _brace_balance(lines[index])
    if opens > closes:
        depth = opens - closes
        lines[index] = " " * len(lines[index])
        j = index + 1
        while j < len(lines) and depth > 0:
            o, c = _brace_balance(lines[j])
            if depth + o - c <= 0:
                keep = c - o - depth
                lines[j] = " " * len(lines[j]) if keep <= 0 else "}" * keep
                depth = 0
            else:
                depth += o - c
                lines[j] = " " * len(lines[j])
            j += 1
    elif closes > opens:
        lines[index] = "}" * (closes - opens)
    else:
        lines[index] = " " * len(lines[index])


def _first_word(line: str) -> str:
    m = re.match(r"\s*([^\s{}\"#]+)", _strip_comment(line))
    return m.group(1) if m else ""


def _describe(expected: set[str], g: Grammar) -> str:
    words: list[str] = []
    for name in sorted(expected):
        spelled = g.spell(name)
        if spelled:
            words.append(f"'{spelled}'")
        elif name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
        else:
            term = next((t for t in g.lark.terminals if t.name == name), None)
            if term is not None and not isinstance(term.pattern, PatternRE):
                words.append(f"'{term.pattern.value}'")
    words = sorted(set(words), key=lambda w: (w.startswith("'"), w))
    if len(words) > 8:
        return ", ".join(words[:8]) + " or another statement"
    if len(words) > 1:
        return ", ".join(words[:-1]) + " or " + words[-1]
    return words[0] if words else "something else"


def _english(word: str, g: Grammar) -> str:
    for spellings in g.keywords.values():
        if word in spellings:
            return spellings[0]
    return word


def _example_hint(line: str, g: Grammar) -> str | None:
    word = _english(_first_word(line), g)
    example = STATEMENT_EXAMPLES.get(word)
    return f"write it like: {example}" if example else None


def _span(path: str, line: int, col: int, end_col: int | None = None) -> Span:
    return Span(file=path, line=line, column=col, end_line=line, end_column=end_col or col + 1)


def _token_text(tok: object) -> str:
    text = str(tok)
    return text if len(text) <= 30 else text[:27] + "…"


def _at_statement_boundary(expected: set[str]) -> bool:
    return "RBRACE" in expected or "_JURISDICTION" in expected


def _diagnose_token(
    e: UnexpectedToken, lines: list[str], path: str, g: Grammar
) -> tuple[Diagnostic, int]:
    """Turn an unexpected token into a diagnostic and the index of the line to blank."""
    tok = e.token
    # the LALR table merges look-aheads of different contexts; keep what this state accepts
    # (lark's accepts() skips terminals whose names are not upper case, such as 工作日)
    accepted = e.interactive_parser.accepts()
    expected = {t for t in e.expected if t in accepted or not t.isupper()} or set(e.expected)
    line_no, col = tok.line or 1, tok.column or 1
    if tok.type == "$END":
        return _diagnose_eof(lines, path), len(lines) - 1
    width = max(1, len(str(tok)))
    if _at_statement_boundary(expected):
        if tok.type == "NAME":
            kws = [s for t in expected if (s := g.spell(t))]
            zh = [w for t in expected for w in g.keywords.get(t, ())[1:]]
            hint = (
                did_you_mean(str(tok), kws + zh)
                or f"statements allowed here: {_describe(expected, g)}"
            )
            return (
                error(
                    "OW012",
                    _span(path, line_no, col, col + width),
                    f"unknown statement '{_token_text(tok)}'",
                    hint,
                ),
                line_no - 1,
            )
        return (
            error(
                "OW001",
                _span(path, line_no, col, col + width),
                f"unexpected '{_token_text(tok)}' here; expected {_describe(expected, g)}",
                _example_hint(lines[line_no - 1], g),
            ),
            line_no - 1,
        )
    # mid-statement: blame the statement left incomplete on an earlier line
    prev = line_no - 2
    before_tok = _strip_comment(lines[line_no - 1])[: col - 1]
    if before_tok.strip() == "":
        while prev >= 0 and _strip_comment(lines[prev]).strip() == "":
            prev -= 1
        if prev >= 0:
            text = _strip_comment(lines[prev]).rstrip()
            end = len(text) + 1
            return (
                error(
                    "OW010",
                    _span(path, prev + 1, end),
                    f"incomplete statement: expected {_describe(expected, g)} after "
                    f"'{text.strip()[-30:]}'",
                    _example_hint(lines[prev], g),
                ),
                prev,
            )
    return (
        error(
            "OW001",
            _span(path, line_no, col, col + width),
            f"unexpected '{_token_text(tok)}'; expected {_describe(expected, g)}",
            _example_hint(lines[line_no - 1], g),
        ),
        line_no - 1,
    )


def _diagnose_eof(lines: list[str], path: str) -> Diagnostic:
    depth_stack: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        code = re.sub(r'"(?:\\.|[^"\\])*"', lambda m: " " * len(m.group(0)), _strip_comment(line))
        for j, ch in enumerate(code):
            if ch == "{":
                depth_stack.append((i, j))
            elif ch == "}" and depth_stack:
                depth_stack.pop()
    if depth_stack:
        i, j = depth_stack[-1]
        return error(
            "OW002",
            _span(path, i + 1, j + 1),
            "this block is never closed: the file ends before its '}'",
            "add the missing '}' where the block should end",
        )
    last = len(lines) - 1
    while last > 0 and _strip_comment(lines[last]).strip() == "":
        last -= 1
    text = _strip_comment(lines[last]).rstrip() if lines else ""
    return error(
        "OW002",
        _span(path, last + 1, len(text) + 1),
        "the file ends in the middle of a statement",
        _example_hint(lines[last], grammar()) if lines else None,
    )


def _diagnose_char(e: UnexpectedCharacters, lines: list[str], path: str) -> tuple[Diagnostic, int]:
    line_no, col = e.line, e.column
    line = lines[line_no - 1]
    ch = line[col - 1] if col - 1 < len(line) else ""
    if ch == '"':
        d = error(
            "OW003",
            _span(path, line_no, col, len(line) + 1),
            "this text is never closed: a quoted text must end with '\"' on the same line",
            "add the closing '\"'",
        )
    elif ch in "“”":
        d = error(
            "OW004",
            _span(path, line_no, col),
            f"curly quote {ch!r} cannot start a text",
            'use straight quotes: "…"',
        )
    else:
        d = error(
            "OW004",
            _span(path, line_no, col),
            f"unexpected character {ch!r}",
            "remove it, or put the text in quotes if it belongs to a name",
        )
    return d, line_no - 1


def parse_text(text: str, path: str) -> tuple[Tree | None, list[Diagnostic]]:
    """Parse one file's text; return the tree of what parses plus every syntax diagnostic."""
    g = grammar()
    if "\x00" not in text and text.count("(") <= MAX_FAST_PARENTHESES:
        fast = _fast_parser()
        try:
            built = _build(text, path)
        except Exception:
            pass
        else:
            return PrebuiltTree(fast.start, text, path, built, _build, fast.parse), []
    diagnostics: list[Diagnostic] = []
    if "\x00" in text:
        idx = text.index("\x00")
        line = text.count("\n", 0, idx) + 1
        col = idx - (text.rfind("\n", 0, idx) + 1) + 1
        diagnostics.append(
            error(
                "OW004",
                _span(path, line, col),
                "NUL byte in the file",
                "save the file as UTF-8 text",
            )
        )
        text = text.replace("\x00", " ")
    lines = text.split("\n")
    blanked: set[int] = set()
    for _ in range(MAX_SYNTAX_ERRORS + 1):
        try:
            tree = g.lark.parse("\n".join(lines))
            return tree, diagnostics
        except UnexpectedEOF:
            diagnostics.append(_diagnose_eof(lines, path))
            return None, diagnostics
        except UnexpectedToken as e:
            if e.token.type == "$END":
                diagnostics.append(_diagnose_eof(lines, path))
                return None, diagnostics
            d, idx = _diagnose_token(e, lines, path, g)
        except UnexpectedCharacters as e:
            d, idx = _diagnose_char(e, lines, path)
        except UnexpectedInput as e:  # pragma: no cover - other lark input errors
            d = error("OW001", _span(path, e.line, e.column), "cannot read this statement")
            idx = e.line - 1
        if idx in blanked:
            if lines[idx].strip() == "":
                return None, diagnostics
            lines[idx] = " " * len(lines[idx])
        else:
            diagnostics.append(d)
            blanked.add(idx)
            _blank(lines, idx)
        if len(diagnostics) >= MAX_SYNTAX_ERRORS:
            break
    return None, diagnostics
