"""What the chart tests share: paths, the value sets the chart must render under, and a parsed rendering.

The chart is rendered offline by the Helm 4 SDK (helm-python-sdk): no cluster, network or helm CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import helm_python as helm  # helm-python-sdk (requirements.txt)
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "ghcr-stats"
FLUX = ROOT / "deploy" / "flux"
SCHEMAS = Path(__file__).resolve().parent / "schemas"

RELEASE = "ghcr-stats"
NAMESPACE = "ghcr-stats"

# The value sets the chart must render under, by name: one per way it is deployed.
VALUE_SETS: dict[str, dict] = {
    "defaults": {},
    "three-replicas-external-redis": {
        "replicas": 3,
        "externalRedis": {"existingSecret": "ghcr-stats-redis-url", "existingSecretKey": "url"},
    },
    "three-replicas-bundled-redis": {"replicas": 3, "redis": {"enabled": True}},
    "autoscaling": {
        "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 6, "targetCPUUtilizationPercentage": 60},
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "redis": {"enabled": True},
    },
    "autoscaling-keda": {
        "autoscaling": {
            "enabled": True, "kind": "keda",
            "targetCPUUtilizationPercentage": None, "targetMemoryUtilizationPercentage": 75,
        },
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        "externalRedis": {"existingSecret": "ghcr-stats-redis-url"},
    },
    "ingress": {
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "hosts": [{"host": "ghcr-stats.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
            "tls": [{"secretName": "ghcr-stats-tls", "hosts": ["ghcr-stats.example.com"]}],
        },
    },
    "service-monitor": {
        "serviceMonitor": {"enabled": True, "interval": "30s", "labels": {"release": "kube-prometheus-stack"}},
    },
    "own-service-and-ingress": {
        "service": {"enabled": True, "type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"]},
        "ingress": {"enabled": True},
        "redis": {"enabled": True, "persistence": {"enabled": True}, "auth": {"password": "s3cret-Pass"}},
        "replicas": 2,
    },
}


class Rendered:
    """A chart rendered with one set of values: manifests by kind and name, and the NOTES."""

    def __init__(self, files: dict[str, str]):
        self.files = files
        self.notes = files.get(f"{CHART.name}/templates/NOTES.txt", "")
        self.objects: list[dict] = []
        self.sources: list[str] = []  # the template each object came from, in step with objects
        for path, text in sorted(files.items()):
            if path.endswith("NOTES.txt"):
                continue
            for doc in yaml.safe_load_all(text):
                if doc:
                    self.objects.append(doc)
                    self.sources.append(path)

    def of(self, kind: str) -> list[dict]:
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind: str, name: str | None = None) -> dict:
        found = [o for o in self.of(kind) if name is None or o["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind} {name or ''}, got {[o['metadata']['name'] for o in found]}"
        return found[0]

    @property
    def spinapp(self) -> dict:
        return self.one("SpinApp")

    def kinds(self) -> set[str]:
        return {o["kind"] for o in self.objects}


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())
