"""Benchmarks: the parser (parser/), the language matrix (matrix/), the served app (service/)."""
