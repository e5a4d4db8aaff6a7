"""The registry of diagnostic codes (诊断代码): one row per code, never reused once published.

Every code a stage emits is listed here with its title, severity, status and a one-line
summary; each has a page `docs/diagnostics/OWnnn.md`. A test checks both directions.

Numbering, by what the code is about:

- OW001–OW099: reading files and syntax (parse, load)
- OW101–OW109: a name that points at nothing (unknown department, matter, metric …)
- OW110–OW119: duplicates and missing statements
- OW120–OW129: values out of range (limits, percentages, dates, hours, ranges)
- OW130–OW139: delegation (下放) and approval seals
- OW140–OW149: the tree: parents, levels, includes and fragments
- OW150–OW159: plugins and their settings and rule kinds
- OW160–OW169: assessments (考核)
- OW170–OW179: overlays (reforms applied on top of a tree)
- OW200–OW299: lint rules from the seed documents (`onewindow lint`, built-in plugins)

Status: `stable` codes keep their meaning; `preview` codes may still change meaning or
severity; `removed` codes are no longer emitted and their number is never given to
another problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from onewindow.dsl.diagnostics import Severity


class Status(StrEnum):
    stable = "stable"
    preview = "preview"
    removed = "removed"


@dataclass(frozen=True)
class CodeInfo:
    """One registered code: what the problem is called, how bad it is, and its status."""

    code: str
    title: str
    severity: Severity
    status: Status
    summary: str

    @property
    def doc_path(self) -> str:
        """The code's page, relative to the repository root."""
        return f"docs/diagnostics/{self.code}.md"


_E, _W = Severity.error, Severity.warning
_STABLE, _PREVIEW = Status.stable, Status.preview

_TABLE: tuple[tuple[str, str, Severity, Status, str], ...] = (
    # ------------------------------------------------------------ files and syntax
    ("OW001", "unexpected token", _E, _STABLE,
     "A word or sign stands where the language expects something else."),
    ("OW002", "unexpected end of file", _E, _STABLE,
     "The file ends inside a block (a '{' never closed) or in the middle of a statement."),
    ("OW003", "unterminated text", _E, _STABLE,
     "A quoted text opens with '\"' but does not close on the same line."),
    ("OW004", "invalid character", _E, _STABLE,
     "A character the language cannot read: curly quotes, stray signs, or a NUL byte."),
    ("OW005", "unreadable file", _E, _STABLE,
     "The file cannot be read, or is not saved as UTF-8 text."),
    ("OW006", "file too large", _E, _STABLE,
     "The file is larger than the 64 MB limit; split it with 'include'."),
    ("OW007", "nesting too deep", _E, _STABLE,
     "Blocks or parenthesised chain steps are nested too deeply to be read."),
    ("OW010", "incomplete statement", _E, _STABLE,
     "A statement stops before its required parts (e.g. 'limit legal' without the days)."),
    ("OW012", "unknown statement", _E, _STABLE,
     "A line starts with a word that is not a statement keyword of the block."),
    # ------------------------------------------------------------ unknown names
    ("OW101", "unknown word", _E, _STABLE,
     "A word is not in its fixed list (level, matter type, window kind, handling …)."),
    ("OW102", "unknown department", _E, _STABLE,
     "A department is used but not declared in the jurisdiction or an ancestor."),
    ("OW103", "unknown matter", _E, _STABLE,
     "A matter or chain is named that the jurisdiction neither declares nor receives."),
    ("OW104", "unknown domain", _E, _STABLE,
     "A service domain is used but not declared with 'domains' here or in an ancestor."),
    ("OW105", "unknown jurisdiction", _E, _STABLE,
     "A parent, delegation target, facts or test names a jurisdiction not in the tree."),
    ("OW106", "unknown metric", _E, _STABLE,
     "A target, rule or fact names a metric that no loaded plugin provides."),
    ("OW107", "unknown calendar", _E, _STABLE,
     "A jurisdiction names a working-day calendar that no loaded plugin provides."),
    # ------------------------------------------------------------ duplicates and missing
    ("OW110", "duplicate name", _E, _STABLE,
     "Two things of one kind share a name in one place (jurisdictions, departments …)."),
    ("OW111", "duplicate matter code", _E, _STABLE,
     "Two matters of one jurisdiction carry the same catalogue code."),
    ("OW112", "statement given twice", _E, _STABLE,
     "A statement that takes one value (level, handling, fee …) appears twice in a block."),
    ("OW113", "missing level", _E, _STABLE,
     "A jurisdiction does not say its administrative level."),
    # ------------------------------------------------------------ values
    ("OW120", "promised limit longer than legal", _E, _STABLE,
     "A promised time limit (承诺时限) exceeds the legal one (法定时限)."),
    ("OW121", "percentage outside 0–100", _E, _STABLE,
     "A share, target, threshold or weight is below 0% or above 100%."),
    ("OW122", "invalid date", _E, _STABLE,
     "A date does not exist (2019-02-30) or a date range ends before it starts."),
    ("OW123", "invalid opening hours", _E, _STABLE,
     "An opening period is not a valid 24-hour time range, or ends before it starts."),
    ("OW124", "test without as-of date", _E, _STABLE,
     "An in-file test does not say on which date it is evaluated."),
    ("OW125", "inconsistent range", _E, _STABLE,
     "A range's bounds are the wrong way round: a seal range, or a floor above the max."),
    # ------------------------------------------------------------ delegation and seals
    ("OW130", "delegation to a non-child", _E, _STABLE,
     "A matter is delegated to a jurisdiction that is not a direct child."),
    ("OW131", "delegating a matter not held", _E, _STABLE,
     "A jurisdiction delegates a matter it neither declares nor has received."),
    ("OW132", "handling a parent's matter without delegation", _E, _STABLE,
     "A jurisdiction uses or declares a higher level's matter that was not delegated to it."),
    ("OW133", "seal number reused", _E, _STABLE,
     "One approval seal number is given to two different sets of townships."),
    ("OW134", "seal outside declared range", _E, _STABLE,
     "A delegation's seal number lies outside the jurisdiction's 'seals' range."),
    # ------------------------------------------------------------ the tree
    ("OW140", "parent cycle", _E, _STABLE,
     "Parents form a loop: a jurisdiction would be its own ancestor."),
    ("OW141", "include cycle", _E, _STABLE,
     "Files include each other in a loop."),
    ("OW142", "include leaves the root", _E, _STABLE,
     "An include points outside the folder that holds onewindow.toml."),
    ("OW143", "include not found", _E, _STABLE,
     "An included file does not exist."),
    ("OW144", "level not below parent's", _E, _STABLE,
     "A jurisdiction's level is not below its parent's level."),
    ("OW145", "item outside a jurisdiction block", _E, _STABLE,
     "A statement that belongs to a jurisdiction stands at the top of a file no one includes."),
    ("OW146", "jurisdiction inside a fragment", _E, _STABLE,
     "A file included inside a jurisdiction block itself declares a jurisdiction."),
    # ------------------------------------------------------------ plugins
    ("OW150", "plugin not available", _E, _PREVIEW,
     "A 'plugins' line names a plugin that cannot be imported."),
    ("OW151", "setting no plugin reads", _W, _PREVIEW,
     "A 'set' line uses a key no loaded plugin reads (often a misspelling)."),
    ("OW152", "unknown rule kind", _E, _PREVIEW,
     "A 'rule' in an assessment names a kind no loaded plugin provides."),
    # ------------------------------------------------------------ assessments
    ("OW160", "fold into unknown assessment", _E, _STABLE,
     "'folds into' names an assessment not declared here or in an ancestor."),
    # ------------------------------------------------------------ overlays
    ("OW170", "overlay changes an unknown jurisdiction", _E, _STABLE,
     "An overlay (reform) file names a jurisdiction the base tree does not declare."),
    ("OW171", "overlay item outside a jurisdiction", _E, _STABLE,
     "An overlay file has a statement outside 'jurisdiction NAME { … }'."),
    # ------------------------------------------------------------ lint rules (plugins)
    ("OW200", "lint line names no rule", _W, _PREVIEW,
     "A 'lint' line names a code or rule name no loaded lint rule has."),
    ("OW201", "catch-all wording", _W, _PREVIEW,
     "A material or condition uses vague catch-all wording (等, 其他, 相关, 其他材料)."),
    ("OW202", "single-matter window", _W, _PREVIEW,
     "A window takes only one matter where comprehensive windows are required."),
    ("OW203", "township center lacks an all-round or agency window", _W, _PREVIEW,
     "A township center has no 全能 window or no 帮办代办 window."),
    ("OW204", "promise no shorter than the law", _W, _PREVIEW,
     "A promised limit is not shorter than the legal limit."),
    ("OW205", "high-volume matter neither immediate nor deferrable", _W, _PREVIEW,
     "A busy matter is neither 即办 nor accepts any material under 容缺."),
    ("OW206", "matter pushed up from a township", _W, _PREVIEW,
     "A matter delegated to a township is still handled above it."),
    ("OW207", "beyond delegation", _W, _PREVIEW,
     "A township handles a district matter beyond its delegation."),
    ("OW208", "shareable material asked of the applicant", _W, _PREVIEW,
     "A material the tree obtains by data sharing is still required from the applicant."),
    ("OW209", "chain asks for a material twice", _W, _PREVIEW,
     "Steps of a 一件事 chain repeat the same material."),
    ("OW210", "missing 三级十同 elements", _W, _PREVIEW,
     "A matter lacks one of the ten 三级十同 elements."),
    ("OW211", "delegation coverage gap or overlap", _W, _PREVIEW,
     "A matter is handled by no level, or by two, for a township on a date."),
)  # fmt: skip

CODES: dict[str, CodeInfo] = {row[0]: CodeInfo(*row) for row in _TABLE}


def lookup(code: str) -> CodeInfo | None:
    """The registered code (`lookup("ow102")` works too), or None if it was never issued."""
    return CODES.get(code.strip().upper())


def all_codes() -> list[CodeInfo]:
    """Every registered code, removed ones included, in code order."""
    return [CODES[c] for c in sorted(CODES)]
