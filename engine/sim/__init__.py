"""Intake simulation internals: plan (model → streams), replication loop, run metrics."""
