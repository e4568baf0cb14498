"""Prometheus text exposition (format 0.0.4) of everything the store holds."""

from __future__ import annotations

from .store import Store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_FAMILIES = (
    ("ghcr_stats_downloads", "gauge", "Total downloads of the package, as last read from its page."),
    ("ghcr_stats_downloads_exact", "gauge", "1 if the total was read exactly, 0 if only a rounded value was shown."),
    ("ghcr_stats_downloads_fell", "gauge", "1 if the last exact total read was lower than one read before (kept, but suspect)."),
    ("ghcr_stats_downloads_last_30_days", "gauge", "Downloads over the last 30 days shown on the package page."),
    ("ghcr_stats_fetch_failures_total", "counter", "Failed attempts to read the package page."),
    ("ghcr_stats_last_success_timestamp_seconds", "gauge", "Unix time of the last successful read."),
)


def render(store: Store) -> str:
    samples: dict[str, list[str]] = {name: [] for name, _, _ in _FAMILIES}
    for key in store.index():
        owner, package = key.split("/", 1)
        labels = f'{{owner="{_escape(owner)}",package="{_escape(package)}"}}'
        m = store.latest(owner, package)
        if m is not None:
            samples["ghcr_stats_downloads"].append(f"{labels} {m.total}")
            samples["ghcr_stats_downloads_exact"].append(f"{labels} {int(m.exact)}")
            samples["ghcr_stats_downloads_fell"].append(f"{labels} {int(m.total_fell)}")
            samples["ghcr_stats_downloads_last_30_days"].append(f"{labels} {sum(c for _, c in m.daily)}")
            samples["ghcr_stats_last_success_timestamp_seconds"].append(f"{labels} {m.fetched_at:.3f}")
        samples["ghcr_stats_fetch_failures_total"].append(f"{labels} {store.failures(owner, package).count}")
    lines = []
    for name, kind, help_text in _FAMILIES:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{sample}" for sample in samples[name]]
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")
