"""The network guard itself: it must refuse the outside world and let loopback through."""

import socket
import subprocess
import sys

import pytest

from vira.book.offline import NetworkAccessBlocked, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", b"127.0.0.1"])
def test_loopback_hosts_are_allowed(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["192.0.2.1", "10.0.0.1", "8.8.8.8", "pypi.org", "::ffff:1.2.3.4", None])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback(host)


def test_guard_blocks_connections_in_the_test_process():
    with pytest.raises(NetworkAccessBlocked, match="192.0.2.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(NetworkAccessBlocked, match="example.org"):
        socket.getaddrinfo("example.org", 443)


def test_guard_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=2):
        pass
    server.close()


def test_kernels_importing_vira_get_the_guard():
    """A fresh process with VIRA_FORBID_NETWORK=1 (as notebook kernels under test) is guarded."""
    code = ("import vira, urllib.request\n"
            "try:\n    urllib.request.urlopen('http://192.0.2.1/', timeout=1)\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "VIRA_FORBID_NETWORK": "1"}).stdout
    assert "blocked" in out, out
