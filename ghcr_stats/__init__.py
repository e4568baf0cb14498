"""ghcr-stats: download statistics for GitHub Container Registry packages.

The package is plain Python: it imports and runs in CPython. Host capabilities (outbound
HTTP, key-value, variables, the HTML parser) come in through `ghcr_stats.adapters`.
"""
