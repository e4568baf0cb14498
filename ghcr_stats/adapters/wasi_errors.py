"""wasi:http's failures (`error-code` and stream-error cases) in words.

Only the case's name is read: the bindings' payloads include host resources whose default
repr is an object address, which must never reach a client.
"""

from __future__ import annotations

import re

_WORDS = {
    "DnsTimeout": "the DNS lookup timed out",
    "DnsError": "the DNS lookup failed",
    "DestinationNotFound": "no such host",
    "DestinationUnavailable": "the host is unavailable",
    "DestinationIpProhibited": "the host's address is prohibited",
    "DestinationIpUnroutable": "the host's address is unroutable",
    "ConnectionRefused": "the connection was refused",
    "ConnectionTerminated": "the connection was closed early",
    "ConnectionTimeout": "connecting timed out",
    "ConnectionReadTimeout": "timed out waiting for the next bytes",
    "ConnectionWriteTimeout": "timed out sending the request",
    "ConnectionLimitReached": "too many connections are open",
    "TlsProtocolError": "the TLS handshake failed",
    "TlsCertificateError": "the TLS certificate was refused",
    "TlsAlertReceived": "the host sent a TLS alert",
    "HttpRequestDenied": "the request was denied (is the host an allowed outbound host?)",
    "HttpResponseIncomplete": "the response ended before it was complete",
    "HttpResponseTimeout": "timed out waiting for the response",
    "HttpProtocolError": "the response broke the HTTP protocol",
    "InternalError": "the host's HTTP client failed",
    "LastOperationFailed": "the connection failed while the body was being read",
    "Closed": "the connection was closed",
}


def describe(error: object) -> str:
    """Words for a wasi:http error value, from its case's class name (`ErrorCode_DnsError`)."""
    case = re.sub(r"^(ErrorCode|StreamError)_", "", type(error).__name__)
    if case in _WORDS:
        return _WORDS[case]
    # A case without words of its own: its name, split ("HttpResponseBodySize" -> "http response body size").
    return " ".join(w.lower() for w in re.findall(r"[A-Z][a-z]*|[a-z]+|\d+", case)) or "unknown failure"
