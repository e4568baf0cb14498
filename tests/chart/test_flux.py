"""deploy/flux: the manifests parse, carry what their kinds require, fit together and fit the chart."""

from __future__ import annotations

import re

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.chart.chartlib import CHART, FLUX, load_schema

SCHEMA_OF = {
    ("source.toolkit.fluxcd.io/v1", "OCIRepository"): "ocirepository.source.toolkit.fluxcd.io.v1.schema.json",
    ("source.toolkit.fluxcd.io/v1", "HelmRepository"): "helmrepository.source.toolkit.fluxcd.io.v1.schema.json",
    ("helm.toolkit.fluxcd.io/v2", "HelmRelease"): "helmrelease.helm.toolkit.fluxcd.io.v2.schema.json",
}
HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
CHART_META = yaml.safe_load((CHART / "Chart.yaml").read_text())


def manifests() -> list[dict]:
    docs = []
    for path in sorted(FLUX.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def one(kind: str) -> dict:
    found = [d for d in manifests() if d["kind"] == kind]
    assert len(found) == 1, kind
    return found[0]


def test_every_manifest_validates():
    docs = manifests()
    assert {d["kind"] for d in docs} >= {"OCIRepository", "HelmRelease"}
    for doc in docs:
        key = (doc["apiVersion"], doc["kind"])
        if key in SCHEMA_OF:
            jsonschema.validate(doc, load_schema(SCHEMA_OF[key]))
        else:
            kubernetes_validate.validate(doc, "1.37.0", strict=True)


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((FLUX / "kustomization.yaml").read_text())
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert kustomization["kind"] == "Kustomization"
    on_disk = {p.name for p in FLUX.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == on_disk


def test_helmrelease_takes_its_chart_from_the_ocirepository():
    release, source = one("HelmRelease"), one("OCIRepository")
    ref = release["spec"]["chartRef"]
    assert ref["kind"] == "OCIRepository"
    assert ref["name"] == source["metadata"]["name"]
    assert ref.get("namespace", release["metadata"]["namespace"]) == source["metadata"]["namespace"]
    assert source["spec"]["url"].rsplit("/", 1)[-1] == CHART_META["name"]
    assert source["spec"]["layerSelector"] == {"mediaType": HELM_CHART_LAYER, "operation": "copy"}


def test_ocirepository_range_includes_this_chart_version():
    semver = one("OCIRepository")["spec"]["ref"]["semver"]
    match = re.fullmatch(r"(\d+)\.(\d+)\.x", semver)
    assert match, f"expected an X.Y.x range, got {semver!r}"
    assert CHART_META["version"].split(".")[:2] == [match[1], match[2]]


def test_release_lands_in_the_namespace_the_manifests_create():
    namespaces = {d["metadata"]["name"] for d in manifests() if d["kind"] == "Namespace"}
    for doc in manifests():
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] in namespaces


def test_fluxcd_values_pass_the_chart_schema_and_render(chart, render):
    release = one("HelmRelease")
    values = release["spec"]["values"]
    chart.validate_schema(values)
    r = render(values, name=release["spec"]["releaseName"], namespace=release["metadata"]["namespace"])
    spec = r.spinapp["spec"]
    assert {v["name"]: v.get("value") for v in spec["variables"]}["owner"] == "fluxcd"
    assert spec["replicas"] == 2
    assert spec["runtimeConfig"]["keyValueStores"][0]["type"] == "redis"  # replicas share the history
    assert r.one("PersistentVolumeClaim")


SCHEMA_BAD = {
    "helmrelease-without-chart": ("HelmRelease", lambda s: s.pop("chartRef"), "is not valid under any of the given schemas"),
    "helmrelease-with-both": (
        "HelmRelease", lambda s: s.update(chart={"spec": {"chart": "x", "sourceRef": {"kind": "HelmRepository", "name": "x"}}}),
        "is valid under each of"),
    "helmrelease-without-interval": ("HelmRelease", lambda s: s.pop("interval"), "'interval' is a required property"),
    "ocirepository-without-url": ("OCIRepository", lambda s: s.pop("url"), "'url' is a required property"),
    "ocirepository-http-url": ("OCIRepository", lambda s: s.update(url="https://ghcr.io/x"), "does not match"),
    "ocirepository-bad-interval": ("OCIRepository", lambda s: s.update(interval="ten minutes"), "does not match"),
}


@pytest.mark.parametrize("name", SCHEMA_BAD)
def test_flux_schemas_reject_incomplete_objects(name):
    kind, change, message = SCHEMA_BAD[name]
    doc = one(kind)
    change(doc["spec"])
    with pytest.raises(jsonschema.ValidationError) as caught:
        jsonschema.validate(doc, load_schema(SCHEMA_OF[(doc["apiVersion"], kind)]))
    assert message in caught.value.message
