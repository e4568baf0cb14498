"""The rendered values that decide who can reach what, and whether probes and `helm test` ask the
right thing: each asserted whole, as literals, so that one changed, widened or removed fails.

Who may reach the app through a LoadBalancer (its source ranges); who may reach Redis (its
NetworkPolicy, all of it, and the port it opens); what the probes and the test Pod ask, and that
the app answers those paths as they need (the probes without the store; `helm test` with what it
greps for); where the schedule POSTs.
"""

from __future__ import annotations

import asyncio
import shlex

import pytest

from ghcr_stats import service
from ghcr_stats.config import Settings
from ghcr_stats.host import Host, StoreError
from testkit.cpython import Clock, DictKV
from tests.chart.chartlib import VALUE_SETS

APP_PODS = {"app.kubernetes.io/name": "ghcr-stats", "app.kubernetes.io/instance": "ghcr-stats", "app.kubernetes.io/component": "app"}
REDIS_PODS = {"app.kubernetes.io/name": "ghcr-stats", "app.kubernetes.io/instance": "ghcr-stats", "app.kubernetes.io/component": "redis"}


# -- who may reach the app -------------------------------------------------------------------------


def test_a_load_balancer_admits_exactly_the_source_ranges_given(render):
    ranges = ["192.0.2.0/24", "2001:db8::/32"]
    svc = render({"service": {"enabled": True, "type": "LoadBalancer", "loadBalancerSourceRanges": ranges}}).one("Service")
    assert svc["spec"] == {
        "type": "LoadBalancer",
        "loadBalancerSourceRanges": ["192.0.2.0/24", "2001:db8::/32"],
        "selector": APP_PODS,
        "ports": [{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"}],
    }


def test_source_ranges_are_for_a_load_balancer_only(render):
    svc = render({"service": {"enabled": True, "type": "NodePort", "loadBalancerSourceRanges": ["192.0.2.0/24"]}}).one("Service")
    assert "loadBalancerSourceRanges" not in svc["spec"]  # Kubernetes ignores them there: none written


# -- who may reach Redis ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_every_network_policy_is_redis_and_admits_only_the_app_on_6379(rendered, name):
    r = rendered[name]
    redis = VALUE_SETS[name].get("redis", {}).get("enabled", False)
    assert [p["metadata"]["name"] for p in r.of("NetworkPolicy")] == (["ghcr-stats-redis"] if redis else [])
    if not redis:
        return
    assert r.one("NetworkPolicy")["spec"] == {
        "podSelector": {"matchLabels": REDIS_PODS},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchLabels": APP_PODS}}], "ports": [{"port": "redis", "protocol": "TCP"}]}],
    }
    # The port it names is Redis' own, the one the app's URL and the Service use.
    redis_pod = r.one("Deployment", "ghcr-stats-redis")["spec"]["template"]
    assert redis_pod["metadata"]["labels"] == REDIS_PODS
    assert redis_pod["spec"]["containers"][0]["ports"] == [{"name": "redis", "containerPort": 6379, "protocol": "TCP"}]
    assert r.one("Service", "ghcr-stats-redis")["spec"]["ports"] == [{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}]
    assert r.spinapp["spec"]["podLabels"] == APP_PODS  # the pods the policy admits are the app's


def test_the_network_policy_can_be_left_out_and_only_then(render):
    on = render({"replicas": 2, "redis": {"enabled": True}})
    off = render({"replicas": 2, "redis": {"enabled": True, "networkPolicy": {"enabled": False}}})
    assert [len(on.of("NetworkPolicy")), len(off.of("NetworkPolicy"))] == [1, 0]


# -- probes and `helm test` --------------------------------------------------------------------------


def answer(path: str, kv) -> service.Response:
    host = Host(Settings(), None, kv, None, Clock())
    return asyncio.run(service.handle(host, service.Request("GET", path)))


class Full(DictKV):
    def set(self, key, value):
        raise StoreError("no space left on device")


def test_the_apps_probes_ask_livez_which_needs_no_store(rendered):
    assert rendered["defaults"].spinapp["spec"]["checks"] == {
        "readiness": {"httpGet": {"path": "/livez"}, "periodSeconds": 10},
        "liveness": {"httpGet": {"path": "/livez"}, "initialDelaySeconds": 10, "periodSeconds": 20},
    }
    # A full store takes no replica out of service: /livez still answers 200 (/healthz would not).
    assert (answer("/livez", Full()).status, answer("/healthz", Full()).status) == (200, 503)


def test_redis_probes_knock_on_its_port(rendered):
    container = rendered["three-replicas-bundled-redis"].one("Deployment", "ghcr-stats-redis")["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"] == {"tcpSocket": {"port": "redis"}, "periodSeconds": 5}
    assert container["livenessProbe"] == {"tcpSocket": {"port": "redis"}, "initialDelaySeconds": 10, "periodSeconds": 10}


@pytest.mark.parametrize("values, name, url", [
    ({}, "ghcr-stats", "http://ghcr-stats:80/healthz"),
    ({}, "stats", "http://stats-ghcr-stats:80/healthz"),
    ({"service": {"enabled": True, "port": 8080}}, "ghcr-stats", "http://ghcr-stats-http:8080/healthz"),
])
def test_helm_test_asks_healthz_through_the_service_and_wants_ok(render, values, name, url):
    pod = render(values, name=name).one("Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    (container,) = pod["spec"]["containers"]
    assert container["env"] == [{"name": "URL", "value": url}]
    assert container["command"][:2] == ["sh", "-c"]
    curl, grep = container["command"][2].strip().split("\n")[1].split(" | ")
    assert shlex.split(curl) == ["curl", "-fsS", "--retry", "5", "--retry-connrefused", "--max-time", "10", "$URL"]
    assert shlex.split(grep) == ["grep", "-q", '"status":"ok"']
    healthy = answer("/healthz", DictKV())
    assert healthy.status == 200 and b'"status":"ok"' in healthy.body  # what it greps for, the app says
    assert b'"status":"ok"' not in answer("/healthz", Full()).body


@pytest.mark.parametrize("values, url", [
    ({}, "http://ghcr-stats:80/refresh"),
    ({"service": {"enabled": True, "port": 8080}}, "http://ghcr-stats-http:8080/refresh"),
])
def test_the_schedule_posts_refresh_through_the_service(render, values, url):
    command = render(values).one("CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command == ["curl", "-fsS", "--retry", "3", "--retry-connrefused", "--max-time", "30", "-X", "POST", url]
