"""Built-in calendar plugin: `calendar cn` (or `calendar 中国`), China's statutory working days."""

from __future__ import annotations

from onewindow.engine.calendar import CalendarProvider
from onewindow.engine.calendars_cn import NAMES, cn_calendar
from onewindow.plugins.hookspecs import hookimpl


@hookimpl
def onewindow_calendar(name: str) -> CalendarProvider | None:
    """The CN statutory calendar (法定节假日 and 调休) for "cn" and "中国", else None."""
    return cn_calendar() if name in NAMES else None
