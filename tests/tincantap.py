# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the Python tests share: loopback ports, bounded waits on processes,
# and TAP output.

import json
import socket
import subprocess

LOOPBACK = "127.0.0.1"

_results = []


def check(name, condition, detail="", todo=None):
    """Records one TAP result; @detail is printed when it failed.  With
    @todo (why: a known bug), a failure is expected and a pass is
    reported as unexpected, so the mark goes once the bug is fixed."""
    _results.append((name, bool(condition), detail, todo))


def skip(name, reason):
    """Records a TAP result that could not be tried here, and why."""
    _results.append((name, None, reason, None))


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
    for number, (name, ok, detail, todo) in enumerate(_results, 1):
        if ok is None:
            print(f"ok {number} - {name} # SKIP {detail}")
            continue
        if todo is not None:
            print(f"{'ok' if ok else 'not ok'} {number} - {name} # TODO {todo}")
            if not ok:
                for line in str(detail).splitlines()[:20]:
                    print(f"#   {line}")
            continue
        print(f"{'ok' if ok else 'not ok'} {number} - {name}")
        if not ok:
            failed += 1
            for line in str(detail).splitlines()[:20]:
                print(f"#   {line}")
    return 1 if failed else 0
