"""Scoring: metrics from three sources, rule kinds, scorecards with explanations.

Entry points: `score_tree` (scorecards, target statuses, rankings of a checked tree) and
`run_tests` (the in-file tests and their coverage). Semantics: docs/scoring.md.
"""

from onewindow.engine.scoring.kinds import RuleContext, RuleResult
from onewindow.engine.scoring.metrics import FactsIndex, MetricResolver, SimulatedValues
from onewindow.engine.scoring.ranking import RankEntry, RankingResult, competition_rank
from onewindow.engine.scoring.rules import ScoringError
from onewindow.engine.scoring.score import Scorer, ScoreReport, score_tree
from onewindow.engine.scoring.scorecard import (
    AssessmentScore,
    CategoryScore,
    Explanation,
    Input,
    Item,
    Scorecard,
    fmt,
)
from onewindow.engine.scoring.targets import TargetLine
from onewindow.engine.scoring.tests import TestResult, TestRun, run_tests

__all__ = [
    "AssessmentScore",
    "CategoryScore",
    "Explanation",
    "FactsIndex",
    "Input",
    "Item",
    "MetricResolver",
    "RankEntry",
    "RankingResult",
    "RuleContext",
    "RuleResult",
    "ScoreReport",
    "Scorecard",
    "Scorer",
    "ScoringError",
    "SimulatedValues",
    "TargetLine",
    "TestResult",
    "TestRun",
    "competition_rank",
    "fmt",
    "run_tests",
    "score_tree",
]
