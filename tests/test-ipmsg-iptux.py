#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Tin Can and the real iptux, in network namespaces made here and removed
# at the end even when a check fails: a (Tin Can), b (iptux) and c (a
# stranger with a raw socket) on one bridge, 10.25.0.0/24.  iptux is
# Debian's own code: iptux-peer (its protocol library, libiptux-core,
# without a window) and, under an Xvfb and a session bus of its own, the
# iptux GTK app itself.  Nothing touches the host's interfaces.
#
#   harness   iptux-peer answers a raw BR_ENTRY and SENDMSG from c, as
#             iptux does (and drops a packet number that did not grow)
#   link      tincan-cli --ipmsg and iptux-peer: each sees the other,
#             messages both ways with "delivered", non-ASCII text, a
#             12,000-character message arriving whole as its parts, a
#             burst of 1,000 malformed datagrams changing nothing, iptux
#             quitting making Tin Can see it go offline
#   people    the people hub without a window (tincan-people-peer
#             --ipmsg): iptux listed as an IP Messenger user, Tin Can in
#             iptux's pals, a message each way, iptux leaving
#   app       the iptux GTK app: Tin Can's message in its communicate.log,
#             and its quit action (gdbus) making Tin Can see it leave
#
# Usage: test-ipmsg-iptux.py IPTUX-PEER TINCAN-CLI TINCAN-PEOPLE-PEER
# (and, inside a namespace, its own helper: --exchange)

import base64
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantap import check, make_bridge, remove_namespaces, run_in_network, run_tests, skip  # noqa: E402

IPMSG_PORT = 2425
PID = os.getpid()
# Short: an interface name holds 15 bytes.
NS = {name: f"tci{PID}{name}" for name in ("br", "a", "b", "c")}
ADDRESS = {"a": "10.25.0.1", "b": "10.25.0.2", "c": "10.25.0.3"}
LIMIT = 20  # seconds, for anything to happen

BR_ENTRY, BR_EXIT, ANSENTRY = 0x01, 0x02, 0x03
SENDMSG, RECVMSG = 0x20, 0x21
SENDCHECKOPT = 0x100

NON_ASCII = "Grüße, 日本語, ✓"
# 12,000 characters, 14,400 bytes of UTF-8: two parts, the cut falling
# where a three-byte character could be split.
LONG = "".join(f"{i % 10}bcdefgh ✓" for i in range(1200))


# The helper run inside a namespace ---------------------------------------

def exchange(target, seconds):
    """Reads a JSON list of base64 datagrams on stdin, sends them in order
    from 0.0.0.0:2425 (where iptux answers) to @target:2425, and prints,
    as one JSON object, every datagram that came back within @seconds
    (base64), with how many bytes went each way."""
    payloads = [base64.b64decode(p) for p in json.load(sys.stdin)]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", IPMSG_PORT))
    # Where each came to: a broadcast is no answer to anything.
    sock.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_PKTINFO", 8), 1)
    received = []
    for payload in payloads:
        sock.sendto(payload, (target, IPMSG_PORT))
        # Not faster than a LAN messenger can read: a burst, but a
        # bounded one, so the kernel's receive buffer is not what drops.
        time.sleep(0.0005)
    end = time.monotonic() + seconds
    while len(received) < 10000:
        left = end - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data, ancillary, _, where = sock.recvmsg(65535, 256)
        except socket.timeout:
            break
        to = None
        for level, kind, value in ancillary:
            if level == socket.IPPROTO_IP and len(value) >= 12:
                to = socket.inet_ntoa(value[8:12])
        received.append({"from": where[0], "to": to, "data": base64.b64encode(data).decode()})
    print(json.dumps({"sent": len(payloads), "sent_bytes": sum(len(p) for p in payloads),
                      "received": received}))


# The network ---------------------------------------------------------------

def make_network():
    """a, b and c on a bridge in namespace br."""
    return make_bridge(NS, ADDRESS)


def remove_network():
    remove_namespaces(NS)


# IPMsg by hand, for the stranger -------------------------------------------

def datagram(number, command, extra=b"", extra2=None, user=b"stranger", host=b"c",
             version=b"1"):
    packet = b"%s:%d:%s:%s:%d:" % (version, number, user, host, command) + extra + b"\0"
    if extra2 is not None:
        packet += extra2 + b"\0"
    return packet


def parse(data):
    """(number, command, extra) of an IPMsg datagram, or None."""
    fields = data.split(b":", 5)
    if len(fields) < 6:
        return None
    try:
        return int(fields[1]), int(fields[4]), fields[5].split(b"\0")[0]
    except ValueError:
        return None


def run_exchange(namespace, target, payloads, seconds):
    helper = subprocess.run(["ip", "netns", "exec", NS[namespace], sys.executable,
                             os.path.abspath(__file__), "--exchange", target, str(seconds)],
                            input=json.dumps([base64.b64encode(p).decode() for p in payloads]).encode(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=seconds + 60)
    try:
        result = json.loads(helper.stdout.decode().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"the exchange helper failed: {helper.stderr.decode()[-500:]}")
    # Only what came to the stranger's own address: answers, not broadcasts.
    result["received"] = [(r["from"], base64.b64decode(r["data"])) for r in result["received"]
                          if r["to"] in (None, ADDRESS[namespace])]
    return result


def malformed(count, seed):
    """@count datagrams that are not IPMsg, or are IPMsg gone wrong: no
    header, bad numbers, a huge command, bytes that are neither UTF-8 nor
    CP932, over 8 KiB, spoofed entries naming off-subnet hosts, RECVMSG
    for numbers nobody sent, SENDMSG without a text."""
    rng = random.Random(seed)
    kinds = [
        lambda i: bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64))),
        lambda i: b"1:",
        lambda i: b"1:x:y:z:w:",
        lambda i: b":::::::::",
        lambda i: b"1:%d:u:h:%d:" % (rng.getrandbits(70), rng.getrandbits(70)),
        lambda i: b"1:-5:u:h:32:neg\0",
        lambda i: datagram(i, SENDMSG | SENDCHECKOPT, b"\xff\xfe\x80\x81\xfc"),
        lambda i: datagram(i, SENDMSG | SENDCHECKOPT, b"x" * 9000),
        lambda i: datagram(i, SENDMSG, b"\x01\x02 control"),
        lambda i: datagram(i, BR_ENTRY, b"spoof", b"\nUN:evil\nHN:8.8.8.8\nNN:x\nGN:y"),
        lambda i: datagram(i, ANSENTRY, b"\xff" * 40, b"\xff" * 40),
        lambda i: datagram(i, RECVMSG, b"%d" % rng.getrandbits(32)),
        lambda i: datagram(i, RECVMSG, b"not a number"),
        lambda i: datagram(i, 0x7fffffff, b"?"),
        lambda i: b"\0" * rng.randint(1, 100),
        lambda i: b"1:1:" + b":" * 4000,
    ]
    return [kinds[i % len(kinds)](i) for i in range(count)]


# The programs -------------------------------------------------------------

class Process:
    """A program in a namespace: its JSON events, read as they come."""

    def __init__(self, namespace, command, env=None):
        self.events = []
        self.lock = threading.Lock()
        self.process = subprocess.Popen(["ip", "netns", "exec", NS[namespace], *command],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env)
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.events.append(event)

    def _read_errors(self):
        for line in self.process.stderr:
            if len(self.stderr) < 65536:
                self.stderr += line

    def mark(self):
        """Where the events are now: wait (since=) looks only after it."""
        with self.lock:
            return len(self.events)

    def wait(self, match, limit=LIMIT, since=0):
        """The first event @match accepts, within @limit seconds, or None."""
        end = time.monotonic() + limit
        seen = since
        while time.monotonic() < end:
            with self.lock:
                fresh = self.events[seen:]
                seen = len(self.events)
            for event in fresh:
                if match(event):
                    return event
            time.sleep(0.05)
        return None

    def all(self, match):
        with self.lock:
            return [event for event in self.events if match(event)]

    def say(self, line):
        try:
            self.process.stdin.write((line + "\n").encode())
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, ValueError):
            return False

    def close_input(self):
        try:
            self.process.stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    def stop(self, line="quit", limit=10):
        if line is not None:
            self.say(line)
        self.close_input()
        try:
            self.process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode

    def recent(self, n=8):
        with self.lock:
            return json.dumps(self.events[-n:], ensure_ascii=False)


class Iptux(Process):
    """iptux-peer: libiptux-core, with a HOME of its own."""

    def __init__(self, program, folder, name="iptux"):
        home = os.path.join(folder, "iptux-home")
        os.makedirs(home, exist_ok=True)
        env = dict(os.environ)
        if "ASAN_OPTIONS" in env:
            # What LeakSanitizer finds at its exit is libiptux-core's
            # (Debian's, built without frame pointers, so no suppression
            # can name it), not this project's.
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        super().__init__("b", [program, "--home", home, "--name", name], env=env)
        self.ready = self.wait(lambda e: e["event"] == "ready", limit=10) is not None

    def send(self, address, text):
        return self.say(f"send {address} {json.dumps(text)}")

    def messages(self, address):
        return [e["text"] for e in self.all(lambda e: e["event"] == "message" and e.get("ip") == address)]


def event_is(kind, **fields):
    def match(event):
        return event["event"] == kind and all(event.get(k) == v for k, v in fields.items())
    return match


# The checks ---------------------------------------------------------------

def test_harness(programs, folder):
    """iptux-peer, against a raw socket: the harness sees what iptux does."""
    iptux = Iptux(programs["iptux"], os.path.join(folder, "harness"))
    try:
        check("harness: iptux-peer started", iptux.ready, iptux.stderr.decode()[-500:])
        number = 1000
        result = run_exchange("c", ADDRESS["b"], [
            datagram(number, BR_ENTRY, b"stranger", b""),
            datagram(number + 1, SENDMSG | SENDCHECKOPT, NON_ASCII.encode()),
            # A number that did not grow: acknowledged, not shown.
            datagram(number, SENDMSG | SENDCHECKOPT, b"an older number"),
            # Over 8 KiB: iptux reads 8,192 bytes and cuts the rest.
            datagram(number + 2, SENDMSG | SENDCHECKOPT, b"y" * 9000),
        ], 2)
        answers = [parse(data) for where, data in result["received"] if where == ADDRESS["b"]]
        check("harness: iptux answers BR_ENTRY with ANSENTRY",
              any(a and a[1] & 0xff == ANSENTRY for a in answers), repr(answers))
        check("harness: iptux acknowledges the SENDMSG with RECVMSG and its number",
              any(a and a[1] & 0xff == RECVMSG and a[2] == b"%d" % (number + 1) for a in answers),
              repr(answers))
        check("harness: iptux-peer lists the stranger",
              iptux.wait(event_is("online", ip=ADDRESS["c"], name="stranger"), limit=5) is not None,
              iptux.recent())
        check("harness: iptux shows UTF-8 text sent without UTF8OPT, exactly",
              iptux.wait(event_is("message", ip=ADDRESS["c"], text=NON_ASCII), limit=5) is not None,
              iptux.recent())
        check("harness: iptux acknowledges a packet number that did not grow",
              any(a and a[1] & 0xff == RECVMSG and a[2] == b"%d" % number for a in answers),
              repr(answers))
        check("harness: and does not show it",
              "an older number" not in iptux.messages(ADDRESS["c"]), iptux.recent())
        cut = [t for t in iptux.messages(ADDRESS["c"]) if t.startswith("y")]
        check("harness: iptux cuts a datagram over 8,192 bytes (so Tin Can sends parts)",
              len(cut) == 1 and 8000 < len(cut[0]) < 8192, f"{[len(t) for t in cut]}")
        check("harness: iptux-peer's packet numbers are iptux's (1_iptux)",
              any(data.startswith(b"1_iptux ") for where, data in result["received"]),
              repr(result["received"][:2]))
    finally:
        status = iptux.stop()
    check("harness: iptux-peer quits cleanly", status == 0, iptux.stderr.decode()[-500:])


def check_long_message(prefix, iptux, tincan, send, delivered):
    """Sends LONG with @send and checks that iptux shows it as its
    parts, in order.  Returns whether Tin Can said delivered."""
    before = len(iptux.messages(ADDRESS["a"]))
    since = tincan.mark()
    send()
    done = tincan.wait(lambda e: delivered(e) or e["event"] == "failed", since=since)
    ok = done is not None and delivered(done)
    parts = iptux.messages(ADDRESS["a"])[before:]
    check(f"{prefix}: a 12,000-character message is delivered", ok, tincan.recent())
    check(f"{prefix}: it reaches iptux in 2 parts", len(parts) == 2,
          f"{len(parts)} parts: {[len(p) for p in parts]}")
    check(f"{prefix}: each part is at most 8,000 bytes",
          all(len(p.encode()) <= 8000 for p in parts), f"{[len(p.encode()) for p in parts]}")
    check(f"{prefix}: the parts, joined in order, are the message", "".join(parts) == LONG,
          f"{len(''.join(parts))} characters")
    return ok


def start_tincan_cli(program, folder, name="Tin Can", extra=()):
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = os.path.join(folder, "tincan-data")
    return Process("a", [program, "--ipmsg", "--json", "--name", name, *extra, ADDRESS["b"]],
                   env=env)


def test_link(programs, folder):
    """tincan-cli --ipmsg against iptux-peer."""
    folder = os.path.join(folder, "link")
    iptux = Iptux(programs["iptux"], folder)
    tincan = None
    try:
        check("link: iptux-peer started", iptux.ready, iptux.stderr.decode()[-500:])
        tincan = start_tincan_cli(programs["cli"], folder)

        seen = iptux.wait(event_is("online", ip=ADDRESS["a"]))
        check("link: iptux lists Tin Can (its BR_ENTRY)", seen is not None, iptux.recent())
        check("link: by the name Tin Can gave",
              seen is not None and seen.get("name") == "Tin Can", json.dumps(seen))
        check("link: with Tin Can's version field",
              seen is not None and seen.get("version", "").startswith("1_tincan"), json.dumps(seen))
        check("link: Tin Can sees iptux online",
              tincan.wait(event_is("peer", state="online")) is not None, tincan.recent())

        tincan.say("hello iptux")
        check("link: iptux gets Tin Can's message",
              iptux.wait(event_is("message", ip=ADDRESS["a"], text="hello iptux")) is not None,
              iptux.recent())
        check("link: Tin Can says it was delivered",
              tincan.wait(event_is("delivered")) is not None, tincan.recent())

        iptux.send(ADDRESS["a"], "hello Tin Can")
        check("link: Tin Can gets iptux's message",
              tincan.wait(event_is("received", text="hello Tin Can")) is not None, tincan.recent())
        check("link: iptux's send was acknowledged (its RECVMSG check)",
              iptux.wait(event_is("sent", ip=ADDRESS["a"], ok=True)) is not None
              and not iptux.all(event_is("error", ip=ADDRESS["a"])), iptux.recent())

        tincan.say(NON_ASCII)
        check("link: non-ASCII text reaches iptux exactly",
              iptux.wait(event_is("message", ip=ADDRESS["a"], text=NON_ASCII)) is not None,
              iptux.recent())
        iptux.send(ADDRESS["a"], NON_ASCII + " (iptux)")
        check("link: non-ASCII text from iptux reaches Tin Can exactly",
              tincan.wait(event_is("received", text=NON_ASCII + " (iptux)")) is not None,
              tincan.recent())

        # tincan-cli's own port lets IP fragment, as the hub's does: an
        # 8,000-byte part crosses a 1500-byte MTU link.
        check_long_message("link", iptux, tincan, lambda: tincan.say(LONG),
                                            delivered=event_is("delivered"))

        # 1,000 malformed datagrams at Tin Can from the stranger.
        burst = run_exchange("c", ADDRESS["a"], malformed(1000, PID), 2)
        answers = burst["received"]
        check("link: Tin Can answers nothing of the malformed burst at a stranger",
              len(answers) == 0, f"{len(answers)} answers, first {answers[:3]!r}")
        check("link: Tin Can is still running after the burst", tincan.process.poll() is None,
              tincan.stderr.decode()[-500:])
        since = tincan.mark()
        tincan.say("after the burst")
        check("link: Tin Can still delivers to iptux after the burst",
              iptux.wait(event_is("message", ip=ADDRESS["a"], text="after the burst")) is not None
              and tincan.wait(event_is("delivered"), since=since) is not None, tincan.recent())
        iptux.send(ADDRESS["a"], "after the burst, from iptux")
        check("link: and still receives from iptux",
              tincan.wait(event_is("received", text="after the burst, from iptux")) is not None,
              tincan.recent())

        # iptux quits: BR_EXIT to each pal.
        since = tincan.mark()
        status = iptux.stop()
        check("link: iptux-peer quits cleanly", status == 0, iptux.stderr.decode()[-500:])
        check("link: Tin Can sees iptux go offline",
              tincan.wait(event_is("peer", state="offline"), since=since) is not None, tincan.recent())
    finally:
        iptux.stop()
        if tincan is not None:
            status = tincan.stop(None)
            check("link: tincan-cli exits 0 (everything delivered)", status == 0,
                  tincan.stderr.decode()[-500:] + tincan.recent())
            check("link: tincan-cli reported no failed message",
                  not tincan.all(event_is("failed")), tincan.recent())


def start_people(program, folder, name="Tin Can"):
    os.makedirs(folder, exist_ok=True)
    return Process("a", [program, "--history", os.path.join(folder, "a.sqlite"),
                         "--identity", os.path.join(folder, "a.key"),
                         "--port", "2323", "--name", name, "--ipmsg"])


def ipmsg_person(**fields):
    return lambda e: (e["event"] == "person" and e.get("mode") == "ipmsg"
                      and all(e.get(k) == v for k, v in fields.items()))


def test_people(programs, folder):
    """The people hub, IP Messenger on, against iptux-peer."""
    folder = os.path.join(folder, "people")
    iptux = Iptux(programs["iptux"], folder, name="iptux on b")
    hub = None
    try:
        check("people: iptux-peer started", iptux.ready, iptux.stderr.decode()[-500:])
        hub = start_people(programs["people"], folder)
        where = f"{ADDRESS['b']}:{IPMSG_PORT}"
        found = hub.wait(ipmsg_person(address=where))
        check("people: iptux is listed as an IP Messenger user", found is not None, hub.recent())
        check("people: by its nickname", found is not None and found.get("name") == "iptux on b",
              json.dumps(found, ensure_ascii=False))
        check("people: iptux lists Tin Can",
              iptux.wait(event_is("online", ip=ADDRESS["a"], name="Tin Can")) is not None,
              iptux.recent())

        hub.say(f"send-to {where} {NON_ASCII}")
        check("people: iptux gets the hub's message",
              iptux.wait(event_is("message", ip=ADDRESS["a"], text=NON_ASCII)) is not None,
              iptux.recent() + hub.recent())
        check("people: the hub says delivered",
              hub.wait(lambda e: e["event"] == "delivered" and e.get("text") == NON_ASCII)
              is not None, hub.recent())
        check_long_message("people", iptux, hub, lambda: hub.say(f"send-to {where} {LONG}"),
                           delivered=lambda e: e["event"] == "delivered" and e.get("text") == LONG)
        iptux.send(ADDRESS["a"], "hello hub")
        check("people: the hub gets iptux's message",
              hub.wait(lambda e: e["event"] == "message" and e.get("text") == "hello hub")
              is not None, hub.recent())

        # A stranger floods the hub: malformed datagrams and spoofed
        # entries.  Answers are ANSENTRY only, rate-limited, and never
        # bigger than the biggest BR_ENTRY that could have caused them.
        flood = malformed(1000, PID + 1)
        biggest = max(len(d) for d in flood if parse(d) and parse(d)[1] & 0xff == BR_ENTRY)
        burst = run_exchange("c", ADDRESS["a"], flood, 3)
        answers = [data for where, data in burst["received"] if where == ADDRESS["a"]]
        stranger = f"{ADDRESS['c']}:{IPMSG_PORT}"
        # A stranger's SENDMSG makes a person only if its text can be read,
        # and the link made for it answers with RECVMSG alone (no BR_ENTRY
        # of its own, bigger than what came).
        check("people: the hub answers a malformed burst with ANSENTRY only",
              all(parse(a) and parse(a)[1] & 0xff == ANSENTRY for a in answers),
              repr(answers[:3]))
        check("people: never with more bytes than a BR_ENTRY of the burst",
              all(len(a) <= biggest for a in answers), f"{[len(a) for a in answers]} > {biggest}")
        # Its entries list the stranger as nearby, which is right; a
        # conversation with it (not nearby: in the history) is not.
        check("people: the malformed burst starts no conversation",
              not hub.all(lambda e: e["event"] == "person" and e.get("address") == stranger
                          and e.get("nearby") == "false"),
              hub.recent())
        time.sleep(1.1)
        entry = datagram(1, BR_ENTRY, b"flood", b"g" * 60)
        burst = run_exchange("c", ADDRESS["a"], [entry] * 300, 3)
        answers = [data for where, data in burst["received"] if where == ADDRESS["a"]]
        check("people: 300 BR_ENTRY from one address are answered at most once a second",
              0 < len(answers) <= 4, f"{len(answers)} answers")
        check("people: each answer no bigger than the BR_ENTRY",
              all(len(a) <= len(entry) for a in answers), f"{[len(a) for a in answers]} > {len(entry)}")
        check("people: the hub is still running", hub.process.poll() is None,
              hub.stderr.decode()[-500:])
        hub.say(f"send-to {where} after the flood")
        check("people: and still delivers to iptux",
              iptux.wait(event_is("message", ip=ADDRESS["a"], text="after the flood")) is not None
              and hub.wait(lambda e: e["event"] == "delivered" and e.get("text") == "after the flood")
              is not None, iptux.recent() + hub.recent())
        iptux.send(ADDRESS["a"], "after the flood, from iptux")
        check("people: and still receives from iptux",
              hub.wait(lambda e: e["event"] == "message" and e.get("text") == "after the flood, from iptux")
              is not None, hub.recent())

        since = hub.mark()
        iptux.stop()
        check("people: iptux quitting makes it go offline",
              hub.wait(ipmsg_person(address=where, presence="offline"), since=since) is not None,
              hub.recent())
    finally:
        iptux.stop()
        if hub is not None:
            status = hub.stop()
            check("people: the hub quits cleanly", status == 0, hub.stderr.decode()[-1500:])


def test_app(programs, folder):
    """The iptux GTK app, under an Xvfb and a session bus of its own."""
    missing = [tool for tool in ("iptux", "xvfb-run", "dbus-run-session", "gdbus")
               if shutil.which(tool) is None]
    if missing:
        skip("app: the iptux GTK app", f"not installed: {' '.join(missing)}")
        return

    folder = os.path.join(folder, "app")
    home = os.path.join(folder, "home")
    # iptux logs nothing on its first run unless the directory is there.
    os.makedirs(os.path.join(home, ".config", "iptux", "log"))
    with open(os.path.join(home, ".config", "iptux", "config.json"), "w") as config:
        json.dump({"nick_name": "iptux app"}, config)
    bus_file = os.path.join(folder, "bus")
    log = os.path.join(home, ".config", "iptux", "log", "communicate.log")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "XDG_CACHE_HOME": os.path.join(home, ".cache"),
           "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
           "XDG_RUNTIME_DIR": folder, "NO_AT_BRIDGE": "1", "GTK_A11Y": "none",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    app = subprocess.Popen(["ip", "netns", "exec", NS["b"], "dbus-run-session", "--",
                            "xvfb-run", "-a", "-s", "-screen 0 1024x768x24",
                            "sh", "-c", f"echo \"$DBUS_SESSION_BUS_ADDRESS\" > {bus_file}; exec iptux"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    tincan = None
    try:
        bus = None
        end = time.monotonic() + LIMIT
        while time.monotonic() < end and not bus:
            if os.path.exists(bus_file):
                bus = open(bus_file).read().strip()
            time.sleep(0.1)
        check("app: iptux started on a session bus of its own", bool(bus))
        gdbus_env = dict(env, DBUS_SESSION_BUS_ADDRESS=bus or "")

        def gdbus(*args):
            return subprocess.run(["ip", "netns", "exec", NS["b"], "gdbus", "call", "--session",
                                   "--dest", "io.github.iptux_src.iptux",
                                   "--object-path", "/io/github/iptux_src/iptux", *args],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=gdbus_env, timeout=10)

        # Its actions are on the bus once the app is up.
        listed = None
        end = time.monotonic() + LIMIT
        while time.monotonic() < end:
            listed = gdbus("--method", "org.gtk.Actions.List")
            if listed.returncode == 0 and b"'quit'" in listed.stdout:
                break
            time.sleep(0.2)
        check("app: iptux's actions are on its bus, quit among them",
              listed is not None and b"'quit'" in listed.stdout,
              listed.stderr.decode() if listed else "")

        tincan = start_tincan_cli(programs["cli"], folder)
        check("app: Tin Can sees the iptux app online",
              tincan.wait(event_is("peer", state="online")) is not None, tincan.recent())
        text = "hello the iptux app, " + NON_ASCII
        tincan.say(text)
        check("app: the message is delivered",
              tincan.wait(event_is("delivered")) is not None, tincan.recent())
        logged = ""
        end = time.monotonic() + LIMIT
        while time.monotonic() < end and text not in logged:
            if os.path.exists(log):
                logged = open(log, encoding="utf-8", errors="replace").read()
            time.sleep(0.2)
        check("app: the message is in iptux's communicate.log", text in logged, logged[-500:])

        since = tincan.mark()
        quit_call = gdbus("--method", "org.gtk.Actions.Activate", "quit", "[]", "{}")
        check("app: gdbus activates iptux's quit action", quit_call.returncode == 0,
              quit_call.stderr.decode())
        check("app: Tin Can sees the iptux app leave",
              tincan.wait(event_is("peer", state="offline"), since=since) is not None,
              tincan.recent())
        try:
            app.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            pass
        check("app: iptux exited", app.poll() is not None)
    finally:
        if tincan is not None:
            tincan.stop(None)
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGTERM)
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(app.pid, signal.SIGKILL)
                app.wait()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--exchange":
        exchange(sys.argv[2], float(sys.argv[3]))
        return 0

    programs = {"iptux": sys.argv[1], "cli": sys.argv[2], "people": sys.argv[3]}
    tests = [test_harness, test_link, test_people, test_app]
    if not os.path.exists(programs["iptux"]):
        for test in tests:
            skip(test.__name__, "iptux-peer was not built: it needs a C++ compiler and "
                 "iptux-core (Debian's iptux, with glog, jsoncpp, sigc++ and gflags headers)")
        return run_tests([])
    return run_in_network(tests, make_network, remove_network, programs)


if __name__ == "__main__":
    sys.exit(main())
