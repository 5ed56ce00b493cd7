"""A guard that refuses every network access except loopback, in this process and in its children.

Nothing in vira may reach the network at run time or in tests. The guard is on in the test process
(``tests/conftest.py``), in the runner's process for every chapter run (``python -m vira``, ``make
book``: :func:`vira.book.runner.run_chapters`) and in every notebook kernel: both set
``VIRA_FORBID_NETWORK=1``, which each kernel inherits and which makes ``import vira`` call
:func:`forbid_network`. Jupyter kernels talk to their client over loopback (zmq over 127.0.0.1),
which stays allowed, as do Unix sockets. What it covers (``tests/book/test_offline.py``):

* connecting and sending: ``connect``, ``connect_ex``, ``sendto`` and ``sendmsg`` with an address
  (UDP) of ``socket.socket`` (so ``create_connection``, ``ssl``, urllib, requests, asyncio) and of
  a raw ``_socket.socket(...)`` made after the guard is on;
* name resolution: ``socket.getaddrinfo``, ``gethostbyname``, ``gethostbyname_ex``,
  ``gethostbyaddr`` and ``getnameinfo`` refuse any name or address but loopback's before a query
  is made (so ``getfqdn()`` of the machine's own name is refused too);
* child processes: ``subprocess.Popen`` (so ``run``, ``call``, ``check_output``, ``os.popen`` and
  asyncio's subprocesses), ``os.system``, ``os.posix_spawn``/``posix_spawnp`` and the ``os.exec*``
  family (so ``os.spawn*`` and ``pty.spawn``, whose child then exits with 127) refuse to start a
  network program or git with a network subcommand (:func:`network_command`); every child
  inherits :data:`OFFLINE_ENV` (a ``Popen``, ``posix_spawn`` or ``execve`` given its own ``env``
  gets it added), which makes curl, wget, git, pip, Hugging Face and Python's urllib/requests fail
  at once without touching the network (in a guarded process, urllib and requests meet the guard at
  that dead proxy, refused by name), and ``VIRA_FORBID_NETWORK=1``, so a Python child that imports
  vira installs this guard itself.

It is a guard against accidents, not a sandbox. It cannot see: a function or class bound before
the guard (``from socket import gethostbyname``, ``from _socket import socket``); sockets opened in
C (a compiled extension such as pyzmq or pycurl aimed at a remote host); a compiled program, or a
Python child that does not import vira, that opens sockets itself and ignores or unsets the proxy
variables (ssh, a raw TCP client); a network program under another name, behind a wrapper it does
not know (``xargs curl``, ``timeout 5 curl``) or inside a script (``bash fetch.sh``); ``bind``, so a
server on 0.0.0.0 still accepts connections from outside.
"""

from __future__ import annotations

import _socket
import functools
import inspect
import ipaddress
import os
import re
import shlex
import socket
import subprocess

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}

#: The proxy every child is pointed at: the discard port of loopback, where nothing listens, so a
#: client that honours the proxy variables fails at once (connection refused), offline.
DEAD_PROXY = ("127.0.0.1", 9)
_DEAD_PROXY_URL = f"http://{DEAD_PROXY[0]}:{DEAD_PROXY[1]}"
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy")

#: Set in ``os.environ`` by :func:`forbid_network`, so every child process inherits it. ``no_proxy``
#: names loopback only: a user's exceptions would let a host bypass the dead proxy, and loopback
#: (a local server) keeps working.
OFFLINE_ENV = {
    **{name: _DEAD_PROXY_URL for var in _PROXY_VARIABLES for name in (var, var.upper())},
    "no_proxy": "localhost,127.0.0.1,::1", "NO_PROXY": "localhost,127.0.0.1,::1",
    "PIP_NO_INDEX": "1",  # pip installs from local files only
    "UV_OFFLINE": "1",
    "GIT_ALLOW_PROTOCOL": "file",  # git clones and fetches local repositories only
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
}

#: Programs that exist to reach the network: refused whatever their arguments.
NETWORK_PROGRAMS = frozenset({"curl", "wget", "ssh", "scp", "sftp", "rsync", "nc", "ncat", "netcat", "telnet",
                              "ftp", "ping", "ping6", "nslookup", "dig", "host", "aria2c"})
#: git subcommands that talk to a remote: ``None`` for all uses, else the second words that do.
GIT_NETWORK_COMMANDS = {"clone": None, "fetch": None, "pull": None, "push": None, "ls-remote": None,
                        "submodule": {"update", "add"}, "remote": {"update"},
                        "lfs": {"fetch", "pull", "push", "clone"}}
_GIT_VALUE_OPTIONS = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env"}
_SHELLS = {"sh", "bash", "dash", "zsh", "ksh"}
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")
#: Words that may precede the program in a command; assignments (``A=1``) and options are skipped too.
_PREFIX_WORDS = {"env", "exec", "command", "nohup", "sudo", "time", "nice", "!", "{",
                 "if", "then", "else", "elif", "do", "while", "until"}


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
    if isinstance(address, tuple) and address[:2] == DEAD_PROXY:
        raise NetworkAccessBlocked(
            f"network access through {_DEAD_PROXY_URL} is blocked: that is the dead proxy the offline "
            "guard sets in http_proxy/https_proxy, so an HTTP(S) request tried to leave the machine; "
            "vira must run offline (VIRA_FORBID_NETWORK / the test suite's guard)")
    if not is_loopback(host):
        raise NetworkAccessBlocked(
            f"network access to {address!r} is blocked: vira must run offline "
            "(VIRA_FORBID_NETWORK / the test suite's guard)"
        )


# -- commands ------------------------------------------------------------------------------------


def _words(argv) -> list[str]:
    return [os.fsdecode(w) if isinstance(w, (str, bytes, os.PathLike)) else str(w) for w in argv]


def _shell_commands(script: str) -> list[list[str]]:
    """The words of each simple command of a shell string: split at ``;``, ``&&``, ``||``, ``|``,
    ``&``, parentheses (``$(...)``), backquotes and newlines; a redirection and its target are
    dropped. Quotes are honoured (shlex); a string shlex cannot read is split at white space."""
    script = script.replace("`", " ; ").replace("\n", " ; ")
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = re.sub(r"([;&|()<>]+)", r" \1 ", script).split()
    commands, words, skip = [], [], False
    for token in tokens:
        if skip:
            skip = False
        elif token and set(token) <= set("();<>|&"):
            if set(token) & set(";|()") or set(token) == {"&"}:
                commands, words = commands + [words], []
            else:
                skip = True  # a redirection (>, 2>&1, <): its target is no command
        else:
            words.append(token)
    return [w for w in commands + [words] if w]


def _git_is_network(args: list[str]) -> bool:
    words, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in _GIT_VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    if not words or words[0] not in GIT_NETWORK_COMMANDS:
        return False
    second = GIT_NETWORK_COMMANDS[words[0]]
    return second is None or (len(words) > 1 and words[1] in second)


def _shell_script(args: list[str]) -> str | None:
    """The script of ``sh -c SCRIPT`` (also ``bash -lc``, ``sh -e -c``), given the shell's arguments."""
    has_c = False
    for arg in args:
        if arg.startswith("-") and not arg.startswith("--"):
            has_c = has_c or "c" in arg[1:]
        elif arg.startswith("--"):
            continue
        else:
            return arg if has_c else None
    return None


def _network_words(words: list[str]) -> str | None:
    while words and (words[0] in _PREFIX_WORDS or words[0].startswith("-") or _ASSIGNMENT.match(words[0])):
        words = words[1:]
    if not words:
        return None
    program = os.path.basename(words[0])
    if program in NETWORK_PROGRAMS or (program == "git" and _git_is_network(words[1:])):
        return " ".join(words)
    script = _shell_script(words[1:]) if program in _SHELLS else None
    return network_command(script, shell=True) if script else None


def network_command(command, shell: bool = False) -> str | None:
    """The command in ``command`` that would reach the network, or None.

    ``command`` is an argv list (the program is the base name of its first word: ``/usr/bin/curl``
    is curl) or, with ``shell``, a shell string, whose every simple command is checked (see
    :func:`_shell_commands`); ``sh -c SCRIPT`` checks SCRIPT. A command reaches the network when its
    program is in :data:`NETWORK_PROGRAMS`, or is git with a subcommand of
    :data:`GIT_NETWORK_COMMANDS` (``git -C dir fetch``, ``git submodule update``). Used by the guard
    on every process start, and by ``tests/book/test_offline.py``."""
    if isinstance(command, (str, bytes, os.PathLike)):
        text = os.fsdecode(command)
        commands = _shell_commands(text) if shell else [[text]]
    else:
        argv = _words(command)
        commands = _shell_commands(argv[0]) if shell and argv else [argv]
    for words in commands:
        found = _network_words(words)
        if found:
            return found
    return None


def _refuse(command, shell: bool = False, executable=None) -> None:
    found = network_command(command, shell)
    if found is None and executable is not None and not shell and not isinstance(command, (str, bytes)):
        found = network_command([executable, *_words(command)[1:]])
    if found is not None:
        raise NetworkAccessBlocked(f"starting {found!r} is blocked: it would reach the network, and vira "
                                   "must run offline (VIRA_FORBID_NETWORK / the test suite's guard)")


def _offline_env(env):
    return None if env is None else {**env, **OFFLINE_ENV}


# -- the guard -----------------------------------------------------------------------------------


def _guard_sockets() -> None:
    """``connect``/``connect_ex``/``sendto``/``sendmsg`` of ``socket.socket`` and of raw
    ``_socket.socket`` objects made from now on check their address."""
    real = _socket.socket

    def connect(self, address):
        _check(self.family, address)
        return real.connect(self, address)

    def connect_ex(self, address):
        _check(self.family, address)
        return real.connect_ex(self, address)

    def sendto(self, data, *args):
        if args:
            _check(self.family, args[-1])
        return real.sendto(self, data, *args)

    def sendmsg(self, buffers, *args):  # (buffers, ancdata, flags, address): address only for UDP
        if len(args) >= 3 and args[2] is not None:
            _check(self.family, args[2])
        return real.sendmsg(self, buffers, *args)

    methods = {"connect": connect, "connect_ex": connect_ex, "sendto": sendto}
    if hasattr(real, "sendmsg"):
        methods["sendmsg"] = sendmsg

    class _AnySocket(type):  # isinstance(socket.socket(), _socket.socket) stays True
        def __instancecheck__(cls, obj):
            return isinstance(obj, real)

        def __subclasscheck__(cls, sub):
            return issubclass(sub, real)

    # no __init__ of its own: socket.socket.__init__ calls _socket.socket.__init__(self, ...)
    guarded = _AnySocket("socket", (real,), {**methods, "__module__": __name__,
                                             "__doc__": "_socket.socket, guarded by vira.book.offline."})
    for name, method in methods.items():
        setattr(socket.socket, name, method)
    _socket.socket = _socket.SocketType = guarded


def _guard_resolvers() -> None:
    """Every resolver of :mod:`socket` refuses a name or address that is not loopback's."""

    def guard(name, host_of):
        real = getattr(socket, name)

        @functools.wraps(real)
        def resolve(*args, **kwargs):
            host = host_of(args, kwargs)
            if host is not None and not is_loopback(host):
                raise NetworkAccessBlocked(f"name resolution of {host!r} ({name}) is blocked: "
                                           "vira must run offline")
            return real(*args, **kwargs)

        setattr(socket, name, resolve)

    guard("getaddrinfo", lambda args, kwargs: args[0] if args else kwargs.get("host"))
    for name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        guard(name, lambda args, kwargs: args[0] if args else None)
    guard("getnameinfo", lambda args, kwargs: args[0][0] if args and isinstance(args[0], tuple) and args[0]
          else None)


def _guard_processes() -> None:
    """``subprocess.Popen``, ``os.system``, ``os.posix_spawn[p]`` and ``os.exec*`` refuse a network
    command (:func:`network_command`) and add :data:`OFFLINE_ENV` to an ``env`` they are given."""
    real_init = subprocess.Popen.__init__
    signature = inspect.signature(real_init)

    @functools.wraps(real_init)
    def popen_init(self, *args, **kwargs):
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:
            return real_init(self, *args, **kwargs)  # let Popen say what is wrong
        given = bound.arguments
        _refuse(given.get("args"), bool(given.get("shell")), given.get("executable"))
        if given.get("env") is not None:
            given["env"] = _offline_env(given["env"])
        return real_init(*bound.args, **bound.kwargs)

    subprocess.Popen.__init__ = popen_init

    real_system = os.system

    @functools.wraps(real_system)
    def system(command):
        _refuse(command, shell=True)
        return real_system(command)

    os.system = system

    def guard(name):  # (path, argv[, env], ...): execv, execve, execvp, execvpe, posix_spawn[p]
        real = getattr(os, name)

        @functools.wraps(real)
        def start(path, argv, *rest, **kwargs):
            _refuse(argv, executable=path)
            if rest:
                rest = (_offline_env(rest[0]), *rest[1:])
            return real(path, argv, *rest, **kwargs)

        setattr(os, name, start)

    # os.execl, execle, execlp and execlpe call these (looked up at call time), os.spawn* too
    for name in ("execv", "execve", "execvp", "execvpe", "posix_spawn", "posix_spawnp"):
        if hasattr(os, name):
            guard(name)


def forbid_network() -> None:
    """Refuse network access in this process and its children (see the module docstring).

    Idempotent: the patches are made once; :data:`OFFLINE_ENV` is set in ``os.environ`` on every
    call. Called by ``tests/conftest.py``, :func:`vira.book.runner.run_chapters` and ``import vira``
    when ``VIRA_FORBID_NETWORK=1`` (every notebook kernel)."""
    os.environ.update(OFFLINE_ENV)
    if getattr(socket, "_vira_guarded", False):
        return
    _guard_sockets()
    _guard_resolvers()
    _guard_processes()
    socket._vira_guarded = True
