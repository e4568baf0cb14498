"""The chart renders, lints clean and produces valid objects under every value set the chart supports (chartlib.VALUE_SETS)."""

from __future__ import annotations

import tomllib

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.chart.chartlib import CHART, NAMESPACE, RELEASE, ROOT, VALUE_SETS, helm, load_schema

# The Kubernetes versions the core objects must be valid for: the chart's floor and the newest
# schema kubernetes-validate bundles.
KUBE_VERSIONS = ("1.25.0", "1.37.0")
# API groups whose kinds are not core Kubernetes (no schema in kubernetes-validate).
CUSTOM_GROUPS = ("core.spinkube.dev/", "keda.sh/", "monitoring.coreos.com/")

SPIN_TOML = tomllib.loads((ROOT / "spin.toml").read_text())
CHART_META = yaml.safe_load((CHART / "Chart.yaml").read_text())

STANDARD_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/component",
    "helm.sh/chart",
)


def env(variables: list[dict]) -> dict[str, dict]:
    return {v["name"]: v for v in variables}


# -- every value set ------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUE_SETS)
def test_lint_is_clean(name):
    report = helm.lint(str(CHART), VALUE_SETS[name], strict=True, namespace=NAMESPACE)
    assert report["errors"] == []
    assert report["messages"] == [], report["messages"]


@pytest.mark.parametrize("name", VALUE_SETS)
def test_core_objects_validate_against_the_kubernetes_schemas(rendered, name):
    core = [o for o in rendered[name].objects if not o["apiVersion"].startswith(CUSTOM_GROUPS)]
    assert core or name == "defaults"
    for obj in core:
        for version in KUBE_VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as e:  # pragma: no cover - the message is the point
                pytest.fail(f"{obj['kind']}/{obj['metadata']['name']} invalid for Kubernetes {version}: {e.message}")


@pytest.mark.parametrize("name", VALUE_SETS)
def test_spinapp_validates_against_the_spinapp_schema(rendered, name):
    jsonschema.validate(rendered[name].spinapp, load_schema("spinapp.v1alpha1.schema.json"))


@pytest.mark.parametrize("name", VALUE_SETS)
def test_every_object_carries_the_standard_labels(rendered, name):
    for obj in rendered[name].objects:
        labels = obj["metadata"].get("labels", {})
        missing = [k for k in STANDARD_LABELS if k not in labels]
        assert not missing, f"{obj['kind']}/{obj['metadata']['name']} lacks {missing}"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["helm.sh/chart"] == f"ghcr-stats-{CHART_META['version']}"


@pytest.mark.parametrize("name", VALUE_SETS)
def test_selectors_find_the_pods_they_mean(rendered, name):
    r = rendered[name]
    app_pods = r.spinapp["spec"]["podLabels"]
    for svc in r.of("Service"):
        selector = svc["spec"]["selector"]
        if selector["app.kubernetes.io/component"] == "app":
            assert selector.items() <= app_pods.items()
        else:
            redis = r.one("Deployment", svc["metadata"]["name"])
            assert selector.items() <= redis["spec"]["template"]["metadata"]["labels"].items()
            assert not selector.items() <= app_pods.items()
    for dep in r.of("Deployment"):
        assert dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()


# -- the SpinApp ------------------------------------------------------------------------------


def test_defaults_make_one_replica_on_spins_default_store(rendered):
    r = rendered["defaults"]
    spec = r.spinapp["spec"]
    assert r.spinapp["apiVersion"] == "core.spinkube.dev/v1alpha1"
    assert r.spinapp["metadata"]["name"] == RELEASE
    assert spec["executor"] == "containerd-shim-spin"
    assert spec["replicas"] == 1
    assert "enableAutoscaling" not in spec
    assert "runtimeConfig" not in spec  # Spin's default store
    assert r.kinds() == {"SpinApp", "CronJob", "Pod"}  # the schedule; the Pod is the `helm test` hook
    assert r.one("Pod")["metadata"]["annotations"]["helm.sh/hook"] == "test"
    # `helm test` asks /healthz through the Service the operator makes for the SpinApp.
    env = {e["name"]: e["value"] for e in r.one("Pod")["spec"]["containers"][0]["env"]}
    assert env["URL"] == f"http://{RELEASE}:80/healthz"
    # Not /healthz: a full store must not take every replica out of the Service, nor restart it.
    assert spec["checks"]["readiness"]["httpGet"]["path"] == spec["checks"]["liveness"]["httpGet"]["path"] == "/livez"


def test_image_tag_defaults_to_the_app_version(render):
    assert render().spinapp["spec"]["image"] == f"ghcr.io/fluxcd/ghcr-stats:{CHART_META['appVersion']}"
    assert render({"image": {"tag": "0.2.0-rc.1"}}).spinapp["spec"]["image"] == "ghcr.io/fluxcd/ghcr-stats:0.2.0-rc.1"
    digest = "sha256:" + "ab" * 32
    spin = render({"image": {"repository": "registry.example:5000/me/stats", "tag": "x", "digest": digest}}).spinapp
    assert spin["spec"]["image"] == f"registry.example:5000/me/stats@{digest}"


def test_pull_secrets_and_executor_pass_through(render):
    spec = render({"image": {"pullSecrets": [{"name": "ghcr-pull"}]}, "executor": "spintainer"}).spinapp["spec"]
    assert spec["imagePullSecrets"] == [{"name": "ghcr-pull"}]
    assert spec["executor"] == "spintainer"


def test_app_version_follows_the_spin_app_version():
    assert CHART_META["version"] == "0.1.0"
    assert CHART_META["appVersion"] == SPIN_TOML["application"]["version"]


def test_variables_are_the_apps_settings_as_strings(rendered):
    variables = env(rendered["defaults"].spinapp["spec"]["variables"])
    assert {k: v["value"] for k, v in variables.items()} == {
        "owner": "fluxcd",
        "upstream": "https://github.com",
        "cache_ttl": "3600",
        "refresh_interval": "3600",
        "history_limit": "1000",
        "max_concurrency": "8",
        "page_max_bytes": "5000000",  # not "5e+06": numbers go through int64
        "fetch_timeout": "10",
        "max_backoff": "3600",
        "fetch_deadline": "30",
        "failure_backoff": "30",
        "upstream_budget": "60",
        "other_owners": "packages",
        "forwarded_headers": "ignore",
    }
    # Every name the chart sets is a variable spin.toml declares, and the chart covers them all.
    assert set(variables) == set(SPIN_TOML["variables"])


def test_variables_take_values_from_the_values(render):
    variables = env(render({"app": {"owner": "stefanprodan", "cacheTTL": "600", "fetchTimeout": None}}).spinapp["spec"]["variables"])
    assert variables["owner"] == {"name": "owner", "value": "stefanprodan"}
    assert variables["cache_ttl"]["value"] == "600"
    assert "fetch_timeout" not in variables  # null: the app's own default applies


def test_a_variable_can_come_from_a_secret(render):
    ref = {"secretKeyRef": {"name": "ghcr-stats-upstream", "key": "url"}}
    variables = render({"variables": [{"name": "upstream", "valueFrom": ref}, {"name": "extra", "value": "1"}]}).spinapp["spec"]["variables"]
    upstream = [v for v in variables if v["name"] == "upstream"]
    assert upstream == [{"name": "upstream", "valueFrom": ref}]  # replaces app.upstream, once
    assert {"name": "extra", "value": "1"} in variables
    assert env(variables)["owner"]["value"] == "fluxcd"


def test_three_replicas_with_an_external_redis_secret(rendered):
    r = rendered["three-replicas-external-redis"]
    spec = r.spinapp["spec"]
    assert spec["replicas"] == 3
    assert spec["runtimeConfig"] == {
        "keyValueStores": [{
            "name": "default",
            "type": "redis",
            "options": [{"name": "url", "valueFrom": {"secretKeyRef": {"name": "ghcr-stats-redis-url", "key": "url"}}}],
        }]
    }
    assert r.kinds() == {"SpinApp", "CronJob", "Pod"}  # no Redis of the chart's own


def test_three_replicas_with_the_bundled_redis(rendered):
    r = rendered["three-replicas-bundled-redis"]
    assert r.spinapp["spec"]["replicas"] == 3
    store = r.spinapp["spec"]["runtimeConfig"]["keyValueStores"][0]
    ref = store["options"][0]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "ghcr-stats-redis", "key": "redis-url"}
    assert r.one("Secret", "ghcr-stats-redis")
    assert r.one("Deployment", "ghcr-stats-redis")["spec"]["replicas"] == 1
    assert r.one("Service", "ghcr-stats-redis")["spec"]["ports"][0]["port"] == 6379
    policy = r.one("NetworkPolicy", "ghcr-stats-redis")
    allowed = policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
    assert allowed.items() <= r.spinapp["spec"]["podLabels"].items()
    # The port it opens is the one Redis listens on, named in its container.
    (port,) = policy["spec"]["ingress"][0]["ports"]
    container = r.one("Deployment", "ghcr-stats-redis")["spec"]["template"]["spec"]["containers"][0]
    assert {(p["name"], p["containerPort"]) for p in container["ports"]} == {(port["port"], 6379)}
    assert port["protocol"] == "TCP"
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= r.one("Deployment", "ghcr-stats-redis")["spec"]["template"]["metadata"]["labels"].items()
    assert not r.of("PersistentVolumeClaim")


def test_bundled_redis_persistence_keeps_a_claim(rendered):
    r = rendered["own-service-and-ingress"]
    claim = r.one("PersistentVolumeClaim", "ghcr-stats-redis")
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    volumes = r.one("Deployment", "ghcr-stats-redis")["spec"]["template"]["spec"]["volumes"]
    assert volumes == [{"name": "data", "persistentVolumeClaim": {"claimName": "ghcr-stats-redis"}}]


# -- autoscaling --------------------------------------------------------------------------------


def test_autoscaling_hands_replicas_to_an_hpa(rendered):
    r = rendered["autoscaling"]
    spec = r.spinapp["spec"]
    assert spec["enableAutoscaling"] is True
    assert "replicas" not in spec  # "Replicas cannot be defined if this is enabled."
    hpa = r.one("HorizontalPodAutoscaler")
    # The spin-operator runs the SpinApp as a Deployment of the same name.
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": r.spinapp["metadata"]["name"]}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert hpa["spec"]["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}
    ]
    assert spec["runtimeConfig"]["keyValueStores"][0]["name"] == "default"
    assert not r.of("ScaledObject")


def test_autoscaling_with_keda_renders_a_scaled_object(rendered):
    r = rendered["autoscaling-keda"]
    assert r.spinapp["spec"]["enableAutoscaling"] is True
    assert not r.of("HorizontalPodAutoscaler")
    so = r.one("ScaledObject")
    assert so["apiVersion"] == "keda.sh/v1alpha1"
    assert so["spec"]["scaleTargetRef"]["name"] == r.spinapp["metadata"]["name"]
    assert (so["spec"]["minReplicaCount"], so["spec"]["maxReplicaCount"]) == (2, 10)
    assert so["spec"]["triggers"] == [{"type": "memory", "metricType": "Utilization", "metadata": {"value": "75"}}]


# -- exposure -----------------------------------------------------------------------------------


def test_ingress_points_at_the_service_the_operator_creates(rendered):
    r = rendered["ingress"]
    ing = r.one("Ingress")
    assert ing["spec"]["ingressClassName"] == "nginx"
    rule = ing["spec"]["rules"][0]
    assert rule["host"] == "ghcr-stats.example.com"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    # spin-operator: Service named like the SpinApp, port 80 -> the pods' port 80.
    assert backend == {"name": r.spinapp["metadata"]["name"], "port": {"number": 80}}
    assert ing["spec"]["tls"] == [{"secretName": "ghcr-stats-tls", "hosts": ["ghcr-stats.example.com"]}]
    assert not r.of("Service")


def test_the_charts_own_service_when_asked(rendered):
    r = rendered["own-service-and-ingress"]
    svc = r.one("Service", "ghcr-stats-http")
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["spec"]["loadBalancerSourceRanges"] == ["10.0.0.0/8"]  # only those may reach it
    assert svc["spec"]["ports"][0]["targetPort"] == 80
    backend = r.one("Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "ghcr-stats-http", "port": {"number": 80}}


def test_no_service_monitor_unless_asked(rendered):
    assert "ServiceMonitor" not in rendered["defaults"].kinds()


def test_the_service_monitor_scrapes_metrics_through_the_charts_own_service(rendered):
    r = rendered["service-monitor"]
    monitor = r.one("ServiceMonitor")
    jsonschema.validate(monitor, load_schema("servicemonitor.monitoring.coreos.com.v1.schema.json"))
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": [NAMESPACE]}
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s", "scrapeTimeout": "10s"}]
    services = [s for s in r.of("Service") if monitor["spec"]["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()]
    assert [s["metadata"]["name"] for s in services] == ["ghcr-stats-http"]  # the app's, not Redis'
    assert "http" in [p["name"] for p in services[0]["spec"]["ports"]]
    # The operator's Service (named like the SpinApp) stays the Ingress's and the notes' Service.
    assert "service/ghcr-stats " in r.notes


def test_notes_tell_how_to_reach_the_service(rendered, render):
    notes = rendered["defaults"].notes
    assert f"kubectl --namespace {NAMESPACE} port-forward service/{RELEASE} 8080:80" in notes
    assert "curl -s http://127.0.0.1:8080/healthz" in notes
    assert "Spin's default store" in notes
    assert "curl -s https://ghcr-stats.example.com/healthz" in rendered["ingress"].notes
    assert "the Redis deployed with this chart (ghcr-stats-redis)" in rendered["three-replicas-bundled-redis"].notes
    hidden = render({"replicas": 2, "externalRedis": {"url": "redis://:hunter2@redis.example:6379"}}).notes
    assert "hunter2" not in hidden and "redis://:***@redis.example:6379" in hidden


def test_other_release_names_and_overrides(render):
    assert render(name="stats").spinapp["metadata"]["name"] == "stats-ghcr-stats"
    assert render({"fullnameOverride": "flux-stats"}, name="x").spinapp["metadata"]["name"] == "flux-stats"
    redis = render({"redis": {"enabled": True}, "replicas": 2}, name="x").one("Deployment")
    assert redis["metadata"]["name"] == "x-ghcr-stats-redis"


def test_the_schedule_posts_refresh_to_the_apps_service_every_five_minutes(rendered, render):
    job = rendered["defaults"].one("CronJob")
    assert job["spec"]["schedule"] == "*/5 * * * *"
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    command = pod["containers"][0]["command"]
    assert command[0] == "curl" and command[command.index("-X") + 1] == "POST"
    assert command[-1] == f"http://{RELEASE}:80/refresh"  # the operator's Service of the SpinApp
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["restartPolicy"] == "Never"
    assert render({"collect": {"schedule": "0 * * * *"}}).one("CronJob")["spec"]["schedule"] == "0 * * * *"
    assert "CronJob" not in render({"collect": {"enabled": False}}).kinds()
