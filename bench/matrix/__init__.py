"""The benchmark matrix: `make bench` (run.py, bench/README.md)."""
