#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the fuzzers' seed corpora, following docs/PROTOCOL.md:
#   tests/fuzz/corpus/wire/  one datagram per file
#   tests/fuzz/corpus/link/  records of a two-byte length and a datagram
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
A, B = 0x0123456789ABCDEF, 0x5EED5EED5EED5EED
BASE_FRAGMENT = 1148
IDENTITY = bytes(range(1, 17))


def header(kind, sender=A, receiver=B):
    return b"TC" + bytes([3, kind, 0, 0]) + struct.pack(">QQ", sender, receiver)


def hello(name=b"Ada", reply=0, window=212992):
    body = bytes([reply, len(name)]) + IDENTITY + struct.pack(">I", window) + name
    return (header(1, receiver=0) + body).ljust(300, b"\0")


def data(text, index, pn, seq=1, epoch=1, size=BASE_FRAGMENT):
    count = (len(text) + size - 1) // size
    chunk = text[index * size:(index + 1) * size]
    body = struct.pack(">IIIHHHIQ", epoch, pn, seq, index, count, size, len(text), 0xC0FFEE00 + seq)
    return header(2) + body + chunk


def ack(cumulative, ranges=(), epoch=1, delay=100, held=()):
    body = struct.pack(">IIIBB", epoch, cumulative, delay, len(ranges), len(held))
    for start, end in ranges:
        body += struct.pack(">II", start, end)
    for pn in held:
        body += struct.pack(">I", pn)
    return header(3) + body


def ping(kind=4, token=42, size=30):
    return (header(kind) + struct.pack(">Q", token)).ljust(size, b"\0")


def write(directory, name, content):
    path = os.path.join(HERE, "corpus", directory)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as f:
        f.write(content)


def records(*datagrams):
    return b"".join(struct.pack(">H", len(d)) + d for d in datagrams)


text = ("Grüße, " * 500).encode()[:3000]

write("wire", "hello", hello())
write("wire", "hello-reply", hello(b"Grace Hopper", 1))
write("wire", "data-first", data(text, 0, 0))
write("wire", "data-last", data(text, 2, 2))
write("wire", "data-small", data(b"hi", 0, 7, seq=3))
write("wire", "data-big-fragments", data(text, 1, 1, size=2000))
write("wire", "ack", ack(5))
write("wire", "ack-ranges", ack(5, [(7, 9), (12, 20)]))
write("wire", "ack-held", ack(5, [(7, 9), (12, 20)], held=[5, 10, 21]))
write("wire", "ping", ping())
write("wire", "pong", ping(5))
write("wire", "probe", ping(size=1452))
write("wire", "plain", "hello from netcat\n".encode())

write("link", "in-order", records(data(text, 0, 0), data(text, 1, 1), data(text, 2, 2)))
write("link", "shuffled-with-duplicates",
      records(data(text, 2, 2), data(text, 0, 0), data(text, 2, 2), data(text, 1, 1),
              data(b"next", 0, 3, seq=2), data(b"next", 0, 3, seq=2)))
write("link", "gap-then-fill",
      records(data(b"one", 0, 0), data(b"three", 0, 2, seq=3), data(b"two", 0, 1, seq=2)))
write("link", "new-epoch",
      records(data(text, 0, 0), data(b"again", 0, 0, seq=2, epoch=2), data(text, 1, 1)))
write("link", "acks-and-pings", records(ack(0), ack(1, [(3, 4)]), ping(), ping(5), hello(b"x")))
write("link", "fragment-sizes",
      records(data(text, 0, 0, size=2000), data(text, 1, 1, size=2000),
              data(text, 1, 1), data(text, 0, 2, seq=2, epoch=2, size=1500),
              data(text, 1, 3, seq=2, epoch=2, size=1500), ping(size=9000)))
write("link", "plain", records(b"plain text\n", b"\xff\xfe bad utf-8"))
