"""Built-in observed metrics: values written in `facts` blocks (inspections, surveys, counts)."""

from __future__ import annotations

from onewindow.plugins.api import MetricSpec
from onewindow.plugins.hookspecs import hookimpl

SPECS: list[MetricSpec] = [
    MetricSpec(
        "standard_village_room_share",
        "fact",
        "share of village service rooms built to standard (规范化村级便民服务室占比)",
        "%",
        True,
    ),
    MetricSpec(
        "village_room_coverage",
        "fact",
        "share of administrative villages with a service room (便民服务室覆盖率)",
        "%",
        True,
    ),
    MetricSpec(
        "double_random_share",
        "fact",
        "share of enterprises covered by double-random inspections (双随机抽查覆盖企业比例)",
        "%",
        True,
    ),
    MetricSpec(
        "cross_department_share",
        "fact",
        "share of joint cross-department inspections (跨部门联合抽查占比)",
        "%",
        True,
    ),
    MetricSpec(
        "grid_visits_per_cadre_month",
        "fact",
        "grid visits per cadre per grid per month (网格走访)",
        "visits",
    ),
    MetricSpec(
        "enterprise_visits_per_month",
        "fact",
        "enterprise liaison visits per month (企业联点)",
        "visits",
    ),
    MetricSpec("good_rating_share", "fact", "share of good ratings in 好差评", "%", True),
    MetricSpec("hotline_on_time_share", "fact", "12345 hotline tickets closed on time", "%", True),
    MetricSpec(
        "guide_elements_complete",
        "fact",
        "service-guide elements filled in, of the 37 required (办事指南37个要素)",
        "elements",
    ),
    MetricSpec("rank_position", "fact", "position in a ranking of sibling jurisdictions", "rank"),
]


@hookimpl
def onewindow_metrics() -> list[MetricSpec]:
    return SPECS
