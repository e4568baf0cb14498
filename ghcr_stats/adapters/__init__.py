"""Host adapters: the capabilities `ghcr_stats.host` asks for, as each host provides them."""
