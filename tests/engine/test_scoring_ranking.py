"""Competition ranking (排名) of sibling jurisdictions and the bottom-N cut with ties."""

from __future__ import annotations

from onewindow.engine.scoring import competition_rank


def ranks(totals: list[tuple[str, float]], bottom: int = 0) -> list[tuple[str, int, bool]]:
    return [(e.jurisdiction, e.rank, e.flagged) for e in competition_rank(totals, bottom)]


def test_equal_totals_share_the_better_rank_and_skip_the_next() -> None:
    got = ranks([("甲", 90), ("乙", 100), ("丙", 90), ("丁", 80)])
    assert [(n, r) for n, r, _ in got] == [("乙", 1), ("丙", 2), ("甲", 2), ("丁", 4)]


def test_bottom_n_includes_everyone_tied_at_the_cut() -> None:
    got = ranks([("甲", 90), ("乙", 100), ("丙", 80), ("丁", 80), ("戊", 95)], bottom=1)
    assert {n for n, _, f in got if f} == {"丙", "丁"}  # two share the lowest total
    got = ranks([("甲", 90), ("乙", 100), ("丙", 80), ("丁", 70)], bottom=2)
    assert {n for n, _, f in got if f} == {"丙", "丁"}


def test_bottom_zero_flags_none_and_bottom_beyond_all_flags_all() -> None:
    assert not any(f for _, _, f in ranks([("甲", 1), ("乙", 2)], bottom=0))
    assert all(f for _, _, f in ranks([("甲", 1), ("乙", 2)], bottom=5))


def test_float_noise_does_not_break_a_tie() -> None:
    got = ranks([("甲", 0.1 + 0.2), ("乙", 0.3), ("丙", 0.2)], bottom=1)
    assert [r for _, r, _ in got] == [1, 1, 3]


def test_all_tied_all_rank_first() -> None:
    got = ranks([("甲", 80), ("乙", 80), ("丙", 80)], bottom=2)
    assert [(r, f) for _, r, f in got] == [(1, True)] * 3


def test_empty_ranking() -> None:
    assert competition_rank([], 2) == ()
