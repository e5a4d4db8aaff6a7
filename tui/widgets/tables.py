"""Filling a DataTable from rows of values, keeping the cursor on the same row when it can."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable

#: Column labels shown right-aligned (numbers).
NUMERIC = frozenset({"staff", "value", "95% CI", "n", "points", "max", "cases", "rank", "seed"})


def cell(value: object) -> Text:
    """A cell as text (never parsed as markup: names may hold brackets)."""
    if isinstance(value, Text):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Text(f"{value:g}", justify="right")
    return Text(str(value))


def fill(
    table: DataTable,
    columns: Sequence[str],
    rows: Iterable[tuple[str, Sequence[object]]],
    numeric: Iterable[str] = (),
) -> None:
    """Replace the table's columns and rows; `rows` are (key, values) pairs."""
    keep = None
    if table.row_count:
        try:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # the cursor may sit outside a table being rebuilt
            keep = None
    right = NUMERIC | set(numeric)
    table.clear(columns=True)
    for name in columns:
        label = Text(name, justify="right") if name in right else name
        table.add_column(label, key=name)
    for key, values in rows:
        table.add_row(*(cell(v) for v in values), key=key)
    if keep is not None and keep in {k.value for k in table.rows}:
        table.move_cursor(row=table.get_row_index(keep))
