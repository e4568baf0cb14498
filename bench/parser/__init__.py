"""The parser benchmark: `make bench-parser` (run.py)."""
