"""Help: what each screen shows and every key, in one page; Escape closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

HELP = """\
# onewindow — keys

Press a number to change screen; `ctrl+p` opens the command palette, where every action
is listed by name. `ctrl+t` switches the light and dark themes, `ctrl+r` re-checks the
files now, `q` quits.

| key | screen | what it shows |
|-----|--------|---------------|
| `1` | Explorer | the jurisdiction tree; matters, windows, delegations, targets, assessments |
| `2` | Diagnostics | errors and lint warnings, re-checked when a file is saved |
| `3` | Simulate | the intake simulation: form, progress, tables and charts |
| `4` | Scorecard | assessment points, their explanations and source lines, targets, rankings |
| `5` | Runs | stored runs; mark two and compare them |

## Explorer

`↑ ↓` move in the tree, `tab` goes to the tables. `m w d t a` open the matters, windows,
delegations, targets and assessments tables. `enter` on a matter (or `g`) shows its full
service guide (办事指南); `escape` closes it.

## Diagnostics

`↑ ↓` pick a diagnostic: the message, the hint and the lines around it are shown below.
`f` shows all, errors only or warnings only; `r` re-checks now.

## Simulate

Fill in days, seed, replications, start and as-of day (YYYY-MM-DD) and an optional facts
file, then `F5` or `enter`. `escape` cancels a running simulation: nothing is stored. A
finished run is stored like `onewindow simulate` stores it. The tabs show the metrics with
their 95% intervals, the trips per case, the wait and the utilisation of each window, and
the on-time rate week by week.

## Scorecard

`↑ ↓` walk assessments → categories → items: the explanation beside them says which rule
gave the points, the inputs it read (facts, the model or a run) and the arithmetic, with
the rule's source lines. `enter` on an item (or `s`) opens the rule's file at its line.
`p t k` show points, target statuses and the ranking of sibling jurisdictions. Simulated
metrics come from the last run of Simulate or the run picked with `s` in Runs; `n` scores
without them.

## Runs

`space` marks a run (two at most), `c` compares the two marked runs side by side (`d`
there shows only what differs), `enter` shows every metric of a run, `s` scores the tree
with the highlighted run, `r` reads the list again.
"""


class HelpScreen(ModalScreen[None]):
    """The help page over the current screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP, id="help-text")
        yield Footer()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
