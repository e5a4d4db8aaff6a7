"""Parse `.ow` text into items (or a lark tree), recovering from syntax errors so one run
reports many."""

from __future__ import annotations

import re

from lark import Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternRE

from onewindow.dsl.build import TopItem, transform
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.fast_parse import MAX_FAST_PARENTHESES, build_fast
from onewindow.dsl.grammar import Grammar, grammar
from onewindow.dsl.model import Span

MAX_SYNTAX_ERRORS = 20

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


def parse_items(text: str, path: str) -> tuple[list[TopItem] | None, list[Diagnostic]]:
    """Parse and build one file: its top-level items (None when nothing parses) and every
    syntax and build diagnostic.

    A clean text takes the fast loop (dsl/fast_parse.py); any other goes through lark with
    error recovery (`parse_text`) and the Transformer.

    :raises RecursionError: nesting too deep to build (callers report OW007).
    """
    if "\x00" not in text and text.count("(") <= MAX_FAST_PARENTHESES:
        try:
            return build_fast(text, path)
        except Exception:  # not clean: the slow path says why, in the user's terms
            pass
    tree, syntax = parse_text(text, path)
    if tree is None:
        return None, syntax
    items, built = transform(tree, path)
    return items, syntax + built


def parse_text(text: str, path: str) -> tuple[Tree | None, list[Diagnostic]]:
    """Parse one file's text; return the tree of what parses plus every syntax diagnostic."""
    g = grammar()
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
