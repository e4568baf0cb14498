"""Prometheus text exposition (format 0.0.4) of everything the store holds."""

from __future__ import annotations

from ..model import Tracked

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Names follow Prometheus' conventions (`promtool check metrics` runs on them in the tests):
# counters end in _total, no units but base ones, labels of bounded sets only.
_FAMILIES = (
    ("ghcr_stats_downloads_total", "counter", "Total downloads of the package, as last read from its page."),
    ("ghcr_stats_downloads_exact", "gauge", "1 if the total was read exactly, 0 if only a rounded value was shown."),
    ("ghcr_stats_downloads_fell", "gauge", "1 if the last exact total read was lower than one read before (kept, but suspect)."),
    ("ghcr_stats_recent_downloads", "gauge", "Downloads over the 30 days of the package page's chart, today's included."),
    ("ghcr_stats_fetch_failures_total", "counter", "Failed reads of the package page, by reason."),
    ("ghcr_stats_parse_warnings", "gauge", "Values the last read of the package page could not read and left out, by field (absent: none)."),
    ("ghcr_stats_last_success_timestamp_seconds", "gauge", "Unix time of the last successful read."),
)


def render(tracked: list[Tracked]) -> str:
    samples: dict[str, list[str]] = {name: [] for name, _, _ in _FAMILIES}
    for t in tracked:
        labels = f'{{owner="{_escape(t.ref.owner)}",package="{_escape(t.ref.name)}"}}'
        if (m := t.measurement) is not None:
            samples["ghcr_stats_downloads_total"].append(f"{labels} {m.page.total_downloads}")
            samples["ghcr_stats_downloads_exact"].append(f"{labels} {int(m.page.total_exact)}")
            samples["ghcr_stats_downloads_fell"].append(f"{labels} {int(m.total_fell)}")
            samples["ghcr_stats_recent_downloads"].append(f"{labels} {m.page.last_30_days}")
            samples["ghcr_stats_last_success_timestamp_seconds"].append(f"{labels} {m.fetched_at:.3f}")
            fields = [w.field for w in m.page.warnings]
            for f in sorted(set(fields)):
                samples["ghcr_stats_parse_warnings"].append(labels[:-1] + f',field="{_escape(f)}"}} {fields.count(f)}')
        for reason, count in sorted(t.failures.by_reason.items()):
            reason_labels = labels[:-1] + f',reason="{_escape(reason)}"}}'
            samples["ghcr_stats_fetch_failures_total"].append(f"{reason_labels} {count}")
    lines = []
    for name, kind, help_text in _FAMILIES:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{sample}" for sample in samples[name]]
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")
