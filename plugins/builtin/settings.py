"""Built-in `set` keys read by the simulation and the built-in rules."""

from __future__ import annotations

from onewindow.plugins.api import SettingSpec
from onewindow.plugins.hookspecs import hookimpl

SPECS: list[SettingSpec] = [
    SettingSpec(
        "complete_share",
        "share (0–100) of applicants arriving with complete materials",
        ("jurisdiction", "matter"),
    ),
    SettingSpec(
        "one_time_notice",
        "true when one-time notification (一次告知) is practised",
        ("jurisdiction", "hall"),
    ),
    SettingSpec(
        "arrival_channel_share",
        "share of applicants using a channel (hall, online, agent)",
        ("jurisdiction", "matter"),
    ),
    SettingSpec("grid_cadres", "cadres doing grid visits (网格干部)", ("jurisdiction",)),
    SettingSpec("grids", "number of grids (网格) in the jurisdiction", ("jurisdiction",)),
    SettingSpec("villages", "number of villages or communities (村居)", ("jurisdiction",)),
    SettingSpec(
        "mail_share", "share of results mailed free (EMS免费邮寄)", ("jurisdiction", "matter")
    ),
]


@hookimpl
def onewindow_settings() -> list[SettingSpec]:
    return SPECS
