"""Built-in rules, metrics and calendars, registered like any third-party plugin."""
