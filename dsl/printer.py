"""Canonical text of the jurisdiction language: spelling, layout, and model → text.

Three layers, shared with the formatter (`dsl/format.py`) so that each construct's
canonical text is written in one place:

1. `Emitter` spells one statement (or one block header) from plain values: keywords in
   English or Chinese (`lang="en" | "zh"`), enumerated words (层级, 事项类型, 窗口类型 …) in
   their canonical spelling, names bare when the lexer reads them back as the same name
   and quoted otherwise, numbers without a trailing `.0` or leading zeros, dates as
   `YYYY-MM-DD`, times as `HH:MM`, lists joined with `, `, steps with ` -> ` and ` & `
   and the fewest parentheses. Punctuation (`->`, `..`, `,`, `>=`) is ASCII in both
   languages; `≥`, `→`, `～`, `，` and `、` are read but written in ASCII.
2. `Item` / `Comment` describe what to lay out: statements in their order, blocks with a
   body, comments above a statement, after it, after a block's `{` or before its `}`.
3. `layout()` writes the canonical layout:

   - two spaces of indentation per block level, one statement per line;
   - a block is `header {`, its body, `}`; an empty block without comments is `header {}`;
   - a small block stays on one line, `header { a  b }` (statements two spaces apart),
     when its kind allows it (`window`, `rule`: up to 4 statements; `materials`, `zone`,
     `category`, a test's `facts`: 1 statement), nothing inside has a comment and every
     statement inside is on one line itself. Other blocks (jurisdiction, matter, chain,
     hall, assessment, facts, test) are always expanded. The rule looks only at what a
     block holds, never at line width, so the layout is the same in both languages and
     English → Chinese → English gives back the same text. Lines are never wrapped;
   - blank lines: at most one where the source had one or more; none right after `{` or
     before `}`; exactly one between two consecutive blocks of the always-expanded kinds,
     and at the top level between two statements when either is such a block;
   - trailing comments sit two spaces after the code; on consecutive one-line statements
     of one body that all have one they are aligned to a common column (CJK characters
     count two columns). The material lines of an expanded `materials` block align their
     `from …` column.

`print_jurisdiction` and `print_source_file` write a model back as text in that layout, in
a fixed statement order (header statements, declarations, matters, chains, halls,
delegations, targets, assessments, facts, tests). Parsing the text and assembling it gives
the same model again, spans aside (see `comparable`). What the language cannot express is
not printed: `Jurisdiction.zones`, `Declared.title`, boolean setting values (written as the
names `true`/`false`), and strings holding a line break (`ValueError`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any, Literal, NamedTuple

from lark.parsers.lalr_analysis import Shift
from pydantic import BaseModel
from rich.cells import cell_len

from onewindow.dsl import vocab
from onewindow.dsl.model import (
    Assessment,
    BonusRule,
    CalendarOverride,
    Category,
    Chain,
    DeductRule,
    Delegation,
    Expectation,
    Fact,
    Facts,
    Fee,
    Hall,
    Jurisdiction,
    Limit,
    Material,
    Matter,
    PenaltyRule,
    PluginRule,
    Quantity,
    Setting,
    ShortfallRule,
    SourceFile,
    Span,
    StepGroup,
    StepRef,
    Target,
    TestCase,
    ThresholdRule,
    Window,
)
from onewindow.dsl.parse import grammar

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
INDENT = "  "

#: Block kinds that may stay on one line, with how many statements they may then hold.
COMPACT_LIMIT: dict[str, int] = {
    "window": 4,
    "plugin_rule": 4,
    "materials": 1,
    "hall_zone": 1,
    "category": 1,
    "test_facts": 1,
}
#: Blocks always written over several lines, with a blank line between two of them.
EXPANDED_KINDS = frozenset(
    {"jurisdiction", "matter", "chain", "hall", "assessment", "facts", "test"}
)

Number = Decimal | float | int


class Percent(NamedTuple):
    """A percentage value of a `set` line (`set complete_share = 80%`)."""

    value: Number


DateLike = dt.date | str
#: A chain's steps: a matter name, or ("serial" | "parallel", items).
StepExpr = str | tuple[str, Sequence["StepExpr"]]

_REPEAT = {"each": ("each", "每次"), "once": ("once", "一次")}
_STATUS = {"met": ("met", "达成"), "missed": ("missed", "未达成"), "pending": ("pending", "待定")}
_STATUS_ALIASES = {zh: en for en, (_, zh) in _STATUS.items()}
_SEVERITY = {
    "error": ("error", "错误"),
    "warning": ("warning", "警告"),
    "info": ("info", "提示"),
    "off": ("off", "关闭"),
}
_SEVERITY_ALIASES = {zh: en for en, (_, zh) in _SEVERITY.items()}
_FEE_NONE = ("none", "免费")
_COMPARISONS = {"≥": ">=", "≤": "<="}


# ---------------------------------------------------------------- names and atoms


@cache
def _name_pattern() -> re.Pattern[str]:
    term = next(t for t in grammar().lark.terminals if t.name == "NAME")
    return re.compile(term.pattern.to_regexp())


@cache
def _literal_words() -> dict[str, str]:
    """Literal word terminals of the grammar (`legal`, `每次` …) by terminal name."""
    return {
        t.name: t.pattern.value
        for t in grammar().lark.terminals
        if t.pattern.type == "str" and _name_pattern().fullmatch(t.pattern.value)
    }


def _state_words(actions: Iterable[str]) -> set[str]:
    """Spellings the contextual lexer may read instead of a NAME in one parser state."""
    keywords = grammar().keywords
    words: set[str] = set()
    for terminal in actions:
        if terminal in keywords:
            for word in keywords[terminal]:
                words.add(word)
                if " " in word:  # `as of`, `per year` …: nor may a name be the first word
                    words.add(word.split()[0])
        elif terminal in _literal_words():
            words.add(_literal_words()[terminal])
    return words


@cache
def _reserved_table() -> dict[str | None, frozenset[str]]:
    """Reserved words after each terminal; key None: in any state that accepts a NAME.

    Taken from the LALR table: the lexer is contextual, so a name that follows terminal T
    is read in a state reached by shifting T, and only the keywords and literal words
    such a state accepts can take the name's place.
    """
    table = grammar().lark.parser.parser.parser.parse_table
    anywhere: set[str] = set()
    after: dict[str | None, set[str]] = {}
    for actions in table.states.values():
        if "NAME" in actions:
            anywhere |= _state_words(actions)
        for terminal, (action, target) in actions.items():
            if action is Shift and not terminal.islower() and "NAME" in table.states[target]:
                after.setdefault(terminal, set()).update(_state_words(table.states[target]))
    out = {k: frozenset(v) for k, v in after.items()}
    out[None] = frozenset(anywhere)
    return out


def reserved_words(after: str | None = None) -> frozenset[str]:
    """Words a bare name may not be right after terminal `after` (None: anywhere)."""
    table = _reserved_table()
    return table[None] if after is None else table.get(after, frozenset())


def is_bare_name(text: str, after: str | None = None) -> bool:
    """True when `text`, written bare right after terminal `after`, reads back as that name.

    `after` is the grammar terminal just before the name (`_WINDOW`, `COMMA`, `_THEN` …);
    None stands for any position, the safe choice.
    """
    if not _name_pattern().fullmatch(text):
        return False
    reserved = reserved_words(after)
    if text in reserved:
        return False
    # a keyword is matched up to a non-word character, and `-` may continue a name
    return not any(text.startswith(w + "-") for w in reserved)


def quote(text: str) -> str:
    """A quoted text, with `\\` and `"` escaped; line breaks cannot be written."""
    if "\n" in text:
        raise ValueError(f"a quoted text cannot hold a line break: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unquote(text: str) -> str:
    """The content of a STRING token (the builder's reading of escapes)."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def number(value: Number | str) -> str:
    """A number as written canonically: `15`, `1.5`, `-5`; never `15.0`, `015` or `1e+16`."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} as a number")
        dec = Decimal(repr(value))
    else:
        dec = Decimal(value)
    text = format(dec, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def date_text(value: DateLike) -> str:
    """`YYYY-MM-DD`; a date token that is not a real date is kept as written."""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        y, m, d = (int(p) for p in value.split("-"))
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return value


def time_text(value: dt.time | str) -> str:
    """`HH:MM`; a time token that is not a real time is kept as written."""
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    h, m = (int(p) for p in value.split(":"))
    return f"{h:02d}:{m:02d}" if h < 24 and m < 60 else value


# ---------------------------------------------------------------- the emitter


class Emitter:
    """Spells statements canonically in one language; used by the printer and the formatter.

    Values are plain: names as `str` (unquoted), numbers as `Decimal` (formatter, exact
    token value), `float` or `int` (models), enumerated words as enum members or as the
    word written (an unknown word is kept, quoted if needed), dates and times as
    `datetime` values or token text. A name is written bare unless the lexer, in the
    position the name takes (known from the terminal before it), could read it otherwise.
    """

    def __init__(self, lang: Lang = "en") -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: use 'en' or 'zh'")
        self.lang = lang
        self._index = 0 if lang == "en" else 1
        self._keywords = grammar().keywords

    # ------------------------------------------------------------ atoms

    def kw(self, terminal: str) -> str:
        """A keyword, e.g. `_MATTER` → `matter` / `事项`."""
        return self._keywords[terminal][self._index]

    def name(self, text: str, after: str | None = None) -> str:
        """A name, quoted when needed right after terminal `after` (None: anywhere)."""
        return text if is_bare_name(text, after) else quote(text)

    def names(self, texts: Iterable[str], after: str | None = None) -> str:
        """`a, b, c`: the first name follows `after`, the others a comma."""
        return ", ".join(self.name(t, after if i == 0 else "COMMA") for i, t in enumerate(texts))

    def string(self, text: str) -> str:
        return quote(text)

    def number(self, value: Number) -> str:
        return number(value)

    def quantity(self, value: Number, percent: bool = False) -> str:
        return number(value) + ("%" if percent else "")

    def signed(self, value: Number) -> str:
        return number(value)

    def value(self, value: str | Number | Percent | bool, after: str | None = None) -> str:
        """The right side of `set key = value` and of a rule parameter."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Percent):
            return self.quantity(value.value, True)
        if isinstance(value, str):
            return self.name(value, after)
        return number(value)

    def word(self, vocabulary: str, value: StrEnum | str, after: str | None = None) -> str:
        """An enumerated word in its canonical spelling; an unknown word as written."""
        member = value if isinstance(value, StrEnum) else vocab.lookup(vocabulary, value)
        if member is None:
            return self.name(str(value), after)
        return self.name(vocab.render(vocabulary, member, self.lang), after)

    def words(
        self, vocabulary: str, values: Iterable[StrEnum | str], after: str | None = None
    ) -> str:
        return ", ".join(
            self.word(vocabulary, v, after if i == 0 else "COMMA") for i, v in enumerate(values)
        )

    def date(self, value: DateLike) -> str:
        return date_text(value)

    def dated(self, parts: Sequence[tuple[str, DateLike]]) -> str:
        """` from D` / ` by D` suffixes (empty when there are none)."""
        out = ""
        for key, day in parts:
            out += f" {self.kw('_FROM' if key == 'from' else '_BY')} {self.date(day)}"
        return out

    def _note(self, note: str | None) -> str:
        return f" {self.string(note)}" if note is not None else ""

    def _stmt(self, terminal: str, rest: str) -> str:
        return f"{self.kw(terminal)} {rest}"

    def _named(self, terminal: str, name: str, rest: str = "") -> str:
        """`KEYWORD name rest`: the commonest statement shape."""
        return f"{self.kw(terminal)} {self.name(name, terminal)}{rest}"

    # ------------------------------------------------------------ jurisdiction body

    def jurisdiction_header(self, name: str) -> str:
        return self._named("_JURISDICTION", name)

    def level(self, level: StrEnum | str) -> str:
        return self._stmt("_LEVEL", self.word("level", level, "_LEVEL"))

    def parent(self, name: str) -> str:
        return self._named("_PARENT", name)

    def calendar(self, name: str) -> str:
        return self._named("_CALENDAR", name)

    def source(self, text: str) -> str:
        return self._stmt("_SOURCE", self.string(text))

    def department(self, name: str, title: str | None = None) -> str:
        return self._named("_DEPARTMENT", name, self._note(title))

    def domains(self, names: Iterable[str]) -> str:
        return self._stmt("_DOMAINS", self.names(names, "_DOMAINS"))

    def include(self, path: str) -> str:
        return self._stmt("_INCLUDE", self.string(path))

    def plugins(self, modules: Iterable[str]) -> str:
        return self._stmt("_PLUGINS", ", ".join(self.string(m) for m in modules))

    def setting(self, key: str, value: str | Number | Percent | bool) -> str:
        return self._named("_SET", key, f" = {self.value(value, 'EQUAL')}")

    def lint_rule(self, rule: str, severity: str) -> str:
        """`lint CODE SEVERITY` (error, warning, info, off / 错误, 警告, 提示, 关闭)."""
        english = _SEVERITY_ALIASES.get(severity, severity)
        word = _SEVERITY[english][self._index] if english in _SEVERITY else self.name(severity)
        return self._named("_LINT", rule, f" {word}")

    # ------------------------------------------------------------ matters (事项)

    def matter_header(self, name: str) -> str:
        return self._named("_MATTER", name)

    def code(self, text: str) -> str:
        return self._stmt("_CODE", self.string(text))

    def matter_type(self, word: StrEnum | str) -> str:
        return self._stmt("_TYPE", self.word("type", word, "_TYPE"))

    def basis(self, text: str) -> str:
        return self._stmt("_BASIS", self.string(text))

    def conditions(self, text: str) -> str:
        return self._stmt("_CONDITIONS", self.string(text))

    def serves(self, words: Iterable[StrEnum | str]) -> str:
        return self._stmt("_SERVES", self.words("serves", words, "_SERVES"))

    def department_ref(self, name: str) -> str:
        return self._named("_DEPARTMENT", name)

    def domain_ref(self, name: str) -> str:
        return self._named("_DOMAIN", name)

    def materials_header(self) -> str:
        return self.kw("_MATERIALS")

    def material(
        self,
        name: str,
        source: StrEnum | str | None = None,
        from_matter: str | None = None,
        deferrable: bool = False,
    ) -> tuple[str, str]:
        """A material as two columns: its quoted name, and `from …` / `deferrable`."""
        rest: list[str] = []
        if from_matter is not None:
            rest.append(
                f"{self.kw('_FROM')} {self.kw('_MATTER')} {self.name(from_matter, '_MATTER')}"
            )
        elif source is not None:
            rest.append(f"{self.kw('_FROM')} {self.word('source', source, '_FROM')}")
        if deferrable:
            rest.append(self.kw("_DEFERRABLE"))
        return self.string(name), " ".join(rest)

    def limit_item(
        self,
        kind: StrEnum | str,
        amount: Number,
        unit: StrEnum | str,
        dates: Sequence[tuple[str, DateLike]] = (),
    ) -> str:
        """`legal 15 workdays from D`: kind and unit are literal words, never quoted."""
        kind_member = kind if isinstance(kind, StrEnum) else vocab.lookup("limit_kind", kind)
        unit_member = unit if isinstance(unit, StrEnum) else vocab.lookup("time_unit", unit)
        if kind_member is None or unit_member is None:
            raise ValueError(f"not a time limit: {kind} {amount} {unit}")
        kind_word = vocab.render("limit_kind", kind_member, self.lang)
        unit_word = vocab.render("time_unit", unit_member, self.lang)
        return f"{kind_word} {number(amount)} {unit_word}{self.dated(dates)}"

    def limit(self, items: Iterable[str]) -> str:
        return self._stmt("_LIMIT", ", ".join(items))

    def fee(self, value: str | Number) -> str:
        """`fee none`, `fee 10 yuan`, or `fee NAME` for a described fee."""
        if isinstance(value, str):
            if value in vocab.FEE_NONE:
                return self._stmt("_FEE", _FEE_NONE[self._index])
            return self._named("_FEE", value)
        return self._stmt("_FEE", f"{number(value)} {self.kw('_YUAN')}")

    def handling(self, word: StrEnum | str) -> str:
        return self._stmt("_HANDLING", self.word("handling", word, "_HANDLING"))

    def online(self, word: StrEnum | str) -> str:
        return self._stmt("_ONLINE", self.word("online", word, "_ONLINE"))

    def trips(self, count: Number) -> str:
        return self._stmt("_TRIPS", number(count))

    def volume(self, count: Number) -> str:
        return self._stmt("_VOLUME", f"{number(count)} {self.kw('_PER_YEAR')}")

    def service(self, minutes: Number) -> str:
        return self._stmt("_SERVICE", f"{number(minutes)} {self.kw('_MINUTES')}")

    def delivery(self, words: Iterable[StrEnum | str]) -> str:
        return self._stmt("_DELIVERY", self.words("delivery", words, "_DELIVERY"))

    # ------------------------------------------------------------ chains (一件事)

    def chain_header(self, name: str) -> str:
        return self._named("_CHAIN", name)

    def lead(self, name: str) -> str:
        return self._named("_LEAD", name)

    def form(self, text: str) -> str:
        return self._stmt("_FORM", self.string(text))

    def step_expr(self, expr: StepExpr, after: str = "_STEPS", in_parallel: bool = False) -> str:
        """Steps with the fewest parentheses: `&` binds tighter than `->`."""
        if isinstance(expr, str):
            return self.name(expr, after)
        op, items = expr
        if op == "parallel":
            parts = [
                self.step_expr(x, after if i == 0 else "AMPERSAND", True)
                for i, x in enumerate(items)
            ]
            return " & ".join(parts)
        wrap = in_parallel and len(items) > 1
        first = "LPAR" if wrap else after
        parts = [self.step_expr(x, first if i == 0 else "_THEN") for i, x in enumerate(items)]
        text = " -> ".join(parts)
        return f"({text})" if wrap else text

    def steps(self, expr: StepExpr) -> str:
        return self._stmt("_STEPS", self.step_expr(expr))

    # ------------------------------------------------------------ halls (大厅)

    def hall_header(self, name: str) -> str:
        return self._named("_HALL", name)

    def hours(self, ranges: Iterable[tuple[dt.time | str, dt.time | str]]) -> str:
        return self._stmt("_HOURS", ", ".join(f"{time_text(a)}-{time_text(b)}" for a, b in ranges))

    def zone_header(self, name: str) -> str:
        return self._named("_ZONE", name)

    def window_header(self, name: str) -> str:
        return self._named("_WINDOW", name)

    def window_kind(self, word: StrEnum | str) -> str:
        return self._stmt("_KIND", self.word("kind", word, "_KIND"))

    def window_domains(self, names: Iterable[str]) -> str:
        return self._stmt("_DOMAINS", self.names(names, "_DOMAINS"))

    def window_matters(self, names: Iterable[str]) -> str:
        return self._stmt("_MATTERS", self.names(names, "_MATTERS"))

    def staff(self, count: Number) -> str:
        return self._stmt("_STAFF", number(count))

    # ------------------------------------------------------------ delegation, targets, calendar

    def delegate(
        self,
        matters: Iterable[str],
        to: Iterable[str],
        seal: Number | None = None,
        dates: Sequence[tuple[str, DateLike]] = (),
    ) -> str:
        text = f"{self.names(matters, '_DELEGATE')} {self.kw('_TO')} {self.names(to, '_TO')}"
        if seal is not None:
            text += f" {self.kw('_SEAL')} {number(seal)}"
        return self._stmt("_DELEGATE", text + self.dated(dates))

    def seals(self, low: Number, high: Number) -> str:
        return self._stmt("_SEALS", f"{number(low)}..{number(high)}")

    def target(
        self,
        metric: str,
        subject: str | None,
        op: str,
        value: str,
        dates: Sequence[tuple[str, DateLike]] = (),
        note: str | None = None,
    ) -> str:
        """`value` is a quantity already spelled (see `quantity`)."""
        text = ""
        if subject is not None:
            text += f" {self.kw('_OF')} {self.name(subject, '_OF')}"
        text += f" {self.comparison(op)} {value}{self.dated(dates)}{self._note(note)}"
        return self._named("_TARGET", metric, text)

    def comparison(self, op: str) -> str:
        return _COMPARISONS.get(op, op)

    def override(
        self, is_open: bool, start: DateLike, end: DateLike | None, note: str | None = None
    ) -> str:
        """`open D[..D]` or `closed D[..D]`; a one-day range is written as one date."""
        first = self.date(start)
        days = first
        if end is not None and self.date(end) != first:
            days += ".." + self.date(end)
        return self._stmt("_OPEN" if is_open else "_CLOSED", days + self._note(note))

    # ------------------------------------------------------------ assessment (考核)

    def assessment_header(
        self, name: str, folds_into: str | None = None, weight: str | None = None
    ) -> str:
        """`weight` is a quantity already spelled; it is written only with `folds_into`."""
        text = ""
        if folds_into is not None:
            text += f" {self.kw('_FOLDS_INTO')} {self.name(folds_into, '_FOLDS_INTO')}"
            if weight is not None:
                text += f" {self.kw('_WEIGHT')} {weight}"
        return self._named("_ASSESSMENT", name, text)

    def assesses(self, level: StrEnum | str) -> str:
        return self._stmt("_ASSESSES", self.word("level", level, "_ASSESSES"))

    def category_header(self, name: str, cap: Number, floor: Number | None = None) -> str:
        text = f" {self.kw('_MAX')} {number(cap)}"
        if floor is not None:
            text += f" {self.kw('_FLOOR')} {self.signed(floor)}"
        return self._named("_CATEGORY", name, text)

    def deduct(self, points: Number, fact: str | None = None) -> str:
        text = f"{number(points)} {self.kw('_PER_FINDING')}"
        if fact is not None:
            text += f" {self.kw('_OF')} {self.name(fact, '_OF')}"
        return self._stmt("_DEDUCT", text)

    def shortfall(self, metric: str, below: str, points: Number) -> str:
        """`below` is a quantity already spelled."""
        rest = (
            f" {self.kw('_BELOW')} {below} {self.kw('_COSTS')} {number(points)} "
            f"{self.kw('_PER_POINT')}"
        )
        return self._named("_SHORTFALL", metric, rest)

    def threshold(self, metric: str, op: str, value: str, points: Number) -> str:
        """`value` is a quantity already spelled."""
        rest = f" {self.comparison(op)} {value} {self.kw('_GIVES')} {self.signed(points)}"
        return self._named("_THRESHOLD", metric, rest)

    def _event_rule(
        self,
        terminal: str,
        sign: str,
        event: str,
        points: Number,
        repeat: str | None,
        note: str | None,
    ) -> str:
        rest = f" {sign}{number(points)}"
        if repeat is not None:
            rest += " " + _REPEAT[repeat][self._index]
        return self._named(terminal, event, rest + self._note(note))

    def bonus(
        self, event: str, points: Number, repeat: str | None = None, note: str | None = None
    ) -> str:
        """`repeat` is "each", "once" or None (not written: the default, once)."""
        return self._event_rule("_BONUS", "+", event, points, repeat, note)

    def penalty(
        self, event: str, points: Number, repeat: str | None = None, note: str | None = None
    ) -> str:
        """`repeat` is "each", "once" or None (not written: the default, each)."""
        return self._event_rule("_PENALTY", "-", event, points, repeat, note)

    def rule_header(self, kind: str) -> str:
        return self._named("_RULE", kind)

    def param(self, key: str, value: str | Number | Percent | bool) -> str:
        """`key value` inside a plugin rule (both names are checked against any position)."""
        return f"{self.name(key)} {self.value(value)}"

    def ranking(self, bottom: Number, action: str | None = None) -> str:
        return self._stmt("_RANK", f"{self.kw('_BOTTOM')} {number(bottom)}{self._note(action)}")

    # ------------------------------------------------------------ facts and tests

    def facts_header(self, jurisdiction: str | None, as_of: DateLike) -> str:
        who = f"{self.name(jurisdiction, '_FACTS')} " if jurisdiction is not None else ""
        return self._stmt("_FACTS", f"{who}{self.kw('_AS_OF')} {self.date(as_of)}")

    def fact(self, kind: str, name: str, value: str | None) -> str:
        """`kind` is "value" (metric), "findings" or "event"; `value` already spelled."""
        terminal = {"value": "_METRIC", "findings": "_FINDINGS", "event": "_EVENT"}[kind]
        return self._named(terminal, name, f" {value}" if value is not None else "")

    def test_header(self, name: str) -> str:
        return self._stmt("_TEST", self.string(name))

    def test_subject(self, name: str) -> str:
        return self._named("_JURISDICTION", name)

    def as_of(self, day: DateLike) -> str:
        return self._stmt("_AS_OF", self.date(day))

    def test_facts_header(self) -> str:
        return self.kw("_FACTS")

    def expect_points(self, path: Sequence[str], value: str) -> str:
        """`value` is a quantity already spelled."""
        parts = [self.name(p, "_EXPECT" if i == 0 else "DOT") for i, p in enumerate(path)]
        return self._stmt("_EXPECT", f"{'.'.join(parts)} = {value}")

    def expect_status(self, metric: str, status: str, due_by: DateLike | None = None) -> str:
        """`expect target METRIC [by DATE] STATUS`; the date picks one of several targets."""
        english = _STATUS_ALIASES.get(status, status)
        word = _STATUS[english][self._index] if english in _STATUS else self.name(status)
        target = f"{self.kw('_TARGET')} {self.name(metric, '_TARGET')}"
        if due_by is not None:
            target += f" {self.kw('_BY')} {self.date(due_by)}"
        return self._stmt("_EXPECT", f"{target} {word}")


# ---------------------------------------------------------------- what to lay out


@dataclass
class Comment:
    """A comment on its own line (`# …`), kept with the statements around it."""

    text: str
    blank_before: bool = False


@dataclass
class Item:
    """One statement to lay out: a line, or a block when `body` is not None.

    `kind` is the grammar rule name (it decides whether the block may stay on one line);
    `columns` are a material's two aligned columns; `above` holds comments that were inside
    the statement and are written above it; `trailing` follows the statement (after `}` for
    a block); `header_comment` follows a block's `{`. `one_line_source` marks a block that
    was written on one line: if it must be expanded, its trailing comment (which was about
    the whole line) moves after its `{`.
    """

    kind: str
    text: str
    body: list[Item | Comment] | None = None
    columns: tuple[str, str] | None = None
    blank_before: bool = False
    above: list[str] = field(default_factory=list)
    trailing: str | None = None
    header_comment: str | None = None
    one_line_source: bool = False


Entry = Item | Comment


@dataclass
class _Line:
    depth: int
    code: str
    comment: str | None = None
    alignable: bool = False
    columns: tuple[str, str] | None = None


def _one_line(item: Item) -> str | None:
    """The item written on one line, or None when it must be expanded."""
    if item.body is None:
        if item.columns is not None:
            name, rest = item.columns
            return f"{name} {rest}" if rest else name
        return item.text
    if item.header_comment is not None:
        return None
    if not item.body:
        return f"{item.text} {{}}"
    if len(item.body) > COMPACT_LIMIT.get(item.kind, 0):
        return None
    parts: list[str] = []
    for entry in item.body:
        if isinstance(entry, Comment) or entry.above or entry.trailing is not None:
            return None
        text = _one_line(entry)
        if text is None:
            return None
        parts.append(text)
    return f"{item.text} {{ {'  '.join(parts)} }}"


def _render_item(item: Item, depth: int, out: list[_Line | None]) -> None:
    for text in item.above:
        out.append(_Line(depth, text))
    one = _one_line(item)
    if one is not None:
        columns = item.columns if item.body is None else None
        out.append(_Line(depth, one, item.trailing, alignable=True, columns=columns))
        return
    header_comment, trailing = item.header_comment, item.trailing
    if item.one_line_source and header_comment is None:
        header_comment, trailing = trailing, None
    out.append(_Line(depth, f"{item.text} {{", header_comment))
    _render_body(item.body or [], depth + 1, out, top=False)
    out.append(_Line(depth, "}", trailing))


def _render_body(entries: Sequence[Entry], depth: int, out: list[_Line | None], top: bool) -> None:
    prev: Item | None = None  # the previous statement of this body
    after_prev = len(out)
    blank_since_prev = False
    for index, entry in enumerate(entries):
        if entry.blank_before and index > 0:
            out.append(None)
            blank_since_prev = True
        if isinstance(entry, Comment):
            out.append(_Line(depth, entry.text))
            continue
        if prev is not None and not blank_since_prev:
            big = prev.kind in EXPANDED_KINDS, entry.kind in EXPANDED_KINDS
            if any(big) if top else all(big):
                out.insert(after_prev, None)
        _render_item(entry, depth, out)
        prev = entry
        after_prev = len(out)
        blank_since_prev = False


def _align(lines: list[_Line | None]) -> None:
    """Align material columns, then trailing comments, over runs of consecutive lines."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line is None or line.columns is None:
            i += 1
            continue
        j = i
        while (
            j < len(lines)
            and (cur := lines[j]) is not None
            and cur.columns is not None
            and cur.depth == line.depth
        ):
            j += 1
        width = max(cell_len(cur.columns[0]) for cur in lines[i:j] if cur and cur.columns)
        for cur in lines[i:j]:
            assert cur is not None and cur.columns is not None
            name, rest = cur.columns
            cur.code = name + " " * (width - cell_len(name) + 1) + rest if rest else name
        i = j
    i = 0
    while i < len(lines):
        line = lines[i]
        if line is None or line.comment is None:
            i += 1
            continue
        if not line.alignable:
            line.code = f"{line.code}  {line.comment}"
            line.comment = None
            i += 1
            continue
        j = i
        while (
            j < len(lines)
            and (cur := lines[j]) is not None
            and cur.comment is not None
            and cur.alignable
            and cur.depth == line.depth
        ):
            j += 1
        width = max(cell_len(cur.code) for cur in lines[i:j] if cur)
        for cur in lines[i:j]:
            assert cur is not None
            cur.code = cur.code + " " * (width - cell_len(cur.code) + 2) + str(cur.comment)
            cur.comment = None
        i = j


def layout(entries: Sequence[Entry]) -> str:
    """The canonical text of a file's top-level entries (ends with one newline)."""
    lines: list[_Line | None] = []
    _render_body(entries, 0, lines, top=True)
    _align(lines)
    text = "\n".join("" if ln is None else INDENT * ln.depth + ln.code for ln in lines)
    return text + "\n" if text else ""


# ---------------------------------------------------------------- model → items


def _dates(node: Any) -> list[tuple[str, DateLike]]:
    parts: list[tuple[str, DateLike]] = []
    if node.valid_from is not None:
        parts.append(("from", node.valid_from))
    if node.due_by is not None:
        parts.append(("by", node.due_by))
    return parts


def _qty(e: Emitter, q: Quantity) -> str:
    return e.quantity(q.value, q.percent)


def _steps(node: StepRef | StepGroup) -> StepExpr:
    if isinstance(node, StepRef):
        return node.matter.name
    return (node.op, [_steps(i) for i in node.items])


class _ModelPrinter:
    """Turns model nodes into layout items through the shared `Emitter`."""

    def __init__(self, lang: Lang) -> None:
        self.e = Emitter(lang)

    @staticmethod
    def line(kind: str, text: str, blank: bool = False) -> Item:
        return Item(kind, text, blank_before=blank)

    @staticmethod
    def block(kind: str, header: str, body: list[Entry], blank: bool = False) -> Item:
        return Item(kind, header, body=body, blank_before=blank)

    def settings(self, settings: Iterable[Setting]) -> list[Entry]:
        return [self.line("setting", self.e.setting(s.key, s.value)) for s in settings]

    def materials(self, materials: Sequence[Material]) -> Item:
        body: list[Entry] = [
            Item(
                "material",
                "",
                columns=self.e.material(
                    m.name,
                    m.source,
                    m.source_matter.name if m.source_matter is not None else None,
                    m.deferrable,
                ),
            )
            for m in materials
        ]
        return self.block("materials", self.e.materials_header(), body)

    def limits(self, limits: Sequence[Limit]) -> Item:
        items = [self.e.limit_item(x.kind, x.amount, x.unit, _dates(x)) for x in limits]
        return self.line("limit", self.e.limit(items))

    def fee(self, fee: Fee) -> Item:
        if fee.text is not None:
            return self.line("fee", self.e.fee(fee.text))
        if not fee.amount:
            return self.line("fee", self.e.fee("none"))
        return self.line("fee", self.e.fee(fee.amount))

    def matter(self, m: Matter) -> Item:
        e = self.e
        body: list[Entry] = []
        add = body.append
        if m.code is not None:
            add(self.line("code", e.code(m.code)))
        if m.type is not None:
            add(self.line("mtype", e.matter_type(m.type)))
        if m.basis is not None:
            add(self.line("basis", e.basis(m.basis)))
        if m.level is not None:
            add(self.line("level_stmt", e.level(m.level)))
        if m.conditions is not None:
            add(self.line("conditions", e.conditions(m.conditions)))
        if m.serves:
            add(self.line("serves", e.serves(m.serves)))
        if m.department is not None:
            add(self.line("department_ref", e.department_ref(m.department.name)))
        if m.domain is not None:
            add(self.line("domain_ref", e.domain_ref(m.domain.name)))
        if m.materials or m.materials_span is not None:
            add(self.materials(m.materials))
        if m.limits:
            add(self.limits(m.limits))
        if m.fee is not None:
            add(self.fee(m.fee))
        if m.handling is not None:
            add(self.line("handling", e.handling(m.handling)))
        if m.online is not None:
            add(self.line("online", e.online(m.online)))
        if m.trips is not None:
            add(self.line("trips", e.trips(m.trips)))
        if m.volume is not None:
            add(self.line("volume", e.volume(m.volume)))
        if m.service_minutes is not None:
            add(self.line("service", e.service(m.service_minutes)))
        if m.delivery:
            add(self.line("delivery", e.delivery(m.delivery)))
        body.extend(self.settings(m.settings))
        return self.block("matter", e.matter_header(m.name), body, blank=True)

    def chain(self, c: Chain) -> Item:
        e = self.e
        body: list[Entry] = []
        if c.lead is not None:
            body.append(self.line("lead", e.lead(c.lead.name)))
        if c.steps is not None:
            body.append(self.line("steps", e.steps(_steps(c.steps))))
        if c.materials:
            body.append(self.materials(c.materials))
        if c.form is not None:
            body.append(self.line("form", e.form(c.form)))
        if c.limits:
            body.append(self.limits(c.limits))
        if c.volume is not None:
            body.append(self.line("volume", e.volume(c.volume)))
        if c.domain is not None:
            body.append(self.line("domain_ref", e.domain_ref(c.domain.name)))
        body.extend(self.settings(c.settings))
        return self.block("chain", e.chain_header(c.name), body, blank=True)

    def window(self, w: Window) -> Item:
        e = self.e
        body: list[Entry] = []
        if w.kind_of is not None:
            body.append(self.line("wkind", e.window_kind(w.kind_of)))
        if w.domains:
            body.append(self.line("wdomains", e.window_domains(r.name for r in w.domains)))
        if w.matters:
            body.append(self.line("wmatters", e.window_matters(r.name for r in w.matters)))
        body.append(self.line("staff", e.staff(w.staff)))
        body.extend(self.settings(w.settings))
        return self.block("window", e.window_header(w.name), body)

    def hall(self, h: Hall) -> Item:
        """Consecutive windows of one zone are written in one `zone` block, in model order."""
        e = self.e
        body: list[Entry] = []
        if h.hours:
            body.append(self.line("hours", e.hours((x.start, x.end) for x in h.hours)))
        zones = [z.name for z in h.zones]
        k = 0  # zones[:k] are written
        group: Item | None = None
        for w in h.windows:
            if w.zone is None:
                body.append(self.window(w))
                group = None
                continue
            if group is not None and group.text == e.zone_header(w.zone.name):
                assert group.body is not None
                group.body.append(self.window(w))
                continue
            if w.zone.name in zones[k:]:
                while zones[k] != w.zone.name:  # zones without windows keep their order
                    body.append(self.block("hall_zone", e.zone_header(zones[k]), []))
                    k += 1
                k += 1
            group = self.block("hall_zone", e.zone_header(w.zone.name), [self.window(w)])
            body.append(group)
        body.extend(self.block("hall_zone", e.zone_header(z), []) for z in zones[k:])
        body.extend(self.settings(h.settings))
        return self.block("hall", e.hall_header(h.name), body, blank=True)

    def delegation(self, d: Delegation, blank: bool) -> Item:
        text = self.e.delegate(
            [r.name for r in d.matters], [r.name for r in d.to], d.seal, _dates(d)
        )
        return self.line("delegate", text, blank)

    def target(self, t: Target, blank: bool) -> Item:
        e = self.e
        subject = t.subject.name if t.subject is not None else None
        text = e.target(t.metric.name, subject, t.op.value, _qty(e, t.value), _dates(t), t.note)
        return self.line("target", text, blank)

    def override(self, o: CalendarOverride) -> Item:
        kind = "open_days" if o.open else "closed_days"
        return self.line(kind, self.e.override(o.open, o.start, o.end, o.note))

    def rule(self, r: Any) -> Item:
        e = self.e
        if isinstance(r, DeductRule):
            return self.line("deduct", e.deduct(r.points, r.fact))
        if isinstance(r, ShortfallRule):
            return self.line("shortfall", e.shortfall(r.metric.name, _qty(e, r.below), r.points))
        if isinstance(r, ThresholdRule):
            text = e.threshold(r.metric.name, r.op.value, _qty(e, r.value), r.points)
            return self.line("threshold", text)
        if isinstance(r, BonusRule):
            repeat = "each" if r.each else "once"
            return self.line("bonus", e.bonus(r.event, r.points, repeat, r.note))
        if isinstance(r, PenaltyRule):
            repeat = "each" if r.each else "once"
            return self.line("penalty", e.penalty(r.event, r.points, repeat, r.note))
        assert isinstance(r, PluginRule)
        params: list[Entry] = [self.line("param", e.param(p.key, p.value)) for p in r.params]
        return self.block("plugin_rule", e.rule_header(r.kind_name.name), params)

    def category(self, c: Category) -> Item:
        floor = c.floor if c.floor else None
        header = self.e.category_header(c.name, c.max, floor)
        return self.block("category", header, [self.rule(r) for r in c.rules])

    def assessment(self, a: Assessment) -> Item:
        e = self.e
        folds = a.folds_into.name if a.folds_into is not None else None
        weight = _qty(e, a.weight) if a.weight is not None and folds is not None else None
        body: list[Entry] = []
        if a.applies_to is not None:
            body.append(self.line("assesses", e.assesses(a.applies_to)))
        body.extend(self.category(c) for c in a.categories)
        body.extend(self.rule(r) for r in a.rules)
        if a.ranking is not None:
            body.append(self.line("ranking", e.ranking(a.ranking.bottom, a.ranking.action)))
        return self.block("assessment", e.assessment_header(a.name, folds, weight), body, True)

    def fact(self, f: Fact) -> Item:
        e = self.e
        kind = {"value": "fact_metric", "findings": "fact_findings", "event": "fact_event"}
        if f.fact == "value":
            value: str | None = _qty(e, f.value)
        elif f.fact == "event" and f.value.value == 1:
            value = None
        else:
            value = e.number(f.value.value)
        return self.line(kind[f.fact], e.fact(f.fact, f.name, value))

    def facts(self, f: Facts) -> Item:
        who = f.jurisdiction.name if f.jurisdiction is not None else None
        header = self.e.facts_header(who, f.as_of)
        return self.block("facts", header, [self.fact(x) for x in f.facts], blank=True)

    def expectation(self, x: Expectation) -> Item:
        e = self.e
        if x.status is not None:
            return self.line("expect_status", e.expect_status(x.path[-1], x.status, x.due_by))
        value = _qty(e, x.value) if x.value is not None else "0"
        return self.line("expect_points", e.expect_points(x.path, value))

    def test(self, t: TestCase) -> Item:
        e = self.e
        body: list[Entry] = []
        if t.jurisdiction is not None:
            body.append(self.line("test_subject", e.test_subject(t.jurisdiction.name)))
        body.append(self.line("test_as_of", e.as_of(t.as_of)))
        if t.facts:
            facts: list[Entry] = [self.fact(f) for f in t.facts]
            body.append(self.block("test_facts", e.test_facts_header(), facts))
        body.extend(self.expectation(x) for x in t.expectations)
        return self.block("test", e.test_header(t.name), body, blank=True)

    def jurisdiction(self, j: Jurisdiction) -> Item:
        e = self.e
        body: list[Entry] = []
        if j.level is not None:
            body.append(self.line("level_stmt", e.level(j.level)))
        if j.parent is not None:
            body.append(self.line("parent_stmt", e.parent(j.parent.name)))
        if j.calendar is not None:
            body.append(self.line("calendar_stmt", e.calendar(j.calendar.name)))
        if j.source is not None:
            body.append(self.line("source_stmt", e.source(j.source)))
        body.extend(self.line("department", e.department(d.name, d.title)) for d in j.departments)
        if j.domains:
            body.append(self.line("domains_decl", e.domains(d.name for d in j.domains)))
        if j.seal_range is not None:
            body.append(self.line("seals", e.seals(j.seal_range.low, j.seal_range.high)))
        body.extend(self.override(o) for o in j.overrides)
        if j.plugins:
            body.append(self.line("plugins", e.plugins(p.name for p in j.plugins)))
        body.extend(self.settings(j.settings))
        body.extend(self.line("lint_rule", e.lint_rule(x.rule, x.severity)) for x in j.lint)
        body.extend(self.matter(m) for m in j.matters)
        body.extend(self.chain(c) for c in j.chains)
        body.extend(self.hall(h) for h in j.halls)
        body.extend(self.delegation(d, i == 0) for i, d in enumerate(j.delegations))
        body.extend(self.target(t, i == 0) for i, t in enumerate(j.targets))
        body.extend(self.assessment(a) for a in j.assessments)
        body.extend(self.facts(f) for f in j.facts)
        body.extend(self.test(t) for t in j.tests)
        return self.block("jurisdiction", e.jurisdiction_header(j.name), body, blank=True)


def print_jurisdiction(j: Jurisdiction, lang: Lang = "en") -> str:
    """The canonical text of one jurisdiction block."""
    return layout([_ModelPrinter(lang).jurisdiction(j)])


def print_source_file(f: SourceFile, lang: Lang = "en") -> str:
    """The canonical text of a file: its jurisdictions, then top-level plugins, facts, tests."""
    p = _ModelPrinter(lang)
    entries: list[Entry] = [p.jurisdiction(j) for j in f.jurisdictions]
    if f.plugins:
        entries.append(p.line("plugins", p.e.plugins(u.name for u in f.plugins)))
    entries.extend(p.facts(x) for x in f.facts)
    entries.extend(p.test(t) for t in f.tests)
    return layout(entries)


# ---------------------------------------------------------------- comparing models


_SPAN_KEYS = frozenset(Span.model_fields)


def comparable(value: Any) -> Any:
    """Plain data for equality after a round trip: spans blanked, file paths dropped.

    Works on models, the builder's statements (dataclasses), and lists/tuples/dicts of them.
    """
    if isinstance(value, Span):
        return "<span>"
    if isinstance(value, BaseModel):
        data = {k: comparable(getattr(value, k)) for k in type(value).model_fields}
        if isinstance(value, Jurisdiction):
            data.pop("file")
        return (type(value).__name__, data)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: comparable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data.pop("path", None)
        data.pop("span", None)
        return (type(value).__name__, data)
    if isinstance(value, list | tuple):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        if set(value) == _SPAN_KEYS:
            return "<span>"
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, StrEnum):
        return str(value)
    return value
