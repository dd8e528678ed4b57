# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the Python tests share: loopback ports, bounded waits on processes,
# and TAP output.

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

LOOPBACK = "127.0.0.1"

_results = []


def check(name, condition, detail=""):
    """Records one TAP result; @detail is printed when it failed."""
    _results.append((name, bool(condition), detail))


def skip(name, reason):
    """Records a TAP result that could not be tried here, and why."""
    _results.append((name, None, reason))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def events(text, kind=None):
    """The JSON events of tincan-cli --json output, or only those of @kind."""
    parsed = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [e for e in parsed if kind is None or e["event"] == kind]


def finish(process, limit):
    """Waits at most @limit seconds for @process, killing it after that;
    returns (status, stdout, stderr) as text."""
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, (out or b"").decode(), (err or b"").decode()


def run_tests(tests, *args):
    """Runs each test (an exception is a failure of it, not the end of the
    run), prints TAP, and returns the exit status."""
    for test in tests:
        try:
            test(*args)
        except Exception as error:
            check(f"{test.__name__} ran to the end", False, repr(error))

    print(f"1..{len(_results)}")
    failed = 0
    for number, (name, ok, detail) in enumerate(_results, 1):
        if ok is None:
            print(f"ok {number} - {name} # SKIP {detail}")
            continue
        print(f"{'ok' if ok else 'not ok'} {number} - {name}")
        if not ok:
            failed += 1
            for line in str(detail).splitlines()[:20]:
                print(f"#   {line}")
    return 1 if failed else 0


def ip(*args):
    """Runs `ip ARGS`, output captured, bounded in time."""
    return subprocess.run(["ip", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=10)


def make_bridge(namespaces, addresses):
    """Makes @namespaces (name → namespace; "br" holds the bridge) and
    gives every other one a veth "vNAME" on the bridge with
    @addresses[NAME]/24 and its broadcast address (iptux sends to each
    interface's, which `ip addr add` leaves unset unless asked, as DHCP
    or NetworkManager would set it).  Returns None, or why the network
    cannot be made."""
    for name in namespaces:
        result = ip("netns", "add", namespaces[name])
        if result.returncode != 0:
            return f"ip netns add: {result.stderr.decode().strip()}"
        subprocess.run(["ip", "netns", "exec", namespaces[name], "sysctl", "-q", "-w",
                        "net.ipv6.conf.default.accept_dad=0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
    bridge = namespaces["br"]
    setup = [("-n", bridge, "link", "add", "br0", "type", "bridge"),
             ("-n", bridge, "link", "set", "br0", "up")]
    for name in addresses:
        dev = "v" + name
        setup += [("link", "add", dev, "netns", namespaces[name], "type", "veth",
                   "peer", "name", "p" + dev, "netns", bridge),
                  ("-n", bridge, "link", "set", "p" + dev, "master", "br0"),
                  ("-n", bridge, "link", "set", "p" + dev, "up"),
                  ("-n", namespaces[name], "addr", "add", addresses[name] + "/24", "brd", "+",
                   "dev", dev),
                  ("-n", namespaces[name], "link", "set", dev, "up"),
                  ("-n", namespaces[name], "link", "set", "lo", "up")]
    for command in setup:
        result = ip(*command)
        if result.returncode != 0:
            return f"ip {' '.join(command)}: {result.stderr.decode().strip()}"
    return None


def remove_namespaces(namespaces):
    for name in namespaces:
        ip("netns", "del", namespaces[name])


def run_in_network(tests, make_network, remove_network, *args):
    """Runs @tests in network namespaces: @make_network() makes them (and
    returns why it could not, or None), @remove_network() removes them
    whatever happens.  Each test gets *@args and a temporary folder; as
    a normal user, or without iproute2, each is skipped, saying why."""
    if shutil.which("ip") is None or os.geteuid() != 0:
        for test in tests:
            skip(test.__name__, "needs root and iproute2, to make network namespaces")
        return run_tests([])

    # meson's timeout sends SIGTERM: the namespaces go all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        why = make_network()
        if why is not None:
            for test in tests:
                skip(test.__name__, f"network namespaces cannot be made here: {why}")
            return run_tests([])
        with tempfile.TemporaryDirectory() as folder:
            return run_tests(tests, *args, folder)
    finally:
        remove_network()
