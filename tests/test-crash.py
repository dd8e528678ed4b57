#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Kill -9, then start again: two tincan-cli processes with --history on
# loopback.  First the case the issue names: a message queued for a peer
# that is not running, the sender killed, the sender started again, the
# peer coming up; the message arrives once and is stored once on each
# side.  Then rounds of killing either side at random moments of a stream
# of messages; at the end both histories hold the same conversation, in
# order, without duplicates.  And the app itself killed with SIGKILL, when
# there is an X display.  Prints TAP.
#
# Usage: test-crash.py PATH-TO-TINCAN-CLI [SEED]

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from tincantap import LOOPBACK, check, events, free_port, run_tests, skip
from tincantap import finish as finish_within

CLI = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("TINCAN_CRASH_SEED", "7"))
LIMIT = 30  # seconds, for any one wait


def start(history, port, peer_port, stdin=subprocess.DEVNULL, extra=(), stdout=subprocess.PIPE):
    return subprocess.Popen(
        [CLI, "--json", "--no-discovery", "--history", history, "-l", str(port), *extra,
         f"{LOOPBACK}:{peer_port}"],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE if stdout == subprocess.PIPE else subprocess.DEVNULL,
    )


def start_logged(folder, name, *args, **kwargs):
    """start(), with the events going to a file nobody has to keep reading:
    a pipe left unread would stop the process on a big message.  Returns
    once it is ready."""
    path = os.path.join(folder, f"{name}-{time.monotonic_ns()}.log")
    with open(path, "wb") as log:
        process = start(*args, stdout=log, **kwargs)
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline and process.poll() is None:
        with open(path, "rb") as log:
            if b'"ready"' in log.read():
                break
        time.sleep(0.01)
    return process


def read_event(process, wanted, limit=LIMIT):
    """Reads JSON events until one named @wanted; returns it, or None."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            return None
        event = json.loads(line)
        if event["event"] == wanted:
            return event
    return None


def kill(process):
    if process is not None and process.poll() is None:
        process.kill()
    if process is not None:
        if process.stdin is not None:
            process.stdin.close()
        process.communicate()


def finish(process):
    return finish_within(process, LIMIT)


def rows(history, outgoing):
    """(text, state, sender, uid) of a closed history, oldest first."""
    db = sqlite3.connect(history)
    try:
        return db.execute(
            "SELECT text, state, sender, uid FROM messages WHERE outgoing = ? ORDER BY id",
            (1 if outgoing else 0,),
        ).fetchall()
    finally:
        db.close()  # before any Tin Can opens it again


DELIVERED, RECEIVED = 2, 4


def test_queued_for_offline_peer(folder):
    a_db = os.path.join(folder, "queued-a.db")
    b_db = os.path.join(folder, "queued-b.db")
    port_a, port_b = free_port(), free_port()

    # Nobody listens on port_b: the message waits in the outbox.
    a = start(a_db, port_a, port_b, extra=("-s", "written before the crash"))
    check("sender starts", read_event(a, "ready") is not None)
    time.sleep(0.5)
    check("sender still waiting for the peer", a.poll() is None)
    kill(a)

    queued = rows(a_db, True)
    check("the killed sender left the message in its outbox",
          len(queued) == 1 and queued[0][0] == "written before the crash"
          and queued[0][1] != DELIVERED, str(queued))

    # The sender first, still alone, then the peer.
    a = start(a_db, port_a, port_b)
    resumed = read_event(a, "resumed")
    check("the new run resumes it", resumed is not None
          and resumed["text"] == "written before the crash", str(resumed))
    time.sleep(0.3)
    b = start(b_db, port_b, port_a, extra=("-c", "1"))

    status_a, out_a, err_a = finish(a)
    status_b, out_b, err_b = finish(b)
    received = events(out_b, "received")
    check("sender exits 0 once delivered", status_a == 0, err_a)
    check("peer exits 0 after one message", status_b == 0, err_b)
    check("the peer printed it once", [e["text"] for e in received] == ["written before the crash"],
          out_b)

    sent, got = rows(a_db, True), rows(b_db, False)
    check("stored once on the sender, delivered", len(sent) == 1 and sent[0][1] == DELIVERED,
          str(sent))
    check("stored once on the peer", len(got) == 1 and got[0][0] == "written before the crash"
          and got[0][1] == RECEIVED, str(got))

    # Delivered messages are not sent again by a later run.
    a = start(a_db, port_a, port_b, extra=("-t", "3"))
    status, out, err = finish(a)
    check("a later run resumes nothing", status == 0
          and not events(out, "resumed"),
          out + err)


def start_app(history, port, peer_port):
    """The real app, with its own history and ports, under the test's X
    server and session bus."""
    return subprocess.Popen(
        [os.environ["TINCAN_BIN"], "--no-discovery", "--history", history, "--port", str(port),
         "--peer", f"{LOOPBACK}:{peer_port}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_app_killed(folder):
    """The app itself, killed with SIGKILL: it resumes a message a killed
    tincan-cli left in the outbox, delivers it once, and a third run, after
    a second kill, sends nothing again."""
    name = "the app, killed with SIGKILL, delivers the outbox once"
    if not os.environ.get("TINCAN_BIN") or not os.environ.get("DISPLAY"):
        skip(name, "needs TINCAN_BIN and an X display (build-aux/tincan-dev test has both)")
        return

    a_db = os.path.join(folder, "app-a.db")
    b_db = os.path.join(folder, "app-b.db")
    port_a, port_b = free_port(), free_port()

    a = start(a_db, port_a, port_b, extra=("-s", "left by a killed tincan-cli"))
    read_event(a, "ready")
    time.sleep(0.3)
    kill(a)

    # The app, with nobody to send to: killed while the message waits.
    app = start_app(a_db, port_a, port_b)
    time.sleep(2)
    alive = app.poll() is None
    kill(app)
    queued = rows(a_db, True)
    check("the app ran with the peer away, and was killed",
          alive and len(queued) == 1 and queued[0][1] != DELIVERED, str(queued))

    # The peer comes up; the app starts again and sends it.
    b = start(b_db, port_b, port_a, extra=("-c", "1"))
    read_event(b, "ready")
    app = start_app(a_db, port_a, port_b)
    status_b, out_b, err_b = finish(b)
    received = [e["text"] for e in events(out_b, "received")]
    check("the restarted app delivered it", status_b == 0
          and received == ["left by a killed tincan-cli"], out_b + err_b)
    time.sleep(0.5)
    kill(app)

    # Once more, both up: whatever state the kill left, nothing new arrives.
    b = start(b_db, port_b, port_a, extra=("-c", "1", "-t", "4"))
    read_event(b, "ready")
    app = start_app(a_db, port_a, port_b)
    status_b, out_b, err_b = finish(b)
    kill(app)
    again = events(out_b, "received")
    check("a third run of the app shows the peer nothing new", status_b == 1 and not again,
          out_b + err_b)

    sent, got = rows(a_db, True), rows(b_db, False)
    check(name, len(sent) == 1 and sent[0][1] == DELIVERED and len(got) == 1,
          f"sent {sent}, received {got}")


def test_kill_either_side(folder, rounds=8, per_round=6):
    rng = random.Random(SEED)
    a_db = os.path.join(folder, "chaos-a.db")
    b_db = os.path.join(folder, "chaos-b.db")
    port_a, port_b = free_port(), free_port()
    a = b = None
    number = 0
    kills = {"a": 0, "b": 0}

    for _ in range(rounds):
        if b is None:
            b = start_logged(folder, "b", b_db, port_b, port_a, extra=("-c", "1000000"))
        if a is None:
            a = start_logged(folder, "a", a_db, port_a, port_b, stdin=subprocess.PIPE)

        for _ in range(per_round):
            number += 1
            try:
                size = rng.choice((1, 500, 3000, 300000))
                a.stdin.write(f"message {number:04d} {'x' * size}\n".encode())
                a.stdin.flush()
            except BrokenPipeError:
                break
            time.sleep(rng.uniform(0, 0.05))

        # Often while something is on its way, sometimes when all is quiet.
        time.sleep(rng.choice((0, rng.uniform(0, 0.02), rng.uniform(0, 0.3))))
        victim = rng.choice(("a", "b", "both"))
        if victim in ("a", "both"):
            kill(a)
            a = None
            kills["a"] += 1
        if victim in ("b", "both"):
            kill(b)
            b = None
            kills["b"] += 1

    # Both up, nothing new typed: the sender exits once its outbox is empty.
    kill(a)
    if b is None:
        b = start_logged(folder, "b", b_db, port_b, port_a, extra=("-c", "1000000"))
    a = start_logged(folder, "a", a_db, port_a, port_b)
    try:
        status = a.wait(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        status = None
    err = ""
    check(f"after {kills['a']} kills of the sender and {kills['b']} of the peer, "
          "the sender's last run delivers everything", status == 0, err)
    kill(b)

    sent, got = rows(a_db, True), rows(b_db, False)
    sent_texts = [r[0] for r in sent]
    got_texts = [r[0] for r in got]
    check("every stored message was delivered", all(r[1] == DELIVERED for r in sent),
          str([r[:2] for r in sent if r[1] != DELIVERED]))
    check("the peer has each message once", len(got_texts) == len(set((r[2], r[3]) for r in got)),
          str(len(got_texts)))
    check("both sides hold the same conversation, in order",
          sent_texts == got_texts and len(sent_texts) > 0,
          f"sent {len(sent_texts)}, received {len(got_texts)}\n"
          f"sent {[t[:12] for t in sent_texts]}\nreceived {[t[:12] for t in got_texts]}")
    numbers = [int(t.split()[1]) for t in sent_texts]
    check("the sender stored them in the order typed", numbers == sorted(set(numbers))
          and len(numbers) >= rounds, str(numbers))


def main():
    folder = tempfile.mkdtemp(prefix="tincan-crash-")
    try:
        status = run_tests((test_queued_for_offline_peer, test_app_killed, test_kill_either_side),
                           folder)
    finally:
        if not os.environ.get("TINCAN_CRASH_KEEP"):
            shutil.rmtree(folder, ignore_errors=True)
    print(f"# seed {SEED}")
    return status


if __name__ == "__main__":
    sys.exit(main())
