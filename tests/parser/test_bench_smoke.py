"""`make bench-parser` in one iteration: every extractor it times (the component reused and
fresh under wasmtime-py and under the wasmtime CLI, the crate natively, selectolax,
html.parser) reads the same total and 30-day series. No timing is asserted."""

from bench.parser import run as bench


def test_every_benchmarked_extractor_agrees():
    got = bench.smoke()
    assert len(got) == 6
    totals = {total for total, _ in got.values()}
    assert totals == {bench.PKG.total}
    assert all(daily == bench.PKG.daily for _, daily in got.values())
