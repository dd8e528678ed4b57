#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tincan-cli --ipmsg on loopback: two of them exchange messages (both
# delivered, both exit 0); a raw socket at 127.0.0.2 standing in for IP
# Messenger sends CP932 text, and the same message twice (shown once,
# acknowledged twice); a peer that never answers makes the run fail
# after five tries a second apart (exit 1, a "failed" event); and
# --ipmsg with --send-file is a usage error (exit 2).
# The two tincan-cli listen on ports of their own: a tincan-cli binds
# every address, so two cannot share a port on one computer.
# Prints TAP.
#
# Usage: test-ipmsg-cli.py PATH-TO-TINCAN-CLI

import socket
import subprocess
import sys
import time

from tincantap import LOOPBACK, check, events, free_port, run_tests
from tincantap import finish as finish_within

CLI = sys.argv[1]
LIMIT = 30  # seconds, for any one run
PEER = "127.0.0.2"
SENDMSG, RECVMSG, BR_ENTRY, BR_EXIT = 0x20, 0x21, 0x01, 0x02
SENDCHECKOPT = 0x100


def cli(port, peer, *extra):
    return [CLI, "--ipmsg", "--json", "-l", str(port), *extra, peer]


def start(args):
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def parse(datagram):
    """An IP Messenger datagram's fields: version, number, user, host,
    command, and the extra up to the first NUL (bytes)."""
    head, _, _ = datagram.partition(b"\0")
    fields = head.split(b":", 5)
    if len(fields) < 6:
        return None
    return {"version": fields[0].decode(errors="replace"), "number": int(fields[1]),
            "command": int(fields[4]), "extra": fields[5]}


def raw_peer():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((PEER, 0))
    return s


def collect(s, seconds, stop=None):
    """(time, parsed datagram) for what @s receives within @seconds, or
    until stop(list) says so."""
    heard = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (stop and stop(heard)):
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data, _ = s.recvfrom(65536)
        except socket.timeout:
            break
        heard.append((time.monotonic(), parse(data)))
    return heard


def of(heard, command):
    return [p for _, p in heard if p and p["command"] & 0xFF == command]


def test_two_clis():
    port_a, port_b = free_port(), free_port()
    a = start(cli(port_a, f"{LOOPBACK}:{port_b}", "--name", "Ada", "-s", "from Ada, 日本語", "-c", "1",
                  "-t", str(LIMIT)))
    b = start(cli(port_b, f"{LOOPBACK}:{port_a}", "--name", "Grace", "-s", "from Grace", "-c", "1",
                  "-t", str(LIMIT)))
    status_a, out_a, err_a = finish_within(a, LIMIT + 5)
    status_b, out_b, err_b = finish_within(b, LIMIT + 5)

    check("two tincan-cli --ipmsg: both exit 0", status_a == 0 and status_b == 0,
          f"a {status_a}: {out_a}{err_a}\nb {status_b}: {out_b}{err_b}")
    check("two tincan-cli --ipmsg: each message delivered",
          len(events(out_a, "delivered")) == 1 and len(events(out_b, "delivered")) == 1, out_a + out_b)
    received_a = [e["text"] for e in events(out_a, "received")]
    received_b = [e["text"] for e in events(out_b, "received")]
    check("two tincan-cli --ipmsg: each received the other's text",
          received_a == ["from Grace"] and received_b == ["from Ada, 日本語"],
          f"{received_a} {received_b}")
    peers = events(out_a, "peer")
    check("two tincan-cli --ipmsg: online, not encrypted",
          any(e["state"] == "online" for e in peers) and not any(e["encrypted"] for e in peers), out_a)


def test_raw_peer_cp932_and_duplicate():
    port = free_port()
    s = raw_peer()
    peer_port = s.getsockname()[1]
    run = start(cli(port, f"{PEER}:{peer_port}", "--name", "Ada", "-c", "2", "-t", str(LIMIT)))

    # Its BR_ENTRY first: then it listens.
    entry = of(collect(s, 10, lambda h: of(h, BR_ENTRY)), BR_ENTRY)
    check("--ipmsg says BR_ENTRY to its peer at start, as Tin Can, with its --name",
          len(entry) == 1 and entry[0]["version"].startswith("1_tincan ") and entry[0]["extra"] == b"Ada",
          repr(entry))

    to = (LOOPBACK, port)
    cp932 = b"1:5:taro:PC01:%d:" % (SENDMSG | SENDCHECKOPT) + "日本語".encode("cp932") + b"\0"
    s.sendto(cp932, to)
    s.sendto(cp932, to)
    s.sendto(b"1_iptux 0.8.3:6:taro:PC01:%d:second\0" % (SENDMSG | SENDCHECKOPT), to)
    answers = of(collect(s, 10, lambda h: len(of(h, RECVMSG)) >= 3), RECVMSG)
    status, out, err = finish_within(run, LIMIT + 5)

    check("a raw IP Messenger peer: acknowledged 5, 5 again, then 6",
          [a["extra"] for a in answers] == [b"5", b"5", b"6"], repr(answers))
    received = [e["text"] for e in events(out, "received")]
    check("a raw IP Messenger peer: CP932 decoded, the repeat shown once",
          received == ["日本語", "second"], f"{received} {err}")
    check("a raw IP Messenger peer: --count 2 reached, exit 0", status == 0, f"{status} {out}{err}")
    s.close()


def test_no_answer():
    port = free_port()
    s = raw_peer()
    peer_port = s.getsockname()[1]
    started = time.monotonic()
    run = start(cli(port, f"{PEER}:{peer_port}", "-s", "anyone?", "-t", str(LIMIT)))
    heard = collect(s, 9, lambda h: of(h, BR_EXIT))
    status, out, err = finish_within(run, LIMIT + 5)
    took = time.monotonic() - started

    sends = [(t, p) for t, p in heard if p and p["command"] & 0xFF == SENDMSG]
    numbers = {p["number"] for _, p in sends}
    gaps = [b[0] - a[0] for a, b in zip(sends, sends[1:])]
    check("a peer that never answers: five SENDMSG, one number, a second apart",
          len(sends) == 5 and len(numbers) == 1 and all(0.8 < g < 1.6 for g in gaps),
          f"{len(sends)} {numbers} {gaps}")
    failed = events(out, "failed")
    check("a peer that never answers: failed, with a reason, exit 1 after about 5 s",
          status == 1 and len(failed) == 1 and "did not answer" in failed[0]["reason"] and 4 < took < 12,
          f"{status} {took:.1f}s {out}{err}")
    check("a peer that never answers: told BR_EXIT at the end", len(of(heard, BR_EXIT)) == 1, repr(heard))
    s.close()


def test_usage():
    for extra in (["--send-file", "/etc/hostname"], ["--receive-dir", "/tmp"], ["--plain"]):
        run = start([CLI, "--ipmsg", *extra, f"{PEER}:2425"])
        status, out, err = finish_within(run, 10)
        check(f"--ipmsg with {extra[0]}: usage error, exit 2, one line",
              status == 2 and "--ipmsg" in err and len(err.splitlines()) == 1, f"{status} {err}")


sys.exit(run_tests([test_usage, test_two_clis, test_raw_peer_cp932_and_duplicate, test_no_answer]))
