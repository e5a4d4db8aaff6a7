"""Bar and line charts drawn by plotext (textual-plotext), with ASCII ticks and a legend table.

Plotext lays out one character per cell, so Chinese names on an axis break its frame: the
charts take short ASCII ticks (`W1`, `W2` …) and the screen shows the names in a legend.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot


class BarChart(PlotextPlot):
    """Vertical bars, one per tick; shows a notice instead of an empty frame."""

    def show_bars(
        self,
        ticks: Sequence[str],
        values: Sequence[float | None],
        *,
        title: str,
        ylabel: str = "",
        upper: float | None = None,
    ) -> None:
        """Draw `values` (None drawn as 0) over `ticks`; `upper` fixes the top of the y axis."""
        plt = self.plt
        plt.clear_figure()
        plt.title(title if ticks else f"{title} — no data")
        if ticks:
            plt.bar(list(ticks), [v or 0.0 for v in values], width=0.6)
            top = upper if upper is not None else max([v or 0.0 for v in values] + [1.0]) * 1.1
            plt.ylim(0, top)
        if ylabel:
            plt.ylabel(ylabel)
        self.refresh()


class LineChart(PlotextPlot):
    """One line over labelled x positions (e.g. weeks of the simulated period)."""

    def show_line(
        self,
        ticks: Sequence[str],
        values: Sequence[float | None],
        *,
        title: str,
        ylabel: str = "",
        lower: float | None = None,
        upper: float | None = None,
    ) -> None:
        """Draw the points that have a value, joined; every tick labels its position."""
        plt = self.plt
        plt.clear_figure()
        plt.title(title if ticks else f"{title} — no data")
        xs = [i for i, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        if xs:
            plt.plot(xs, ys, marker="braille")
            plt.scatter(xs, ys, marker="●")
            step = max(1, len(ticks) // 8)
            shown = list(range(0, len(ticks), step))
            plt.xticks(shown, [ticks[i] for i in shown])
            plt.xlim(-0.5, len(ticks) - 0.5)
            if lower is not None or upper is not None:
                plt.ylim(lower, upper)
        if ylabel:
            plt.ylabel(ylabel)
        self.refresh()
