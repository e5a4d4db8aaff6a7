"""Scoring: metrics from three sources, rule kinds, scorecards with explanations."""
