#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tincan-cli against real tools, on loopback only: netcat and socat in
# plain-text mode, a Python recvfrom(1024) reader like the script Tin Can
# grew out of, and two tincan-cli processes.  Also the CLI contract: its
# JSON events and its exit statuses.  And, where it may make network
# namespaces (root, iproute2), two tincan-cli across a veth pair of a
# given MTU, in namespaces it makes and removes.  Prints TAP.
#
# Usage: test-interop.py PATH-TO-TINCAN-CLI

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

from tincantap import LOOPBACK, check, events, free_port, run_tests, skip
from tincantap import finish as finish_within

CLI = sys.argv[1]
LIMIT = 20  # seconds, for any one process
# Loopback only: a chat run would otherwise announce itself on every
# interface (see test-discovery.sh for that).
SILENT = "--no-discovery"


def cli(*args, stdin=None, input_bytes=None):
    """Runs tincan-cli to the end; returns (status, stdout, stderr)."""
    process = subprocess.run(
        [CLI, SILENT, *args],
        input=input_bytes if input_bytes is not None else b"",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=LIMIT,
    )
    return process.returncode, process.stdout.decode(), process.stderr.decode()


def cli_background(*args, stdout=subprocess.PIPE):
    return subprocess.Popen(
        [CLI, SILENT, *args],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
    )


def wait_ready(process):
    """Reads the ready event of a --json tincan-cli; returns its port."""
    line = process.stdout.readline().decode()
    event = json.loads(line)
    assert event["event"] == "ready", line
    return event["port"]


def finish(process):
    return finish_within(process, LIMIT)


def test_two_clis():
    port_a, port_b = free_port(), free_port()
    receiver = cli_background("--json", "-l", str(port_b), "-c", "3", "-t", "15",
                              f"{LOOPBACK}:{port_a}")
    wait_ready(receiver)
    lines = "first line\nsecond line, ünïcödé\n\nthird\n".encode()
    status, out, err = cli("--json", "-l", str(port_a), "-t", "15", f"{LOOPBACK}:{port_b}",
                           input_bytes=lines)
    sent = events(out)
    check("two clis: the sender exits 0", status == 0, err)
    check("two clis: ready, then sent and delivered for each line",
          sent[0] == {"event": "ready", "port": port_a}
          and len([e for e in sent if e["event"] == "delivered"]) == 3
          and len([e for e in sent if e["event"] == "sent"]) == 3, out)
    check("two clis: the empty line is not a message",
          len([e for e in sent if e["event"] == "sent"]) == 3, out)

    status, out, err = finish(receiver)
    got = [e for e in events(out) if e["event"] == "received"]
    check("two clis: the receiver exits 0 after --count", status == 0, err)
    check("two clis: received in order, as sent",
          [e["text"] for e in got] == ["first line", "second line, ünïcödé", "third"]
          and all(e["plain"] is False and e["id"] for e in got), out)
    check("two clis: peer events", any(e.get("event") == "peer" and e.get("state") == "online"
                                       and e.get("encrypted") is True
                                       and len(e.get("fingerprint", "").split()) == 8
                                       and e.get("verified") is False
                                       for e in events(out)), out)


def test_keys():
    """--trust, and trust on first use with --history, each side with its
    own identity."""
    with tempfile.TemporaryDirectory() as tmp:
        a_key, b_key, b2_key = (os.path.join(tmp, name) for name in ("a", "b", "b2"))
        history = os.path.join(tmp, "a.db")
        fp_b = cli("--identity", b_key, "--fingerprint")[1].strip()
        fp_b2 = cli("--identity", b2_key, "--fingerprint")[1].strip()
        port_a, port_b = free_port(), free_port()

        def receiver(key, seconds):
            process = cli_background("--json", "--identity", key, "-l", str(port_b), "-c", "1",
                                     "-t", str(seconds), f"{LOOPBACK}:{port_a}")
            wait_ready(process)
            return process

        def send(text, *args, seconds=15):
            return cli("--json", "--identity", a_key, "-l", str(port_a), "-t", str(seconds),
                       "-s", text, *args, f"{LOOPBACK}:{port_b}")

        def received(out):
            return [e["text"] for e in events(out) if e["event"] == "received"]

        check("keys: two identities, two fingerprints", fp_b != fp_b2 and len(fp_b.split()) == 8,
              f"{fp_b} / {fp_b2}")

        # --trust with the peer's fingerprint: delivered, and verified.
        peer = receiver(b_key, 15)
        status, out, err = send("for b", "--trust", fp_b)
        _, peer_out, _ = finish(peer)
        check("keys: --trust with the peer's fingerprint delivers",
              status == 0 and received(peer_out) == ["for b"], out + err)
        check("keys: the peer event says encrypted and verified, with its fingerprint",
              any(e["event"] == "peer" and e["state"] == "online" and e["encrypted"]
                  and e["verified"] and e["fingerprint"] == fp_b for e in events(out)), out)

        # --trust, and another key answers: exit 1, one line, nothing shown there.
        peer = receiver(b2_key, 4)
        status, out, err = send("not for b2", "--trust", fp_b)
        _, peer_out, _ = finish(peer)
        check("keys: --trust refuses another key: exit 1 with one line",
              status == 1 and len(err.strip().splitlines()) == 1 and fp_b2 in err, err)
        check("keys: nothing delivered to the other key",
              received(peer_out) == [] and not any(e["event"] == "delivered" for e in events(out)),
              out + peer_out)

        # Trust on first use: B's key is pinned in the history...
        peer = receiver(b_key, 15)
        status, out, err = send("first", "--history", history)
        _, peer_out, _ = finish(peer)
        check("keys: the first key met is pinned", status == 0 and received(peer_out) == ["first"],
              out + err)

        # ...so another key for the same address is refused, and the
        # message waits: neither delivered nor failed.
        peer = receiver(b2_key, 4)
        status, out, err = send("second", "--history", history, seconds=3)
        _, peer_out, _ = finish(peer)
        changed = [e for e in events(out) if e["event"] == "key-changed"]
        check("keys: a changed key is reported, with its fingerprint and safety number",
              len(changed) >= 1 and changed[0]["fingerprint"] == fp_b2
              and len(changed[0]["safety_number"].split()) == 12, out + err)
        check("keys: nothing goes to the changed key, and nothing fails",
              received(peer_out) == []
              and not any(e["event"] in ("delivered", "failed") for e in events(out)),
              out + peer_out)

        # The pinned key comes back: what waited is delivered.
        peer = receiver(b_key, 15)
        status, out, err = cli("--json", "--identity", a_key, "-l", str(port_a), "-t", "15",
                               "--history", history, f"{LOOPBACK}:{port_b}")
        _, peer_out, _ = finish(peer)
        check("keys: with the pinned key back, the message that waited arrives",
              received(peer_out) == ["second"], out + err + peer_out)


def test_file_and_plain_output():
    port_a, port_b = free_port(), free_port()
    text = "".join(chr(0x4e00 + (i % 500)) for i in range(100000))  # 300,000 bytes
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", delete=False) as f:
        f.write(text)
        path = f.name
    # Into a file: a pipe nobody reads yet would fill up and stall it.
    with tempfile.TemporaryFile() as output:
        receiver = cli_background("-l", str(port_b), "-c", "1", "-t", "15", f"{LOOPBACK}:{port_a}",
                                  stdout=output)
        time.sleep(0.2)
        status, out, err = cli("-l", str(port_a), "-f", path, "-t", "15", f"{LOOPBACK}:{port_b}")
        os.unlink(path)
        check("--file: delivered, exit 0", status == 0, err)
        status, _, err = finish(receiver)
        output.seek(0)
        out = output.read().decode()
    check("plain output: the text and a newline", status == 0 and out == text + "\n",
          f"{len(out)} characters")


def test_from_netcat():
    port = free_port()
    receiver = cli_background("--json", "--plain", "-l", str(port), "-c", "2", "-t", "10",
                              f"{LOOPBACK}:{free_port()}")
    wait_ready(receiver)
    subprocess.run(["nc", "-u", "-w", "1", LOOPBACK, str(port)],
                   input=b"hello from nc\n", timeout=LIMIT)
    subprocess.run(["socat", "-u", "-", f"UDP4-SENDTO:{LOOPBACK}:{port}"],
                   input=b"and from socat\n", timeout=LIMIT)
    status, out, err = finish(receiver)
    got = [e for e in events(out) if e["event"] == "received"]
    check("nc and socat: received as plain",
          status == 0 and [(e["text"], e["plain"]) for e in got]
          == [("hello from nc", True), ("and from socat", True)], out + err)


def send_datagrams(port, *datagrams):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for datagram in datagrams:
            s.sendto(datagram, (LOOPBACK, port))
            time.sleep(0.02)


def test_ignored():
    """What is not a message is an ignored event, never a received one: in
    Tin Can mode anything that is not Tin Can, in plain mode anything that
    is not text."""
    port = free_port()
    receiver = cli_background("--json", "-l", str(port), "-c", "1", "-t", "2",
                              f"{LOOPBACK}:{free_port()}")
    wait_ready(receiver)
    send_datagrams(port, b"hello from nc\n", b"\xff\x00garbage")
    status, out, err = finish(receiver)
    check("Tin Can mode: plain text and garbage are ignored, not received",
          status == 1 and events(out, "ignored") == [
              {"event": "ignored", "reason": "not a Tin Can packet", "bytes": 14},
              {"event": "ignored", "reason": "not a Tin Can packet", "bytes": 9}]
          and not events(out, "received"), out + err)

    port = free_port()
    receiver = cli_background("--json", "--plain", "-l", str(port), "-c", "1", "-t", "10",
                              f"{LOOPBACK}:{free_port()}")
    wait_ready(receiver)
    send_datagrams(port, b"caf\xe9\n", b"\x1b[2Jcleared", "ünïcödé 🥫\n".encode())
    status, out, err = finish(receiver)
    check("plain mode: what is not text is ignored, text is received",
          status == 0
          and events(out, "ignored") == [
              {"event": "ignored", "reason": "not valid UTF-8", "bytes": 5},
              {"event": "ignored", "reason": "control characters", "bytes": 11}]
          and [e["text"] for e in events(out, "received")] == ["ünïcödé 🥫"], out + err)


def test_goodbye():
    """SIGTERM: the receiver says goodbye, lingers since it received a
    message, and exits 1; its peer shows it offline at once, and its
    message was delivered."""
    port_a, port_b = free_port(), free_port()
    receiver = cli_background("--json", "-l", str(port_b), "-c", "5", "-t", "15",
                              f"{LOOPBACK}:{port_a}")
    wait_ready(receiver)
    sender = subprocess.Popen([CLI, SILENT, "--json", "-l", str(port_a), "-t", "15", f"{LOOPBACK}:{port_b}"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    sender.stdin.write(b"before you go\n")
    sender.stdin.flush()
    while True:
        line = receiver.stdout.readline().decode()
        if not line or json.loads(line)["event"] == "received":
            break
    started = time.monotonic()
    receiver.send_signal(signal.SIGTERM)
    status, out, err = finish(receiver)
    elapsed = time.monotonic() - started
    check("SIGTERM: a goodbye, lingering, then exit 1", status == 1 and 1.5 <= elapsed < 10,
          f"status {status} after {elapsed:.1f} s: {err}")

    # Its input ends: it has nothing more to send.
    status, out, err = finish(sender)
    check("the peer's BYE: offline at once, the message delivered",
          status == 0 and any(e["event"] == "peer" and e["state"] == "offline" for e in events(out))
          and len(events(out, "delivered")) == 1, out + err)


def test_to_netcat():
    port = free_port()
    nc = subprocess.Popen(["nc", "-u", "-l", "-W", "1", LOOPBACK, str(port)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.3)
    status, out, err = cli("--plain", "-l", "0", "-s", "to netcat", "-t", "10",
                           f"{LOOPBACK}:{port}")
    try:
        got, _ = nc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        nc.kill()
        got, _ = nc.communicate()
    check("plain send to nc -u: exit 0 once sent", status == 0, err)
    check("plain send to nc -u: received", got == b"to netcat", repr(got))


def test_recvfrom_1024():
    reader = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    reader.bind((LOOPBACK, 0))
    reader.settimeout(3)
    port = reader.getsockname()[1]
    text = "ä" * 700 + "€" * 300 + "x" * 700  # 1400 + 900 + 700 = 3000 bytes
    status, out, err = cli("--plain", "-l", "0", "-s", text, "-t", "10", f"{LOOPBACK}:{port}")
    parts = []
    try:
        while len(b"".join(parts)) < 3000:
            data, _ = reader.recvfrom(1024)
            parts.append(data)
    except socket.timeout:
        pass
    reader.close()
    joined = b"".join(parts)
    check("recvfrom(1024): 3000 bytes arrive whole, in pieces",
          status == 0 and joined == text.encode() and len(parts) == 3
          and all(len(p) <= 1024 for p in parts), [len(p) for p in parts])
    check("recvfrom(1024): every piece is valid UTF-8 on its own",
          all(p.decode("utf-8") is not None for p in parts))


def test_plain_with_history():
    """--plain --history: stored, then sent at once, and reported sent once."""
    reader = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    reader.bind((LOOPBACK, 0))
    reader.settimeout(3)
    port = reader.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        history = os.path.join(folder, "history.db")
        status, out, err = cli("--json", "--plain", "--history", history, "-l", "0",
                               "-s", "kept, then sent", "-t", "10", f"{LOOPBACK}:{port}")
        try:
            got, _ = reader.recvfrom(1024)
        except socket.timeout:
            got = b""
        db = sqlite3.connect(history)
        rows = db.execute("SELECT text, state FROM messages").fetchall()
        db.close()
    reader.close()
    check("plain with --history: exit 0, received", status == 0 and got == b"kept, then sent",
          err)
    check("plain with --history: one sent event", len(events(out, "sent")) == 1, out)
    check("plain with --history: in the history as sent", rows == [("kept, then sent", 1)],
          rows)


def test_exit_statuses():
    port = free_port()
    holder = cli_background("-l", str(port), "-c", "1", "-t", "5", f"{LOOPBACK}:{free_port()}")
    time.sleep(0.3)
    status, out, err = cli("-l", str(port), "-s", "x", "-t", "3", f"{LOOPBACK}:{free_port()}")
    holder.kill()
    holder.communicate()
    check("port in use: exit 2, one line",
          status == 2 and err.count("\n") == 1 and f"UDP port {port} is already in use" in err, err)

    status, out, err = cli("-l", "0", "-s", "x", "bad host!")
    check("bad address: exit 2, one line", status == 2 and err.count("\n") == 1
          and "not an IP address or a host name" in err, err)

    status, out, err = cli("-l", "0", "-s", "x", f"{LOOPBACK}:70000")
    check("bad port: exit 2", status == 2 and err.count("\n") == 1, err)

    status, out, err = cli("-l", "0", "-f", "-", f"{LOOPBACK}:{free_port()}",
                           input_bytes=b"y" * (1024 * 1024 + 1))
    check("message too large: exit 2, one line", status == 2 and err.count("\n") == 1
          and "1 MiB" in err, err)

    status, out, err = cli("-l", "0")
    check("no peer: exit 2", status == 2 and err.count("\n") == 1, err)

    status, out, err = cli("--bogus", f"{LOOPBACK}")
    check("unknown option: exit 2", status == 2 and err.count("\n") == 1, err)

    # Nobody listens: not delivered before the timeout.
    started = time.monotonic()
    status, out, err = cli("-l", "0", "-s", "anyone?", "-t", "2", f"{LOOPBACK}:{free_port()}")
    check("timeout: exit 1", status == 1 and "timed out" in err
          and time.monotonic() - started < 10, err)


def ip(*args):
    return subprocess.run(["ip", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=10)


def tx_packets(namespace, device):
    shown = json.loads(ip("-n", namespace, "-s", "-j", "link", "show", device).stdout)
    return shown[0]["stats64"]["tx"]["packets"]


def test_path_size_over_veth():
    """A veth pair between two namespaces made here, at Ethernet's MTU,
    a jumbo one, and one below Ethernet's: the sender's DATA is as big as
    each carries (1452, 8952, or the 1200-byte base), and 300,000 bytes
    arrive whole.  Counted as the packets the sender's side transmits."""
    name = "path size over veth"
    if shutil.which("ip") is None or os.geteuid() != 0:
        skip(name, "needs root and iproute2, to make network namespaces")
        return
    ns_a, ns_b = f"tincan{os.getpid()}a", f"tincan{os.getpid()}b"
    if ip("netns", "add", ns_a).returncode != 0:
        skip(name, "network namespaces cannot be made here")
        return
    try:
        setup = [("netns", "add", ns_b),
                 ("link", "add", "va", "netns", ns_a, "type", "veth", "peer", "name", "vb",
                  "netns", ns_b),
                 ("-n", ns_a, "addr", "add", "10.99.0.1/24", "dev", "va"),
                 ("-n", ns_b, "addr", "add", "10.99.0.2/24", "dev", "vb"),
                 ("-n", ns_a, "link", "set", "va", "up"),
                 ("-n", ns_b, "link", "set", "vb", "up")]
        for command in setup:
            result = ip(*command)
            if result.returncode != 0:
                skip(name, f"ip {' '.join(command)}: {result.stderr.decode().strip()}")
                return

        text = "x" * 300000
        # (MTU, datagram size, fragments of 300,000 bytes at that size)
        for mtu, size, fragments in ((1500, 1452, 215), (9000, 8952, 34), (1400, 1200, 262)):
            ip("-n", ns_a, "link", "set", "va", "mtu", str(mtu))
            ip("-n", ns_b, "link", "set", "vb", "mtu", str(mtu))
            # Into a file: a pipe nobody reads yet would fill up and stall it.
            output = tempfile.TemporaryFile()
            receiver = subprocess.Popen(
                ["ip", "netns", "exec", ns_b, CLI, SILENT, "-l", "2324", "-c", "2", "-t", "15",
                 "10.99.0.1:2323"],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.PIPE)
            time.sleep(0.3)
            sender = subprocess.Popen(
                ["ip", "netns", "exec", ns_a, CLI, SILENT, "-l", "2323", "-t", "15", "10.99.0.2:2324"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            # A first message, so the path is probed before the long one is cut.
            sender.stdin.write(b"hi\n")
            sender.stdin.flush()
            time.sleep(1.5)
            before = tx_packets(ns_a, "va")
            sender.stdin.write(text.encode() + b"\n")
            sender.stdin.flush()
            status, _, err = finish(sender)
            sent = tx_packets(ns_a, "va") - before
            finish(receiver)
            output.seek(0)
            out = output.read().decode()
            output.close()
            check(f"MTU {mtu}: delivered whole", status == 0 and out == "hi\n" + text + "\n",
                  err)
            check(f"MTU {mtu}: cut to {size}-byte datagrams",
                  fragments <= sent <= fragments + 12,
                  f"{sent} packets for {fragments} fragments")
    finally:
        ip("netns", "del", ns_a)
        ip("netns", "del", ns_b)


def main():
    for tool in ("nc", "socat"):
        if shutil.which(tool) is None:
            print(f"Bail out! {tool} is not installed")
            return 1

    return run_tests((test_two_clis, test_keys, test_file_and_plain_output, test_from_netcat,
                      test_ignored, test_goodbye, test_to_netcat, test_recvfrom_1024, test_plain_with_history,
                      test_exit_statuses,
                      test_path_size_over_veth))


if __name__ == "__main__":
    sys.exit(main())
