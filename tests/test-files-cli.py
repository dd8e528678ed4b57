#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Files between two tincan-cli processes on loopback: the sender killed
# with SIGKILL in the middle and run again resumes from the receiver's
# offset, not from zero; the same with the receiver killed; and a
# receiver whose folder is a small tmpfs, or mounted read-only (in a
# private mount namespace, so root only), says the disk is full or
# permission is denied, as does the sender, and keeps nothing.
# Prints TAP.
#
# Usage: test-files-cli.py PATH-TO-TINCAN-CLI

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

from tincantap import LOOPBACK, check, events, free_port, run_tests, skip
from tincantap import finish as finish_within

CLI = sys.argv[1]
LIMIT = 60  # seconds, for any one wait
SIZE = 768 * 1024 * 1024
KILL_AT = 96 * 1024 * 1024


def cli(identity, port, peer_port, *extra):
    return [CLI, "--json", "--no-discovery", "--identity", identity, "-l", str(port), *extra,
            f"{LOOPBACK}:{peer_port}"]


def start(args, log_path):
    with open(log_path, "wb") as log:
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def log_events(path, kind=None):
    with open(path, "rb") as log:
        text = log.read().decode(errors="replace")
    # The last line may be half written.
    lines = [line for line in text.splitlines() if line.endswith("}")]
    return events("\n".join(lines), kind)


def make_file(path, size):
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as f:
        for i in range(size // len(block)):
            # Each MiB differs, so a chunk in the wrong place shows.
            f.write(i.to_bytes(8, "big") + block[8:])


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1024 * 1024)
            if not block:
                return digest.hexdigest()
            digest.update(block)


def part_size(folder):
    for name in os.listdir(folder):
        if name.endswith(".part"):
            try:
                return os.path.getsize(os.path.join(folder, name))
            except FileNotFoundError:
                return 0
    return 0


def wait_until(condition, limit=LIMIT):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def kill(process):
    if process.poll() is None:
        process.kill()
    process.wait()


def resume_after_kill(folder, victim):
    """Sends a file, kills @victim ("sender" or "receiver") with SIGKILL once
    the receiver's temporary file holds KILL_AT bytes, runs it again, and
    checks the transfer resumes from there and ends identical."""
    source = os.path.join(folder, "source")
    inbox = os.path.join(folder, "inbox")
    os.makedirs(source)
    os.makedirs(inbox)
    path = os.path.join(source, "movie.bin")
    make_file(path, SIZE)

    port_s, port_r = free_port(), free_port()
    id_s, id_r = os.path.join(folder, "id-s"), os.path.join(folder, "id-r")
    receiver_args = cli(id_r, port_r, port_s, "--receive-dir", inbox, "-c", "1", "-t", str(LIMIT))
    sender_args = cli(id_s, port_s, port_r, "--send-file", path, "-t", str(LIMIT))
    logs = {name: os.path.join(folder, f"{name}-1.log") for name in ("sender", "receiver")}

    receiver = start(receiver_args, logs["receiver"])
    sender = start(sender_args, logs["sender"])
    reached = wait_until(lambda: part_size(inbox) >= KILL_AT)
    if victim == "sender":
        kill(sender)
    else:
        kill(receiver)
    had = part_size(inbox)
    check(f"{victim} killed: the receiver's temporary file had bytes, not all ({had})",
          reached and 0 < had < SIZE)

    second = os.path.join(folder, f"{victim}-2.log")
    if victim == "sender":
        sender = start(sender_args, second)
    else:
        receiver = start(receiver_args, second)

    status_s, _, _ = finish_within(sender, LIMIT)
    status_r, _, _ = finish_within(receiver, LIMIT)
    check(f"{victim} killed: the sender ran again to the end, exit 0", status_s == 0, f"{status_s}")
    check(f"{victim} killed: the receiver ended, exit 0", status_r == 0, f"{status_r}")

    resumed = log_events(second, "file-resumed")
    offset = resumed[0]["offset"] if resumed else 0
    # The receiver may still write what was in flight when the sender died:
    # the offset is at least what it had then.
    check(f"{victim} killed: the second run resumed from an offset, not zero ({offset})",
          KILL_AT <= offset < SIZE, log_events(second))

    sender_log = logs["sender"] if victim == "receiver" else second
    receiver_log = logs["receiver"] if victim == "sender" else second
    delivered = log_events(sender_log, "file-delivered")
    received = log_events(receiver_log, "file-received")
    check(f"{victim} killed: the sender said delivered, the receiver received",
          len(delivered) == 1 and len(received) == 1, f"{delivered} {received}")
    if delivered and received:
        check(f"{victim} killed: both sides have the same hash",
              delivered[0]["hash"] == received[0]["hash"] and received[0]["size"] == SIZE)
        check(f"{victim} killed: the file arrived identical",
              received[0]["path"] == os.path.join(inbox, "movie.bin")
              and sha256(path) == sha256(received[0]["path"]))
    check(f"{victim} killed: nothing but the file in the folder",
          sorted(os.listdir(inbox)) == ["movie.bin"], f"{os.listdir(inbox)}")


def test_sender_killed(folder):
    resume_after_kill(os.path.join(folder, "sender"), "sender")


def test_receiver_killed(folder):
    resume_after_kill(os.path.join(folder, "receiver"), "receiver")


def refused_by_folder(folder, name, mount, sender_says, receiver_says):
    """Sends a file to a receiver whose folder is set up by @mount (shell
    commands run as root in a private mount namespace), and checks that
    both sides report the failure in words and nothing is left."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        skip(name, "needs root, for a private mount namespace")
        return

    os.makedirs(folder)
    inbox = os.path.join(folder, "inbox")
    os.makedirs(inbox)
    path = os.path.join(folder, "big.bin")
    make_file(path, 32 * 1024 * 1024)

    port_s, port_r = free_port(), free_port()
    # It exits by its timeout: a failed file is not one received.
    receiver_cmd = " ".join(cli(os.path.join(folder, "id-r"), port_r, port_s, "--receive-dir", inbox,
                                "-c", "1", "-t", "6"))
    # The mount exists only in the receiver's namespace: what the folder
    # holds is listed there, after the receiver exits.
    script = f"{mount.format(inbox=inbox)} && {{ {receiver_cmd}; echo LEFT: $(ls -A {inbox}); }}"
    receiver_log = os.path.join(folder, "receiver.log")
    sender_log = os.path.join(folder, "sender.log")
    receiver = start(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], receiver_log)
    wait_until(lambda: log_events(receiver_log, "ready"), 10)
    sender = start(cli(os.path.join(folder, "id-s"), port_s, port_r, "--send-file", path,
                       "-t", str(LIMIT)), sender_log)

    status_s, _, _ = finish_within(sender, LIMIT)
    finish_within(receiver, LIMIT)
    failed_r = log_events(receiver_log, "file-failed")
    failed_s = log_events(sender_log, "file-failed")
    check(f"{name}: the sender fails, exit 1", status_s == 1, f"{status_s}")
    check(f"{name}: the sender says so", failed_s and sender_says in failed_s[0]["reason"], f"{failed_s}")
    check(f"{name}: the receiver says so", failed_r and receiver_says in failed_r[0]["reason"], f"{failed_r}")
    with open(receiver_log, "rb") as log:
        left = [line for line in log.read().decode(errors="replace").splitlines()
                if line.startswith("LEFT:")]
    check(f"{name}: nothing left in the folder, partial or final", left == ["LEFT:"], f"{left}")
    check(f"{name}: nothing written outside the namespace", os.listdir(inbox) == [])


def test_disk_full(folder):
    refused_by_folder(os.path.join(folder, "full"), "disk full on the receiver",
                      "mount -t tmpfs -o size=8m tincan-full {inbox}",
                      "disk is full", "disk is full")


def test_read_only_folder(folder):
    # Root passes permission checks; a read-only mount still says no.
    refused_by_folder(os.path.join(folder, "read-only"), "a receive folder that cannot be written",
                      "mount --bind {inbox} {inbox} && mount -o remount,ro,bind {inbox}",
                      "permission denied", "Permission denied")


def main():
    folder = tempfile.mkdtemp(prefix="tincan-files-cli-")
    try:
        status = run_tests((test_sender_killed, test_receiver_killed, test_disk_full, test_read_only_folder),
                           folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
