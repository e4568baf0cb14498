"""Fixtures for the chart tests: the chart loaded once, rendered per value set."""

from __future__ import annotations

import json

import pytest

from tests.chart.chartlib import CHART, NAMESPACE, RELEASE, VALUE_SETS, Rendered, helm


@pytest.fixture(scope="session")
def chart():
    with helm.Chart.load(str(CHART)) as c:
        yield c


@pytest.fixture(scope="session")
def render(chart):
    """render(values) -> Rendered; raises the SDK's HelmError (values or template failure)."""

    def _render(values: dict | None = None, name: str = RELEASE, namespace: str = NAMESPACE) -> Rendered:
        # A JSON round trip: the values reach Helm as they would from a YAML file.
        return Rendered(chart.render(json.loads(json.dumps(values or {})), name=name, namespace=namespace))

    return _render


@pytest.fixture(scope="session")
def rendered(render) -> dict[str, Rendered]:
    return {name: render(values) for name, values in VALUE_SETS.items()}
