"""The network guard itself: it must refuse the outside world and let loopback through.

The test process has the guard on (tests/conftest.py), so most tests call the patched functions
directly; a test that needs the guard off, then on, runs in a child without VIRA_FORBID_NETWORK."""

import _socket
import asyncio
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from vira.book.offline import (OFFLINE_ENV, NetworkAccessBlocked, forbid_network, is_loopback,
                               network_command)

REMOTE_IP = "93.184.216.34"  # a public address: nothing may reach it


def run_python(code: str, guarded: bool) -> subprocess.CompletedProcess:
    """``code`` in a fresh Python child; ``guarded=False``: vira's guard is off there until the code
    turns it on (the child does not inherit VIRA_FORBID_NETWORK)."""
    env = dict(os.environ)
    if not guarded:
        env.pop("VIRA_FORBID_NETWORK")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


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
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(NetworkAccessBlocked, match="example.org"):
        socket.getaddrinfo("example.org", 443)


def test_guard_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=2):
        pass
    server.close()


RESOLVERS = [("gethostbyname", ("example.org",)), ("gethostbyname_ex", ("example.org",)),
             ("gethostbyaddr", (REMOTE_IP,)), ("getnameinfo", ((REMOTE_IP, 80), 0)),
             ("getaddrinfo", ("example.org", 443))]


@pytest.mark.parametrize("name, args", RESOLVERS, ids=[r[0] for r in RESOLVERS])
def test_every_resolver_refuses_a_remote_name(name, args):
    with pytest.raises(NetworkAccessBlocked, match=name):
        getattr(socket, name)(*args)


def test_a_refused_name_is_never_handed_to_the_real_resolver():
    """No DNS query leaves the machine: the guard raises before calling the real resolver (here
    stubs that record their calls, installed before the guard in a child)."""
    out = run_python(f"""
        import socket
        calls = []
        for name in {[r[0] for r in RESOLVERS]!r}:
            setattr(socket, name, lambda *a, **k: calls.append(a))
        from vira.book.offline import NetworkAccessBlocked, forbid_network
        forbid_network()
        refused = 0
        for name, args in {RESOLVERS!r}:
            try:
                getattr(socket, name)(*args)
            except NetworkAccessBlocked:
                refused += 1
        try:
            socket.getaddrinfo(host="example.net", port=80)
        except NetworkAccessBlocked:
            refused += 1
        print(refused, calls)
    """, guarded=False)
    assert out.stdout.split() == ["6", "[]"], out.stdout + out.stderr


def test_loopback_names_still_resolve():
    assert socket.gethostbyname("localhost").startswith("127.")
    assert socket.gethostbyname_ex("127.0.0.1")[2] == ["127.0.0.1"]
    numeric = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
    assert socket.getnameinfo(("127.0.0.1", 80), numeric) == ("127.0.0.1", "80")
    assert socket.getaddrinfo("::1", 80)[0][4][0] == "::1"
    assert socket.getaddrinfo(None, 80)  # the wildcard address: no name to resolve
    try:
        socket.gethostbyaddr("127.0.0.1")
    except socket.herror:  # a machine whose hosts file lacks the reverse entry: no guard error
        pass


def test_udp_sends_to_a_remote_host_are_refused():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(NetworkAccessBlocked, match="192.0.2.1"):
            udp.sendmsg([b"x"], [], 0, ("192.0.2.1", 53))
        with pytest.raises(NetworkAccessBlocked, match="192.0.2.1"):
            udp.sendto(b"x", ("192.0.2.1", 53))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
            receiver.bind(("127.0.0.1", 0))
            udp.sendmsg([b"hi"], [], 0, receiver.getsockname())
            assert receiver.recv(2) == b"hi"


def test_a_raw_socket_made_past_socket_socket_is_guarded():
    raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessBlocked, match=REMOTE_IP):
            raw.connect((REMOTE_IP, 80))
        with pytest.raises(NetworkAccessBlocked, match=REMOTE_IP):
            raw.connect_ex((REMOTE_IP, 80))
    finally:
        raw.close()
    udp = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        with pytest.raises(NetworkAccessBlocked):
            udp.sendto(b"x", (REMOTE_IP, 53))
        with pytest.raises(NetworkAccessBlocked):
            udp.sendmsg([b"x"], [], 0, (REMOTE_IP, 53))
    finally:
        udp.close()
    with socket.create_server(("127.0.0.1", 0)) as server:
        raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        assert raw.connect_ex(server.getsockname()) == 0
        raw.close()


def test_sockets_still_behave_under_the_guard():
    """socket.socket objects are still _socket.socket's, socketpair/fromfd work, asyncio talks over
    loopback (as a Jupyter kernel's client does)."""
    s = socket.socket()
    assert isinstance(s, _socket.socket) and isinstance(s, _socket.SocketType)
    assert issubclass(socket.socket, _socket.socket)
    a, b = socket.socketpair()
    a.sendall(b"hi")
    assert b.recv(2) == b"hi"
    c = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
    c.sendall(b"yo")
    assert b.recv(2) == b"yo"
    for x in (s, a, b, c):
        x.close()

    async def echo():
        async def handle(reader, writer):
            writer.write(await reader.read(5))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        reader, writer = await asyncio.open_connection("localhost", server.sockets[0].getsockname()[1])
        writer.write(b"hello")
        await writer.drain()
        got = await reader.read(5)
        writer.close()
        server.close()
        return got

    assert asyncio.run(echo()) == b"hello"


def test_the_guard_sets_the_offline_variables_for_every_child():
    for name, value in OFFLINE_ENV.items():
        assert os.environ[name] == value, name
    assert os.environ["https_proxy"] == "http://127.0.0.1:9" and os.environ["PIP_NO_INDEX"] == "1"
    assert os.environ["GIT_ALLOW_PROTOCOL"] == "file" and os.environ["HF_HUB_OFFLINE"] == "1"
    with pytest.raises(NetworkAccessBlocked, match="dead proxy"):  # urllib here goes to the proxy
        __import__("urllib.request").request.urlopen("https://example.org/", timeout=2)


def test_forbid_network_is_idempotent():
    before = (socket.getaddrinfo, socket.socket.connect, _socket.socket, subprocess.Popen.__init__, os.system)
    forbid_network()
    assert (socket.getaddrinfo, socket.socket.connect, _socket.socket, subprocess.Popen.__init__,
            os.system) == before


# every target is loopback or also refused by the offline variables: a broken guard reaches nothing
NETWORK_STARTS = {
    "run curl": lambda: subprocess.run(["curl", "https://example.org"], capture_output=True, timeout=30),
    "system wget": lambda: os.system("true && wget x"),
    "git clone": lambda: subprocess.run(["git", "clone", "https://example.org/x.git"], capture_output=True),
    "git -C fetch": lambda: subprocess.check_output(["/usr/bin/git", "-C", "/nonexistent", "fetch"]),
    "shell string": lambda: subprocess.run("ls | nc -z 127.0.0.1 9", shell=True, capture_output=True),
    "bash -c": lambda: subprocess.run(["bash", "-lc", "cd /tmp; telnet 127.0.0.1 9"], capture_output=True),
    "popen": lambda: os.popen("echo $(ping -c 1 -W 1 127.0.0.1)").read(),
    "execv": lambda: os.execv("/nonexistent/curl", ["curl", "x"]),  # unguarded: FileNotFoundError
    "execlp": lambda: os.execlp("/nonexistent/wget", "wget", "x"),
    "posix_spawnp": lambda: os.posix_spawnp("/nonexistent/scp", ["scp", "a", "h:b"], os.environ),
}


@pytest.mark.parametrize("start", NETWORK_STARTS.values(), ids=NETWORK_STARTS.keys())
def test_network_programs_are_not_started(start):
    with pytest.raises(NetworkAccessBlocked, match="starting"):
        start()


@pytest.mark.parametrize("command, found", [
    ("curl https://x", "curl https://x"), ("true && wget x", "wget x"),
    ("a; b || /usr/bin/rsync a h:b", "/usr/bin/rsync a h:b"),
    ("echo $(curl x)", "curl x"), ("x=`dig y`", "dig y"), ("cat <(curl x)", "curl x"),
    ("A=1 env -i curl x", "curl x"), ("git -c a=b fetch origin", "git -c a=b fetch origin"),
    ("git submodule update --init", "git submodule update --init"), ("sh -c 'ping host'", "ping host"),
    ("git status && git log", None), ("git submodule status", None), ("git remote -v", None),
    ("echo 'a; curl b'", None), ("echo hi > host", None), ("ls 2>&1 | grep ssh", None),
    ("ffmpeg -i a.mp4 b.wav", None), ("python -m ipykernel_launcher -f k.json", None), ("sh script.sh", None),
])
def test_network_command_finds_the_network_program_in_a_shell_string(command, found):
    assert network_command(command, shell=True) == found


def test_other_programs_start_as_before():
    assert subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.startswith("git version")
    assert subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True,
                          cwd=os.path.dirname(__file__)).stdout.strip() == "true"
    assert subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True, text=True).stdout == "1\n"
    assert os.system("true") == 0 and os.popen("echo ok").read() == "ok\n"


def test_a_python_child_without_vira_sees_the_offline_variables():
    """Given its own env too; its urllib and git fail at once, at the dead proxy / the protocol."""
    code = textwrap.dedent("""
        import os, subprocess, sys, urllib.request
        print(os.environ["https_proxy"], os.environ["PIP_NO_INDEX"], "vira" in sys.modules)
        try:
            urllib.request.urlopen("http://example.org/", timeout=5)
        except OSError as e:
            print("urllib:", e)
        git = subprocess.run(["git", "clone", "https://example.org/x.git", "/nonexistent/x"],
                             capture_output=True, text=True)
        print("git:", git.stderr.strip().splitlines()[-1])
    """)
    for env in (None, {"PATH": os.environ["PATH"]}):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
        lines = out.stdout.splitlines()
        assert lines[0] == "http://127.0.0.1:9 1 False", out.stdout + out.stderr
        assert "Connection refused" in lines[1], lines
        assert "transport 'https' not allowed" in lines[2], lines


def test_kernels_importing_vira_get_the_guard():
    """A fresh process with VIRA_FORBID_NETWORK=1 (as notebook kernels under test) is guarded."""
    code = ("import vira, urllib.request\n"
            "try:\n    urllib.request.urlopen('http://192.0.2.1/', timeout=1)\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "VIRA_FORBID_NETWORK": "1"}).stdout
    assert "blocked" in out, out


def test_a_notebook_still_executes_under_the_guard():
    """A Jupyter kernel, started from this guarded process and talking zmq over loopback, runs a
    notebook that imports vira; inside, the guard refuses a resolver, a raw socket and curl."""
    import nbformat
    from nbclient import NotebookClient

    checks = textwrap.dedent("""
        import _socket, socket, subprocess
        import vira
        from vira.book.offline import NetworkAccessBlocked
        refused = []
        for attempt in (lambda: socket.gethostbyname("example.org"),
                        lambda: _socket.socket().connect(("93.184.216.34", 80)),
                        lambda: subprocess.run(["curl", "https://example.org"])):
            try:
                attempt()
            except NetworkAccessBlocked:
                refused.append(True)
        print(len(refused), socket.gethostbyname("localhost"))
    """)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(checks)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert nb.cells[0].outputs[0]["text"] == "3 127.0.0.1\n", nb.cells[0].outputs
