#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Discovery between tincan-cli processes in network namespaces made here
# and removed at the end, even when a check fails: three computers on one
# bridge find each other; a fourth, on a second subnet behind a router,
# hears no announcement but can be chatted with; a peer given by
# fingerprint is found and talked to; and a flood of 1,000 forged
# announcements and queries leaves a discovering tincan-cli bounded,
# silent towards the forgers and on time.  --discover lists IP Messenger
# users too: a raw socket playing iptux answers its BR_ENTRY.  Nothing
# touches the host's interfaces: every link is made inside the namespaces.
#
# Usage: test-discovery.py PATH-TO-TINCAN-CLI
# (and, inside a namespace, its own helpers: --sniff, --forge and --ipmsg-peer)

import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantap import check, events, finish, run_tests, skip  # noqa: E402

GROUP4, GROUP6, PORT = "239.255.23.23", "ff02::2323", 2324
MAGIC = b"TCDS"
QUERY_SIZE = 108
LIMIT = 20  # seconds, for any one process
PID = os.getpid()
# Short: an interface name holds 15 bytes.
NS = {name: f"tcd{PID}{name}" for name in ("br", "a", "b", "c", "r", "d")}
ADDRESS = {"a": "10.23.0.1", "b": "10.23.0.2", "c": "10.23.0.3",
           "r": "10.23.0.254", "r2": "10.23.1.254", "d": "10.23.1.2"}


# Helpers run inside a namespace ------------------------------------------

def sniff(device, seconds):
    """Prints, as one JSON list, each discovery datagram that arrives on
    @device (not those sent from it): family, TTL or hop limit, source,
    destination, kind (1 announce, 2 query) and when."""
    ETH_P_ALL, PACKET_OUTGOING = 3, 4
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    raw.bind((device, 0))
    print("ready", flush=True)
    seen = []
    end = time.monotonic() + seconds
    while len(seen) < 10000:
        left = end - time.monotonic()
        if left <= 0:
            break
        raw.settimeout(left)
        try:
            frame, where = raw.recvfrom(65535)
        except socket.timeout:
            break
        if where[2] == PACKET_OUTGOING:
            continue
        kind = struct.unpack(">H", frame[12:14])[0]
        if kind == 0x0800 and frame[23] == 17:
            header = (frame[14] & 0x0f) * 4
            udp = frame[14 + header:]
            family, hops, source = 4, frame[22], socket.inet_ntoa(frame[26:30])
            destination = socket.inet_ntoa(frame[30:34])
        elif kind == 0x86dd and frame[20] == 17:
            udp = frame[54:]
            family, hops = 6, frame[21]
            source = socket.inet_ntop(socket.AF_INET6, frame[22:38])
            destination = socket.inet_ntop(socket.AF_INET6, frame[38:54])
        else:
            continue
        if struct.unpack(">H", udp[2:4])[0] == PORT and udp[8:12] == MAGIC:
            seen.append({"family": family, "hops": hops, "source": source,
                         "destination": destination, "kind": udp[13],
                         "time": time.monotonic()})
    print(json.dumps(seen), flush=True)


def announcement(key, port, name):
    return (MAGIC + bytes([1, 1, 0, 0]) + key + struct.pack(">HBB", port, 4, len(name)) + name)


def forge(device, address, count, seconds):
    """Sends @count announcements with random keys, each naming a chat
    port this helper listens on, and @count queries, out of @device;
    then, for @seconds, counts what comes back: answers on the sending
    socket (with their sizes), and anything at all on the chat port."""
    chat = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    chat.bind((address, 0))
    chat_port = chat.getsockname()[1]
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind((address, 0))
    sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(address))
    rng = random.Random(23)
    query = MAGIC + bytes([1, 2, 0, 0]) + bytes(QUERY_SIZE - 8)
    for i in range(count):
        key = bytes(rng.randrange(256) for _ in range(32))
        sender.sendto(announcement(key, chat_port, f"Forged {i}".encode()), (GROUP4, PORT))
        sender.sendto(query, (GROUP4, PORT))
        if i % 100 == 99:
            time.sleep(0.01)
    answers, chat_packets = [], 0
    end = time.monotonic() + seconds
    sender.setblocking(False)
    chat.setblocking(False)
    while time.monotonic() < end:
        for sock in (sender, chat):
            try:
                data, source = sock.recvfrom(65535)
            except BlockingIOError:
                continue
            if sock is chat:
                chat_packets += 1
            else:
                answers.append({"source": source[0], "size": len(data)})
        time.sleep(0.005)
    print(json.dumps({"answers": answers, "chat_packets": chat_packets}), flush=True)


# The network -------------------------------------------------------------

def ip(*args):
    return subprocess.run(["ip", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=10)


def in_ns(name, *command):
    return ["ip", "netns", "exec", NS[name], *command]


def veth(ns_one, dev_one, ns_two, dev_two):
    return ("link", "add", dev_one, "netns", NS[ns_one], "type", "veth",
            "peer", "name", dev_two, "netns", NS[ns_two])


def make_network():
    """a, b, c and the router r on a bridge (in namespace br), 10.23.0.0/24;
    d behind r on 10.23.1.0/24.  Returns None, or why it cannot be made."""
    for name in NS:
        result = ip("netns", "add", NS[name])
        if result.returncode != 0:
            return f"ip netns add: {result.stderr.decode().strip()}"
        # IPv6 link-local addresses usable at once, not after DAD.
        subprocess.run(in_ns(name, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
    setup = [("-n", NS["br"], "link", "add", "br0", "type", "bridge"),
             ("-n", NS["br"], "link", "set", "br0", "up")]
    for name, dev in (("a", "va"), ("b", "vb"), ("c", "vc"), ("r", "vr")):
        setup += [veth(name, dev, "br", "p" + dev),
                  ("-n", NS["br"], "link", "set", "p" + dev, "master", "br0"),
                  ("-n", NS["br"], "link", "set", "p" + dev, "up"),
                  ("-n", NS[name], "addr", "add", ADDRESS[name] + "/24", "dev", dev),
                  ("-n", NS[name], "link", "set", dev, "up"),
                  ("-n", NS[name], "link", "set", "lo", "up")]
    setup += [veth("r", "vr2", "d", "vd"),
              ("-n", NS["r"], "addr", "add", ADDRESS["r2"] + "/24", "dev", "vr2"),
              ("-n", NS["r"], "link", "set", "vr2", "up"),
              ("-n", NS["d"], "addr", "add", ADDRESS["d"] + "/24", "dev", "vd"),
              ("-n", NS["d"], "link", "set", "vd", "up"),
              ("-n", NS["d"], "link", "set", "lo", "up"),
              ("-n", NS["d"], "route", "add", "default", "via", ADDRESS["r2"])]
    for name in ("a", "b", "c"):
        setup.append(("-n", NS[name], "route", "add", "10.23.1.0/24", "via", ADDRESS["r"]))
    for command in setup:
        result = ip(*command)
        if result.returncode != 0:
            return f"ip {' '.join(command)}: {result.stderr.decode().strip()}"
    result = subprocess.run(in_ns("r", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
    if result.returncode != 0:
        return f"sysctl ip_forward: {result.stderr.decode().strip()}"
    return None


def remove_network():
    for name in NS:
        ip("netns", "del", NS[name])


def ipmsg_peer(seconds):
    """An IP Messenger user on 0.0.0.0:2425, as iptux answers: ANSENTRY
    to each BR_ENTRY.  Prints "ready", then one JSON list of the commands
    that came (source, command, version)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 2425))
    print("ready", flush=True)
    seen = []
    number = 1
    end = time.monotonic() + seconds
    while len(seen) < 1000:
        left = end - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data, source = sock.recvfrom(65535)
        except socket.timeout:
            break
        fields = data.split(b":", 5)
        if len(fields) < 6:
            continue
        try:
            command = int(fields[4])
        except ValueError:
            continue
        seen.append({"source": source[0], "command": command & 0xff,
                     "version": fields[0].decode(errors="replace")})
        if command & 0xff == 0x01:
            number += 1
            answer = (f"1_iptux 0.8.3:{number}:ipuser:iphost:{0x03}:".encode()
                      + "Iptux User".encode() + b"\0" + b"Office" + b"\0")
            sock.sendto(answer, source)
    print(json.dumps(seen), flush=True)


# The tests ---------------------------------------------------------------

class Computers:
    def __init__(self, cli, folder):
        self.cli = cli
        self.folder = folder
        self.fingerprint = {}
        for name in ("a", "b", "c", "d"):
            result = subprocess.run([cli, "--identity", self.key(name), "--fingerprint"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    timeout=LIMIT)
            self.fingerprint[name] = result.stdout.decode().strip()

    def key(self, name):
        return os.path.join(self.folder, name + ".key")

    def start(self, name, *args, stdin=subprocess.DEVNULL):
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(self.folder, "data-" + name))
        return subprocess.Popen(in_ns(name, self.cli, "--identity", self.key(name), *args),
                                stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env)

    def helper(self, name, *args):
        process = subprocess.Popen(in_ns(name, sys.executable, os.path.abspath(__file__), *args),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        return process


def wait_line(process, limit=10):
    """The first line @process prints, within @limit seconds."""
    import selectors
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(limit):
            return ""
    return process.stdout.readline().decode().strip()


def nearby_by_fingerprint(out):
    try:
        return {e["fingerprint"]: e for e in events(out, "nearby") if e.get("mode") == "tincan"}
    except (ValueError, KeyError):
        return {}


def test_three_on_a_bridge(computers):
    """Each of three finds the other two within 2 s, with the names,
    fingerprints, addresses, port and version they announced; what b
    hears of it, on both groups and in answers, was sent with a TTL (hop
    limit) of 1."""
    sniffer = computers.helper("b", "--sniff", "vb", "3")
    ready = wait_line(sniffer)
    started = time.monotonic()
    runs = {name: computers.start(name, "--discover", "-t", "2", "--json")
            for name in ("a", "b", "c")}
    results = {name: finish(process, LIMIT) for name, process in runs.items()}
    elapsed = time.monotonic() - started
    _, sniffed, sniff_err = finish(sniffer, LIMIT)

    check("three on a bridge: each ran 2 s and no more", elapsed < 6, f"{elapsed:.1f} s")
    for name, (status, out, err) in results.items():
        others = [o for o in ("a", "b", "c") if o != name]
        found = nearby_by_fingerprint(out)
        check(f"three on a bridge: {name} exits 0", status == 0, err)
        check(f"three on a bridge: {name} found exactly the other two",
              sorted(found) == sorted(computers.fingerprint[o] for o in others), out + err)
        for other in others:
            event = found.get(computers.fingerprint[other], {})
            check(f"three on a bridge: {name} has {other}'s address, port, version and name",
                  ADDRESS[other] in event.get("addresses", [])
                  and event.get("port") == 2323 and event.get("version") == 4
                  and isinstance(event.get("name"), str) and event.get("name") != "",
                  json.dumps(event))

    try:
        seen = json.loads(sniffed.splitlines()[-1]) if ready == "ready" else None
    except (ValueError, IndexError):
        seen = None
    if seen is None:
        check("three on a bridge: announcements sniffed on b", False, sniffed + sniff_err)
        return
    sources = {p["source"] for p in seen if p["destination"] == GROUP4}
    check("three on a bridge: b heard a and c on the IPv4 group",
          {ADDRESS["a"], ADDRESS["c"]} <= sources, json.dumps(seen)[:2000])
    check("three on a bridge: and on the IPv6 group",
          any(p["destination"] == GROUP6 for p in seen), json.dumps(seen)[:2000])
    # Answers to b's queries too: unicast, but no further than the link.
    check("three on a bridge: everything with a TTL or hop limit of 1",
          all(p["hops"] == 1 for p in seen), json.dumps(seen)[:2000])
    check("three on a bridge: b's queries answered to its discovery port",
          any(p["destination"] == ADDRESS["b"] for p in seen), json.dumps(seen)[:2000])



def test_network_changes(computers):
    """Addresses come and go on a's interface while it discovers: it
    announces again after the network changed, but never more than once
    a second however many changes there are."""
    sniffer = computers.helper("b", "--sniff", "vb", "3.5")
    wait_line(sniffer)
    run = computers.start("a", "--discover", "-t", "3", "--json")
    time.sleep(0.5)
    changed = time.monotonic()
    for i in range(10, 20):
        ip("-n", NS["a"], "addr", "add", f"10.23.0.{i}/24", "dev", "va")
        ip("-n", NS["a"], "addr", "del", f"10.23.0.{i}/24", "dev", "va")
    finish(run, LIMIT)
    _, sniffed, sniff_err = finish(sniffer, LIMIT)
    try:
        seen = json.loads(sniffed.splitlines()[-1])
    except (ValueError, IndexError):
        check("network changes: announcements sniffed on b", False, sniffed + sniff_err)
        return
    times = [p["time"] for p in seen
             if p["source"] == ADDRESS["a"] and p["destination"] == GROUP4 and p["kind"] == 1]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    check("network changes: a announced again after them",
          any(changed < t < changed + 1.3 for t in times), repr([t - changed for t in times]))
    check("network changes: never more than once a second",
          len(times) >= 2 and all(gap > 0.9 for gap in gaps), repr(gaps))


def test_routed_subnet(computers):
    """d is two hops away, behind a router: it hears no announcement, a
    does not find it, and d finds nobody; yet a unicast chat from a to d
    works, so the route is there."""
    sniffer = computers.helper("d", "--sniff", "vd", "3")
    ready = wait_line(sniffer)
    near = computers.start("a", "--discover", "-t", "2", "--json")
    far = computers.start("d", "--discover", "-t", "2", "--json")
    status_a, out_a, err_a = finish(near, LIMIT)
    status_d, out_d, err_d = finish(far, LIMIT)
    _, sniffed, _ = finish(sniffer, LIMIT)

    check("routed subnet: d finds nobody, exit 1",
          status_d == 1 and events(out_d, "nearby") == [] and "nobody found" in err_d,
          out_d + err_d)
    check("routed subnet: a does not find d",
          computers.fingerprint["d"] not in nearby_by_fingerprint(out_a), out_a + err_a)
    check("routed subnet: no discovery packet reached d",
          ready == "ready" and sniffed.splitlines()[-1:] == ["[]"], sniffed)

    receiver = computers.start("d", "--no-discovery", "-c", "1", "-t", "15", "--json",
                               ADDRESS["a"])
    time.sleep(0.3)
    sender = computers.start("a", "--no-discovery", "-s", "across the router", "-t", "15",
                             "--json", ADDRESS["d"])
    status_s, out_s, err_s = finish(sender, LIMIT)
    status_r, out_r, err_r = finish(receiver, LIMIT)
    check("routed subnet: a unicast chat to d gets through",
          status_s == 0 and status_r == 0
          and [e["text"] for e in events(out_r, "received")] == ["across the router"],
          out_s + err_s + out_r + err_r)


def test_by_fingerprint(computers):
    """tincan-cli FINGERPRINT finds b by discovery, talks to it at the
    address it announced, and the handshake proves the key."""
    receiver = computers.start("b", "-c", "1", "-t", "15", "--json", ADDRESS["a"])
    time.sleep(0.5)
    started = time.monotonic()
    sender = computers.start("a", computers.fingerprint["b"], "-s", "hello by fingerprint",
                             "-t", "10", "--json")
    status_s, out_s, err_s = finish(sender, LIMIT)
    elapsed = time.monotonic() - started
    status_r, out_r, err_r = finish(receiver, LIMIT)
    peers = events(out_s, "peer")
    check("by fingerprint: delivered, exit 0",
          status_s == 0 and len(events(out_s, "delivered")) == 1, out_s + err_s)
    check("by fingerprint: the key proven and verified",
          any(p["state"] == "online" and p["verified"] and p["encrypted"]
              and p["fingerprint"] == computers.fingerprint["b"] for p in peers), out_s)
    check("by fingerprint: b received it once",
          status_r == 0 and [e["text"] for e in events(out_r, "received")]
          == ["hello by fingerprint"], out_r + err_r)
    check("by fingerprint: found within seconds", elapsed < 8, f"{elapsed:.1f} s")

    # Nobody with that key: exit 1, once the lookup's time is up.
    status, out, err = finish(computers.start("a", "0000 1111 2222 3333 4444 5555 6666 7777",
                                              "-s", "anyone?", "-t", "1"), LIMIT)
    check("by fingerprint: nobody with it, exit 1", status == 1 and "nobody with fingerprint" in err,
          out + err)


def test_flood(computers):
    """1,000 forged announcements with random keys and 1,000 queries at a
    discovering tincan-cli: it prints at most the cap of 64 people, still
    finds the real one, answers the queries a few times at most, never
    with more bytes than the query, sends nothing to the forged chat
    ports, and exits on time."""
    started = time.monotonic()
    victim = computers.start("c", "--discover", "-t", "3", "--json")
    peer = computers.start("a", "--discover", "-t", "3", "--json")
    time.sleep(0.2)
    forger = computers.helper("b", "--forge", "vb", ADDRESS["b"], "1000", "3.5")
    status, out, err = finish(victim, LIMIT)
    elapsed = time.monotonic() - started
    finish(peer, LIMIT)
    _, forged, forge_err = finish(forger, LIMIT)
    found = nearby_by_fingerprint(out)

    check("flood: exits 0 on time", status == 0 and elapsed < 8, f"{elapsed:.1f} s {err}")
    check("flood: at most 64 people printed, some of them forged",
          1 < len(found) <= 64 and len(events(out, "nearby")) == len(found), str(len(found)))
    check("flood: the real peer still found", computers.fingerprint["a"] in found, out[-2000:])
    try:
        report = json.loads(forged.splitlines()[-1])
    except (ValueError, IndexError):
        check("flood: the forger reported", False, forged + forge_err)
        return
    from_victim = [a for a in report["answers"] if a["source"] == ADDRESS["c"]]
    check("flood: the queries answered at most once a second",
          1 <= len(from_victim) <= 5, json.dumps(report)[:2000])
    check("flood: no answer bigger than the query",
          all(a["size"] <= QUERY_SIZE for a in report["answers"]), json.dumps(report)[:2000])
    check("flood: nothing sent to the forged chat ports", report["chat_packets"] == 0,
          json.dumps(report)[:2000])


def test_ipmsg(computers):
    """--discover lists an IP Messenger user who answered its BR_ENTRY,
    with "mode": "ipmsg", their names, address and version, beside the
    Tin Can people ("mode": "tincan"), and says BR_EXIT when done; other
    Tin Cans' entries are not IPMsg users.  With the port taken it says
    so on stderr and lists Tin Can people only."""
    peer = computers.helper("b", "--ipmsg-peer", "4")
    ready = wait_line(peer)
    other = computers.start("c", "--discover", "-t", "2", "--json")
    run = computers.start("a", "--discover", "-t", "2", "--json")
    status, out, err = finish(run, LIMIT)
    finish(other, LIMIT)
    _, reported, peer_err = finish(peer, LIMIT)
    check("ipmsg: the peer was ready", ready == "ready", peer_err)
    try:
        nearby = events(out, "nearby")
    except ValueError:
        nearby = []
    users = [e for e in nearby if e.get("mode") == "ipmsg"]
    check("ipmsg: exits 0", status == 0, err)
    check("ipmsg: exactly one IPMsg user, the peer, not the other Tin Can",
          len(users) == 1 and users[0].get("address") == ADDRESS["b"], out + err)
    if users:
        user = users[0]
        check("ipmsg: its name, user, host, port and version",
              user.get("name") == "Iptux User" and user.get("user") == "ipuser"
              and user.get("host") == "iphost" and user.get("port") == 2425
              and user.get("version") == "1_iptux 0.8.3", json.dumps(user))
    check("ipmsg: the Tin Can on c listed as mode tincan",
          computers.fingerprint["c"] in nearby_by_fingerprint(out), out)
    check("ipmsg: every event has a mode",
          all(e.get("mode") in ("ipmsg", "tincan") for e in nearby), out)
    try:
        seen = json.loads(reported.splitlines()[-1])
    except (ValueError, IndexError):
        seen = None
    if seen is None:
        check("ipmsg: the peer reported", False, reported + peer_err)
        return
    from_a = [p["command"] for p in seen if p["source"] == ADDRESS["a"]]
    check("ipmsg: a said BR_ENTRY and, at the end, BR_EXIT, as Tin Can",
          1 in from_a and from_a[-1] == 2
          and all(p["version"].startswith("1_tincan") for p in seen if p["source"] == ADDRESS["a"]),
          json.dumps(seen))

    # The port held by another program: said, and Tin Can people only.
    peer = computers.helper("a", "--ipmsg-peer", "3")
    wait_line(peer)
    run = computers.start("a", "--discover", "-t", "1", "--json")
    status, out, err = finish(run, LIMIT)
    finish(peer, LIMIT)
    check("ipmsg: port in use said on stderr",
          "UDP port 2425 is in use by another program" in err, err)
    check("ipmsg: and no IPMsg user listed",
          not any(e.get("mode") == "ipmsg" for e in events(out, "nearby")), out)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--sniff":
        sniff(sys.argv[2], float(sys.argv[3]))
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "--ipmsg-peer":
        ipmsg_peer(float(sys.argv[2]))
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "--forge":
        forge(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
        return 0

    cli = sys.argv[1]
    tests = [test_three_on_a_bridge, test_network_changes, test_routed_subnet, test_by_fingerprint, test_flood,
             test_ipmsg]
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
            return run_tests(tests, Computers(cli, folder))
    finally:
        remove_network()


if __name__ == "__main__":
    sys.exit(main())
