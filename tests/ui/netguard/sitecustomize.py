"""Loaded at start-up by the test server's Python (this folder is put on its PYTHONPATH): any
connection or name lookup beyond this machine is refused and written to POLICY_NET_GUARD_LOG,
so a test can assert the server never tried to reach the network."""

import ipaddress
import os
import socket
import traceback

_LOG = os.environ.get("POLICY_NET_GUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}


def _local(host) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback or str(host) in ("0.0.0.0", "::")
    except ValueError:
        return False


def _refuse(what: str):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{what}\n{''.join(traceback.format_stack(limit=12))}\n")
    raise OSError(101, f"network blocked by the test guard: {what}")


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(f"connect_ex {address!r}")
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _local(host.decode() if isinstance(host, bytes) else host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


if _LOG:
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo
