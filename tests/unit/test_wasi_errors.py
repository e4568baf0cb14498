import re

from ghcr_stats.adapters.wasi_errors import describe


class Resource:  # a host resource: its default repr is an address
    pass


def case(name: str, value=None):
    return type(name, (), {"value": value})()


def test_known_cases_are_words_and_payloads_never_show():
    for error in (
        case("StreamError_LastOperationFailed", Resource()),
        case("ErrorCode_DnsError", Resource()),
        case("ErrorCode_InternalError", "detail from inside the host"),
    ):
        text = describe(error)
        assert re.fullmatch(r"[a-zA-Z' (),?.-]+", text), text
        assert "0x" not in text and "object" not in text and "detail" not in text


def test_a_case_without_words_of_its_own_is_its_name_split():
    assert describe(case("ErrorCode_HttpResponseBodySize", Resource())) == "http response body size"
    assert describe(case("ErrorCode_ConnectionRefused")) == "the connection was refused"


def test_a_case_without_a_name_is_an_unknown_failure():
    assert describe(case("ErrorCode_")) == "unknown failure"
