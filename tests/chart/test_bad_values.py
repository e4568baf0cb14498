"""Bad values fail at render time, with a message that says what is wrong (and, where it can, why)."""

from __future__ import annotations

import jsonschema
import pytest

from tests.chart.chartlib import CHART, helm, load_schema

WITH_CPU = {"resources": {"requests": {"cpu": "100m"}}}

# (values, error class, fragments the message must contain)
BAD = {
    "replicas-not-a-number": (
        {"replicas": "three"}, helm.HelmValuesError, ["/replicas", "got string, want integer"]),
    "unknown-top-level-key": (
        {"replicass": 3}, helm.HelmValuesError, ["additional properties 'replicass' not allowed"]),
    "unknown-nested-key": (
        {"image": {"repository": "ghcr.io/fluxcd/ghcr-stats", "tagg": "1.0"}}, helm.HelmValuesError,
        ["/image", "additional properties 'tagg' not allowed"]),
    "negative-ttl": (
        {"app": {"cacheTTL": -5}}, helm.HelmValuesError, ["/app/cacheTTL"]),
    "upstream-not-http": (
        {"app": {"upstream": "ftp://github.com"}}, helm.HelmValuesError, ["/app/upstream"]),
    "unknown-autoscaler": (
        {"autoscaling": {"kind": "vpa"}}, helm.HelmValuesError, ["/autoscaling/kind", "value must be one of 'hpa', 'keda'"]),
    "service-monitor-interval-in-words": (
        {"serviceMonitor": {"enabled": True, "interval": "1 minute"}}, helm.HelmValuesError, ["/serviceMonitor/interval"]),
    "variable-without-value": (
        {"variables": [{"name": "owner"}]}, helm.HelmValuesError, ["/variables/0"]),
    "replicas-without-shared-store": (
        {"replicas": 3}, helm.HelmRenderError,
        ["replicas=3 needs a shared key-value store", "SQLite file inside each pod",
         "keep its own download history", "externalRedis.existingSecret", "redis.enabled=true"]),
    "autoscaling-without-shared-store": (
        {"autoscaling": {"enabled": True}, **WITH_CPU}, helm.HelmRenderError,
        ["autoscaling.enabled=true (up to 10 replicas) needs a shared key-value store"]),
    "autoscaling-on-cpu-without-a-cpu-request": (
        {"autoscaling": {"enabled": True}, "redis": {"enabled": True}}, helm.HelmRenderError,
        ["autoscaling on CPU utilisation needs resources.requests.cpu"]),
    "autoscaling-min-above-max": (
        {"autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 3}, "redis": {"enabled": True}, **WITH_CPU},
        helm.HelmRenderError, ["autoscaling.minReplicas (5) is greater than autoscaling.maxReplicas (3)"]),
    "two-redises": (
        {"redis": {"enabled": True}, "externalRedis": {"existingSecret": "r"}}, helm.HelmRenderError,
        ["redis.enabled deploys a Redis with this chart and externalRedis points at another one"]),
    "secret-and-url": (
        {"externalRedis": {"existingSecret": "r", "url": "redis://r:6379"}}, helm.HelmRenderError,
        ["set externalRedis.existingSecret or externalRedis.url, not both"]),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_values_fail_with_a_readable_message(render, name):
    values, error, fragments = BAD[name]
    with pytest.raises(error) as caught:
        render(values)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_lint_reports_schema_errors_too():
    report = helm.lint(str(CHART), {"replicas": "three"}, strict=True)
    assert any("got string, want integer" in e for e in report["errors"])


def test_a_single_replica_needs_no_shared_store(render):
    assert render({"replicas": 1}).spinapp["spec"]["replicas"] == 1
    assert render({"replicas": 0}).spinapp["spec"]["replicas"] == 0  # paused


# The SpinApp schema the tests use must itself be able to say no.
SPINAPP_BAD = {
    "no-executor": ({"executor": None}, "'executor' is a required property"),
    "replicas-as-string": ({"replicas": "3"}, "'3' is not of type 'integer'"),
    "replicas-with-autoscaling": ({"enableAutoscaling": True}, "should not be valid"),
    "store-without-type": ({"runtimeConfig": {"keyValueStores": [{"name": "default"}]}}, "'type' is a required property"),
    "unknown-field": ({"replica": 2}, "Additional properties are not allowed ('replica' was unexpected)"),
}


@pytest.mark.parametrize("name", SPINAPP_BAD)
def test_spinapp_schema_rejects_what_spinkube_rejects(rendered, name):
    change, message = SPINAPP_BAD[name]
    spinapp = rendered["three-replicas-external-redis"].spinapp
    spec = {**spinapp["spec"], **change}
    spec = {k: v for k, v in spec.items() if v is not None}
    with pytest.raises(jsonschema.ValidationError) as caught:
        jsonschema.validate({**spinapp, "spec": spec}, load_schema("spinapp.v1alpha1.schema.json"))
    assert message in caught.value.message
