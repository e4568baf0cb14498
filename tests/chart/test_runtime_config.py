"""The runtime config the chart produces for Redis is what Spin expects for a `redis` key-value store.

The spin-operator turns `spec.runtimeConfig.keyValueStores` into the TOML file Spin reads
(`/runtime-config.toml` in the pod): one `[key_value_store.<name>]` table per store, holding
`type` and each option as `name = value`, a `valueFrom` resolved from its Secret or ConfigMap.
`operator_runtime_config` does the same here, then the TOML is checked against Spin's redis
store: `type = "redis"` and a `url` (Spin's RedisKeyValueRuntimeConfig has that one field),
under the label the app opens (`default`, spin.toml's `key_value_stores`).
"""

from __future__ import annotations

import base64
import json
import tomllib
from urllib.parse import urlsplit

import pytest

from tests.chart.chartlib import NAMESPACE, ROOT, VALUE_SETS

SPIN_TOML = tomllib.loads((ROOT / "spin.toml").read_text())


def operator_runtime_config(spinapp: dict, secrets: dict[str, dict[str, str]]) -> str:
    """The runtime-config.toml the operator would write for `spinapp` (key-value part)."""
    lines: list[str] = []
    for store in spinapp["spec"].get("runtimeConfig", {}).get("keyValueStores", []):
        lines.append(f"[key_value_store.{store['name']}]")
        lines.append(f"type = {json.dumps(store['type'])}")
        for option in store.get("options", []):
            if "valueFrom" in option:
                ref = option["valueFrom"]["secretKeyRef"]
                value = secrets[ref["name"]][ref["key"]]  # KeyError: the Secret or key is not there
            else:
                value = option["value"]
            lines.append(f"{option['name']} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


def secrets_of(rendered) -> dict[str, dict[str, str]]:
    return {
        s["metadata"]["name"]: {k: base64.b64decode(v).decode() for k, v in s.get("data", {}).items()}
        for s in rendered.of("Secret")
    }


def check_spin_redis_store(toml_text: str) -> dict:
    """Assert what Spin needs for a redis key-value store; return the store's table."""
    config = tomllib.loads(toml_text)
    assert set(config) == {"key_value_store"}
    stores = config["key_value_store"]
    # The label the app opens; spin.toml grants the component exactly that store.
    assert set(stores) == {"default"}
    assert SPIN_TOML["component"]["ghcr-stats"]["key_value_stores"] == ["default"]
    store = stores["default"]
    assert store["type"] == "redis"
    assert set(store) == {"type", "url"}, "Spin's redis store takes a url and nothing else"
    url = urlsplit(store["url"])
    assert url.scheme in ("redis", "rediss") and url.hostname, store["url"]
    return store


def test_defaults_leave_spins_default_store(rendered):
    assert operator_runtime_config(rendered["defaults"].spinapp, {}) == ""


def test_external_redis_secret(rendered):
    secrets = {"ghcr-stats-redis-url": {"url": "rediss://:pw@redis.example.net:6380/2"}}
    toml_text = operator_runtime_config(rendered["three-replicas-external-redis"].spinapp, secrets)
    assert toml_text.startswith('[key_value_store.default]\ntype = "redis"\nurl = "rediss://')
    assert check_spin_redis_store(toml_text)["url"] == "rediss://:pw@redis.example.net:6380/2"


def test_external_redis_url_in_the_values(render):
    spinapp = render({"replicas": 2, "externalRedis": {"url": "redis://redis.cache.svc:6379"}}).spinapp
    assert check_spin_redis_store(operator_runtime_config(spinapp, {}))["url"] == "redis://redis.cache.svc:6379"


@pytest.mark.parametrize("name", ["three-replicas-bundled-redis", "autoscaling", "own-service-and-ingress"])
def test_bundled_redis_url_reaches_the_bundled_redis(rendered, name):
    r = rendered[name]
    store = check_spin_redis_store(operator_runtime_config(r.spinapp, secrets_of(r)))
    url = urlsplit(store["url"])

    service = r.one("Service", "ghcr-stats-redis")
    assert (url.scheme, url.path) == ("redis", "/0")  # no TLS on the bundled Redis; its first database
    assert url.hostname == f"{service['metadata']['name']}.{NAMESPACE}.svc"
    assert url.port == service["spec"]["ports"][0]["port"] == 6379

    pod = r.one("Deployment", "ghcr-stats-redis")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert service["spec"]["ports"][0]["targetPort"] in [p["name"] for p in container["ports"]]
    # The password in the URL is the one Redis requires.
    password = secrets_of(r)["ghcr-stats-redis"]["redis-password"]
    given = VALUE_SETS[name]["redis"].get("auth", {}).get("password")
    assert url.password == password
    assert password == given if given else (len(password), password.isalnum()) == (32, True)  # randAlphaNum 32: safe in a URL
    assert container["args"][-2:] == ["--requirepass", "$(REDIS_PASSWORD)"]
    assert container["env"] == [{
        "name": "REDIS_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "ghcr-stats-redis", "key": "redis-password"}},
    }]


def test_bundled_redis_keeps_a_given_password(rendered):
    r = rendered["own-service-and-ingress"]
    assert urlsplit(secrets_of(r)["ghcr-stats-redis"]["redis-url"]).password == "s3cret-Pass"


def test_bundled_redis_without_auth(render):
    r = render({"replicas": 2, "redis": {"enabled": True, "auth": {"enabled": False}}})
    store = check_spin_redis_store(operator_runtime_config(r.spinapp, secrets_of(r)))
    assert store["url"] == f"redis://ghcr-stats-redis.{NAMESPACE}.svc:6379/0"
    container = r.one("Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert "--requirepass" not in container["args"] and "env" not in container
