"""Command line: the one place that prints (a view over the engine)."""
