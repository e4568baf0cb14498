"""A fake github.com for tests: page generators (`pages`) with GitHub's markup, size and noise."""
