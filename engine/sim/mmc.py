"""An M/M/c hall written in our own language: the model the engine is validated against."""

from __future__ import annotations

import math


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean queue wait W_q of an M/M/c queue (Erlang C), in the time unit of 1/lam."""
    a = lam / mu
    if a >= c:
        raise ValueError("unstable queue: arrival rate must be below c × service rate")
    top = a**c / math.factorial(c) * c / (c - a)
    bottom = sum(a**k / math.factorial(k) for k in range(c)) + top
    return (top / bottom) / (c * mu - lam)


def mmc_source(lam_per_minute: float, service_minutes: float, servers: int) -> str:
    """A one-hall, one-window, one-matter jurisdiction open 00:00–23:59 every working day."""
    open_minutes = 23 * 60 + 59
    volume = lam_per_minute * open_minutes * 250
    return f"""
jurisdiction 排队检验区 {{
  level district
  department 审批局
  domains 检验
  matter 即办事项 {{
    department 审批局  domain 检验  handling immediate  trips 1
    volume {volume:.6f} per year  service {service_minutes} minutes
    set service_distribution = "exponential"
  }}
  hall 检验大厅 {{
    hours 00:00-23:59
    window 唯一窗口 {{ kind comprehensive  domains 检验  staff {servers} }}
  }}
}}
"""
