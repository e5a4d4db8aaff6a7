"""The jurisdiction language: parse, build, resolve, validate (dsl/)."""
