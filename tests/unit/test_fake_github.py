"""The stand-in for GitHub keeps its own output to what is news: the app hanging up on it is
what the tests make the app do, and a traceback for each would bury a real one."""

import pytest

from testkit.fakegithub.server import FakeGitHub


@pytest.fixture
def server():
    gh = FakeGitHub([])
    yield gh._server
    for s in (gh._server, gh.elsewhere._server):
        s.server_close()


@pytest.mark.parametrize("hung_up", [ConnectionResetError, BrokenPipeError, ConnectionAbortedError])
def test_a_client_hanging_up_is_not_printed(server, capsys, hung_up):
    try:
        raise hung_up()
    except ConnectionError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""


def test_an_error_of_its_own_is_printed(server, capsys):
    try:
        raise KeyError("no such page")
    except KeyError:
        server.handle_error(None, ("127.0.0.1", 1))
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError: 'no such page'" in err
