import pytest

from ghcr_stats.config import ConfigError, Settings

DEFAULTS = {
    "owner": "fluxcd", "upstream": "https://github.com", "cache_ttl": "3600", "refresh_interval": "3600", "history_limit": "1000",
    "max_concurrency": "8", "page_max_bytes": "5000000", "fetch_timeout": "10", "max_backoff": "3600", "fetch_deadline": "30", "failure_backoff": "30",
    "upstream_budget": "60", "other_owners": "packages", "forwarded_headers": "ignore",
}


def test_settings_from_string_variables():
    s = Settings.load({**DEFAULTS, "cache_ttl": "60"}.__getitem__)
    assert s == Settings(cache_ttl=60)


def test_spin_toml_declares_every_setting_with_the_same_defaults():
    import tomllib

    with open("spin.toml", "rb") as f:
        manifest = tomllib.load(f)
    declared = {k: v["default"] for k, v in manifest["variables"].items()}
    assert declared == DEFAULTS
    assert Settings.load(declared.__getitem__) == Settings()
    assert set(manifest["component"]["ghcr-stats"]["variables"]) == set(DEFAULTS)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("cache_ttl", "an hour", "whole number"),
        ("max_concurrency", "0", "at least 1"),
        ("owner", "-bad-", "invalid owner"),
        ("upstream", "ftp://github.com", "http"),
        ("upstream", "https://github.com/orgs", "origin"),
        ("forwarded_headers", "yes", "'ignore' or 'trust'"),
    ],
)
def test_bad_variables_are_refused_with_the_reason(name, value, message):
    with pytest.raises(ConfigError, match=message):
        Settings.load({**DEFAULTS, name: value}.__getitem__)


def test_the_edges_of_what_is_accepted():
    ints = {name: "1" for name, v in DEFAULTS.items() if v.isdigit()}
    s = Settings.load({**DEFAULTS, **ints, "upstream": "http://127.0.0.1:8080"}.__getitem__)
    assert (s.cache_ttl, s.max_concurrency, s.upstream) == (1, 1, "http://127.0.0.1:8080")
    assert Settings.load({**DEFAULTS, "upstream": "https://github.com/"}.__getitem__).upstream == "https://github.com/"


def test_spin_watch_covers_every_source_make_build_reads():
    import glob
    import subprocess
    import tomllib

    with open("spin.toml", "rb") as f:
        watch = tomllib.load(f)["component"]["ghcr-stats"]["build"]["watch"]
    watched = {p for pattern in watch for p in glob.glob(pattern, recursive=True)}
    tracked = subprocess.run(["git", "ls-files", "app.py", "ghcr_stats", "wit", "components", "Cargo.toml", "Cargo.lock"], capture_output=True, text=True, check=True).stdout.split()
    # What the components' builds read: their sources, manifests and WIT (not their tests or
    # examples, nor the test clock, which only `make test` builds).
    built = [
        p for p in tracked
        if p.endswith((".py", ".rs", ".wit", "Cargo.toml", "Cargo.lock"))
        and "/tests/" not in p and "/examples/" not in p and not p.startswith("components/test-clock/")
    ]
    assert len(built) > 30
    assert [p for p in built if p not in watched] == []
