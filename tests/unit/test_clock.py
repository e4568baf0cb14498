from ghcr_stats.clock import KEY, clock
from ghcr_stats.config import Settings
from testkit.cpython import DictKV


def system() -> float:
    return 1234.5


def test_the_system_clock_by_default_whatever_the_store_holds():
    kv = DictKV({KEY: b"99"})
    assert clock(Settings(), kv, system) is system


def test_the_store_clock_reads_the_time_the_tests_write_at_each_call():
    kv = DictKV()
    now = clock(Settings(clock="store"), kv, system)
    assert now() == 1234.5  # nothing written yet: the system's time
    kv.set(KEY, b"1780000000.25")
    assert now() == 1_780_000_000.25
    kv.set(KEY, b"1780000060")
    assert now() == 1_780_000_060.0
