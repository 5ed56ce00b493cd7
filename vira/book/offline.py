"""A guard that refuses every network connection except loopback.

Nothing in vira may reach the network at run time or in tests. The test suite installs this guard
in its own process (``tests/conftest.py``) and sets ``VIRA_FORBID_NETWORK=1`` so that every
notebook kernel it starts installs it too when it imports ``vira``. Jupyter kernels talk to their
client over loopback, which stays allowed.
"""

from __future__ import annotations

import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkAccessBlocked(RuntimeError):
    """Raised when code tries to reach a non-loopback address while the guard is on."""


def is_loopback(host: object) -> bool:
    """True for loopback addresses (127.0.0.0/8, ::1) and the local host names."""
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(family: int, address: object) -> None:
    if family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback(host):
        raise NetworkAccessBlocked(
            f"network access to {address!r} is blocked: vira must run offline "
            "(VIRA_FORBID_NETWORK / the test suite's guard)"
        )


def forbid_network() -> None:
    """Patch :mod:`socket` so that connecting to or resolving a non-loopback host raises.

    Idempotent. Covers ``socket.connect``/``connect_ex``/``sendto`` (so urllib, requests, asyncio
    and DNS-over-Python) and ``getaddrinfo`` (so no DNS query leaves the machine).
    """
    if getattr(socket, "_vira_guarded", False):
        return
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_sendto, real_getaddrinfo = socket.socket.sendto, socket.getaddrinfo

    def connect(self, address):
        _check(self.family, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _check(self.family, address)
        return real_connect_ex(self, address)

    def sendto(self, data, *args):
        _check(self.family, args[-1])
        return real_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not is_loopback(host):
            raise NetworkAccessBlocked(f"name resolution of {host!r} is blocked: vira must run offline")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    socket._vira_guarded = True
