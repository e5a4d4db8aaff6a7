"""Reading a township's grid settings (网格, 联网格干部) from the model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from onewindow.dsl.model import Jurisdiction, Setting

GRIDS = "grids"
CADRES = "grid_cadres"
CADRES_METRIC = "grid_cadre_count"
VISITS_METRIC = "grid_visits_logged"


def own_setting(j: Jurisdiction, key: str) -> Setting | None:
    """The jurisdiction's own `set KEY = …` line (the last one wins), or None."""
    found = None
    for s in j.settings:
        if s.key == key:
            found = s
    return found


def whole_number(value: Any) -> int | None:
    """A positive whole number written as a `set` value, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value <= 0 or float(value) != int(value):
        return None
    return int(value)


def grid_cadre_count(
    workspace: Any, jurisdiction: str, as_of: dt.date | None, subject: str | None = None
) -> float | None:
    """Static metric `grid_cadre_count`: the township's own `set grid_cadres`, else None."""
    s = own_setting(workspace.jurisdictions[jurisdiction], CADRES)
    n = None if s is None else whole_number(s.value)
    return None if n is None else float(n)
