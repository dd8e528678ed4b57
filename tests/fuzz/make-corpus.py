#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the fuzzers' seed corpora, following docs/PROTOCOL.md:
#   tests/fuzz/corpus/wire/  one datagram per file
#   tests/fuzz/corpus/link/  records of a two-byte length and a datagram,
#                            whose session fields steer fuzz-link.c (see
#                            there): the clock, flags, and what gets through
#   tests/fuzz/corpus/noise/ a pattern or seal/open, a step, then a
#                            handshake message or a mask (fuzz-noise.c)
#   tests/fuzz/corpus/handshake/  a byte that picks fuzz-handshake.c's mode,
#                            then a datagram, or a mask XORed over the real
#                            message that mode names (zeros: the real one)
#   tests/fuzz/corpus/route/ one datagram per file, as for wire: the ones
#                            that carry the receiver's session, and a few
#                            that do not
#   tests/fuzz/corpus/announce/  one discovery datagram per file
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
A, B = 0x0123456789ABCDEF, 0x5EED5EED5EED5EED
VERSION = 4
# What a DATA carries in a datagram of the base size, once sealed:
# 1200 bytes less the sealed header and tag (38) and the DATA header (52).
BASE_FRAGMENT = 1200 - 38 - 52
INIT_SIZE = REPLY_SIZE = 22 + 32 + 48 + 300 + 16
FINISH_SIZE = 22 + 48 + 300 + 16
IDENTITY = bytes(range(1, 17))


def header(kind, sender=A, receiver=B):
    return b"TC" + bytes([VERSION, kind, 0, 0]) + struct.pack(">QQ", sender, receiver)


# fuzz-link.c's flags, in byte 7 of a record.
REFUSE, SEND, JUMBO, LOOP, LONG, EPOCH, ADD, RESTART = (1 << i for i in range(8))
MS = 1000


def steer(us=0, flags=0, through=0xFFFF, start=0):
    """The session fields of a fuzz-link record: the clock moves on by
    about `us` (a square times 16 µs, 64 times that with LONG), then the
    flags; `through` picks what LOOP lets through, from `start` round."""
    step = us // 64 if flags & LONG else us
    clock = min(255, round((step / 16) ** 0.5))
    steering = bytes([clock, flags]) + struct.pack(">HB", through, start)
    return struct.unpack(">QQ", steering.ljust(16, b"\0"))


def tick(us=0, flags=0, through=0xFFFF, start=0):
    """A PONG, which the target only steers by."""
    return header(5, *steer(us, flags, through, start)) + struct.pack(">Q", 42)


def hello(name=b"Ada", reply=0, window=212992):
    body = bytes([reply, len(name)]) + IDENTITY + struct.pack(">I", window) + name
    return (header(1, receiver=0) + body).ljust(300, b"\0")


def data(text, index, pn, seq=1, epoch=1, size=BASE_FRAGMENT, sessions=(A, B)):
    count = (len(text) + size - 1) // size
    chunk = text[index * size:(index + 1) * size]
    body = struct.pack(">IIIHHHIQ", epoch, pn, seq, index, count, size, len(text), 0xC0FFEE00 + seq)
    return header(2, *sessions) + body + chunk


def ack(cumulative, ranges=(), epoch=1, delay=100, held=(), sessions=(A, B)):
    body = struct.pack(">IIIBB", epoch, cumulative, delay, len(ranges), len(held))
    for start, end in ranges:
        body += struct.pack(">II", start, end)
    for pn in held:
        body += struct.pack(">I", pn)
    return header(3, *sessions) + body


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
write("wire", "bye", header(6))
write("wire", "plain", "hello from netcat\n".encode())

# The link target: datagrams from the peer, steered.
still = steer()
text = ("Grüße, " * 500).encode()[:2500]


def d(*args, **kwargs):
    return data(*args, sessions=kwargs.pop("sessions", still), **kwargs)


write("link", "in-order", records(d(text, 0, 0), d(text, 1, 1), d(text, 2, 2)))
write("link", "shuffled-with-duplicates",
      records(d(text, 2, 2), d(text, 0, 0), d(text, 2, 2), d(text, 1, 1),
              d(b"next", 0, 3, seq=2), d(b"next", 0, 3, seq=2)))
write("link", "gap-then-fill",
      records(d(b"one", 0, 0), d(b"three", 0, 2, seq=3), d(b"two", 0, 1, seq=2)))
write("link", "new-epoch",
      records(d(text, 0, 0), d(b"again", 0, 0, seq=2, epoch=2), d(text, 1, 1)))
write("link", "acks-and-pings",
      records(ack(0, sessions=still), ack(1, [(3, 4)], sessions=still),
              ping(), ping(5), hello(b"x")))
write("link", "fragment-sizes",
      records(d(text, 0, 0, size=2000), d(text, 1, 1, size=2000),
              d(text, 1, 1), d(text, 0, 2, seq=2, epoch=2, size=1500),
              d(text, 1, 3, seq=2, epoch=2, size=1500), ping(size=1452)))
write("link", "plain",
      records(b"plain text\n", b"\xff\xfe bad utf-8", b"crlf\r\n", b"\n", b""))

# Refused: fragments that disagree with their message, too far ahead,
# and more than 8 MiB being reassembled (the ninth 1 MiB message).
mebibyte = b"m" * (1 << 20)
write("link", "refused",
      records(d(text, 0, 0), d(text, 1, 1, seq=5), d(b"far", 0, 5000),
              *(d(mebibyte, 913, 913 + k, seq=10 + k) for k in range(9))))

# Bytes that are not UTF-8, made valid when delivered.
write("link", "invalid-utf-8", records(d(b"ok \xff\xfe\xc3", 0, 0)))

# Delivered, sent again in a new epoch (its ACK was lost): not again.
write("link", "delivered-again",
      records(d(b"once", 0, 0), d(b"once", 0, 0, epoch=2), d(b"then", 0, 1, seq=2, epoch=2)))

# A full disk: the held fragment comes again, then the message is kept.
write("link", "refused-keep",
      records(data(b"keep", 0, 0, sessions=steer(flags=REFUSE)),
              d(b"keep", 0, 0), d(b"after", 0, 1, seq=2)))

# A reassembly left half done for more than 60 s.
write("link", "reassembly-expiry",
      records(d(text, 0, 0), tick(40_000 * MS, LONG), tick(25_000 * MS, LONG), d(text, 1, 1)))

# The sender's three messages (8 fragments at the base size) to the
# receiver and its ACKs back: all delivered, then more, cut to jumbo size.
write("link", "loopback",
      records(tick(0, SEND), tick(10 * MS, LOOP), tick(10 * MS, ADD | SEND | JUMBO),
              tick(10 * MS, ADD | LOOP), tick(10 * MS, SEND | JUMBO), tick(10 * MS, LOOP)))

# The same over a bad network: losses, reordering, a refused keep,
# retransmission timeouts, then everything through.
write("link", "loopback-lossy",
      records(tick(0, SEND), tick(10 * MS, LOOP, through=0b10110110, start=3),
              tick(1 * MS, SEND), tick(20 * MS, LOOP | REFUSE, through=0b0101, start=1),
              tick(300 * MS), tick(0, SEND), tick(10 * MS, LOOP, through=0b111110),
              tick(600 * MS), tick(0, SEND), tick(10 * MS, LOOP),
              tick(1000 * MS), tick(0, SEND), tick(10 * MS, LOOP)))

# Nothing gets through for longer than the give-up time: the messages
# fail and a new epoch starts; then one more is sent and arrives.
write("link", "give-up",
      records(tick(0, SEND), tick(10 * MS, LOOP, through=0),
              tick(20_000 * MS, LONG | SEND), tick(15_000 * MS, LONG),
              tick(0, ADD | SEND), tick(10 * MS, LOOP)))

# The peer restarts halfway, then a black hole starts another epoch.
write("link", "restart-and-epoch",
      records(tick(0, SEND), tick(10 * MS, LOOP, through=0b1011),
              tick(1 * MS, RESTART | SEND), tick(10 * MS, LOOP),
              tick(1 * MS, EPOCH | ADD | SEND), tick(10 * MS, LOOP, through=0b1101),
              tick(400 * MS, SEND), tick(10 * MS, LOOP)))

# ACKs made up for the sender's packets: ranges, held, a stale epoch.
write("link", "acks-for-sender",
      records(tick(0, SEND), ack(1, [(2, 4)], epoch=0, sessions=steer(5 * MS)),
              ack(1, [(2, 4)], epoch=0, held=[1, 5], sessions=steer(MS)),
              ack(6, epoch=0, sessions=steer(MS, SEND)), ack(8, epoch=0, sessions=steer(MS)),
              ack(8, epoch=1, sessions=steer(MS))))

# A small receive window at the peer: two packets at a time.
write("link", "peer-window",
      records(hello(b"w", window=2400), tick(0, SEND), tick(10 * MS, LOOP),
              tick(0, SEND), tick(10 * MS, LOOP), tick(0, SEND), tick(10 * MS, LOOP)))


def sealed(body, receiver=B, counter=0, phase=0):
    return b"TC" + bytes([VERSION, 10, phase, 0]) + struct.pack(">QQ", receiver, counter) + body


def handshake(kind, size, key=bytes(32), sender=A, receiver=B):
    return (header(kind, sender, receiver) + key).ljust(size, b"\0")


init = handshake(7, INIT_SIZE, bytes(range(1, 33)), receiver=0)
write("wire", "handshake-init", init)
write("wire", "handshake-reply", handshake(8, REPLY_SIZE, sender=B, receiver=A))
write("wire", "handshake-finish", handshake(9, FINISH_SIZE))
write("wire", "sealed", sealed(bytes(range(64)), counter=7, phase=1))

write("route", "handshake-init", init)
write("route", "handshake-reply", handshake(8, REPLY_SIZE, sender=B, receiver=A))
write("route", "handshake-finish", handshake(9, FINISH_SIZE))
write("route", "sealed", sealed(bytes(range(64)), counter=7, phase=1))
write("route", "plain", "hello from netcat\n".encode())
write("route", "ping", ping())
write("route", "data-first", data(text, 0, 0))

# fuzz-handshake.c: RAW, REPLY, FINISH, SEALED.
RAW, REPLY, FINISH, SEALED = range(4)
write("handshake", "raw-init", bytes([RAW]) + init)
# The all-zero key: X25519 with it gives zero, which must be refused.
write("handshake", "raw-init-zero-key", bytes([RAW]) + handshake(7, INIT_SIZE, receiver=0))
write("handshake", "raw-reply", bytes([RAW]) + handshake(8, REPLY_SIZE, sender=B, receiver=A))
write("handshake", "raw-finish", bytes([RAW]) + handshake(9, FINISH_SIZE, receiver=0x5EED5EED5EED5EED))
write("handshake", "raw-sealed", bytes([RAW]) + sealed(bytes(range(64))))
write("handshake", "reply", bytes([REPLY]) + bytes(REPLY_SIZE))
write("handshake", "reply-key-changed", bytes([REPLY]) + bytes(22 + 32 + 5) + b"\x01"
      + bytes(REPLY_SIZE - 60))
write("handshake", "finish", bytes([FINISH]) + bytes(FINISH_SIZE))
write("handshake", "finish-short", bytes([FINISH]) + bytes(FINISH_SIZE - 1))
# A sealed DATA of five bytes: 22 + 52 + 5 + 16.
write("handshake", "sealed", bytes([SEALED]) + bytes(95))
write("handshake", "sealed-counter", bytes([SEALED]) + bytes(21) + b"\x01" + bytes(73))
write("handshake", "sealed-phase", bytes([SEALED]) + bytes(4) + b"\x01" + bytes(90))

# The Noise target (fuzz-noise.c): byte 0 picks a pattern (0-5) or
# seal/open (6); for a handshake, byte 1 picks the message (bits 0-1) and
# MASK and GO_ON.  A zero mask is the real message, which makes the
# handshake finish; a one-bit mask spoils it.
NOISE_PATTERNS = ("nn", "kk", "xk", "ik", "xx", "xxpsk3")
NOISE_MESSAGES = (2, 2, 3, 2, 3, 3)
NOISE_MASK, NOISE_GO_ON = 1 << 2, 1 << 3
NOISE_OPEN, NOISE_SEAL = 6, 1

for number, (name, count) in enumerate(zip(NOISE_PATTERNS, NOISE_MESSAGES)):
    for index in range(count):
        step = bytes([number, index | NOISE_MASK | NOISE_GO_ON])
        write("noise", f"{name}-{index + 1}-real", step + bytes(128))
        write("noise", f"{name}-{index + 1}-flipped", step + bytes(40) + b"\x01")
        write("noise", f"{name}-{index + 1}-made-up",
              bytes([number, index | NOISE_GO_ON]) + bytes(range(32, 32 + 100)))

# NN's first message has no tag: any "e" is read, even one of small
# order, which the reply's DH refuses.
write("noise", "nn-1-zero-e", bytes([0, NOISE_GO_ON]) + bytes(32) + b"hi")

nonce = struct.pack("<Q", 0x0102030405060708)
write("noise", "seal", bytes([NOISE_OPEN, NOISE_SEAL]) + nonce + b"\x05" + b"sealed and opened")
write("noise", "seal-empty", bytes([NOISE_OPEN, NOISE_SEAL]) + nonce + b"\x00")
write("noise", "open", bytes([NOISE_OPEN, 0]) + nonce + b"\x04" + b"head" + bytes(range(40)))

# Discovery (fuzz-announce.c): the magic "TCDS", version 1, the kind,
# flags and a reserved byte; an announcement's key, chat port, protocol
# version and name, or a query's zeros up to the largest announcement.
def announce(name, key=bytes(range(1, 33)), port=2323, version=VERSION, kind=1):
    return b"TCDS" + bytes([1, kind, 0, 0]) + key + struct.pack(">HBB", port, version, len(name)) + name


write("announce", "announce", announce("Ada Lovelace".encode()))
write("announce", "announce-empty-name", announce(b""))
write("announce", "announce-longest-name", announce("é".encode() * 32))
write("announce", "announce-control", announce(b"Ada\nLovelace"))
write("announce", "announce-zero-key", announce(b"Ada", key=bytes(32)))
write("announce", "query", b"TCDS" + bytes([1, 2, 0, 0]) + bytes(100))
write("announce", "chat-hello", hello())

# Files (fuzz-records.c): a record is 0x00, its type and a transfer's ID,
# then its fields (docs/PROTOCOL.md, *Files*).
TRANSFER = bytes(range(0xA0, 0xB0))


def record(kind, body=b""):
    return bytes([0, kind]) + TRANSFER + body


write("records", "offer", record(1, struct.pack(">Q", 1 << 32) + bytes([10]) + b"report.pdf"))
write("records", "offer-utf8", record(1, struct.pack(">Q", 5) + bytes([len("Grüße.txt".encode())])
                                      + "Grüße.txt".encode()))
write("records", "offer-path", record(1, struct.pack(">Q", 5) + bytes([4]) + b"../x"))
write("records", "offer-huge", record(1, struct.pack(">Q", 1 << 63) + bytes([1]) + b"a"))
write("records", "accept", record(2, struct.pack(">Q", 262144)))
write("records", "chunk", record(3, struct.pack(">Q", 0) + b"the first bytes"))
write("records", "chunk-at-end", record(3, struct.pack(">Q", (1 << 63) - 4) + b"last"))
write("records", "zeros", record(4, struct.pack(">QQ", 1 << 32, 262144)))
write("records", "end", record(5, bytes(range(32))))
write("records", "done", record(6))
write("records", "fail", record(7, bytes([2])))
write("records", "ask", record(8))
write("records", "text", b"hello")

# IP Messenger (fuzz-ipmsg.c): one datagram per file, as iptux and IP
# Messenger send them, and a few that are not.
IPTUX = b"1_iptux 0.8.3"
write("ipmsg", "iptux-entry", IPTUX + b":1:alice:laptop:257:Alice\0Friends\0icon.png\0utf-8\0")
write("ipmsg", "iptux-sendmsg", IPTUX + b":7:alice:laptop:288:" + "héllo".encode() + b"\0")
write("ipmsg", "iptux-recvmsg", IPTUX + b":8:alice:laptop:289:1700000000\0")
write("ipmsg", "iptux-exit", IPTUX + b":9:alice:laptop:65538:\0")
write("ipmsg", "ipmsg-entry-extension",
      b"1:1700000000:taro:PC01:16777475:\x93\xfa\x96\x7b\0G\0\nUN:taro\nHN:PC01\nNN:"
      + "日本太郎".encode() + b"\nGN:" + "開発".encode() + b"\0")
write("ipmsg", "ipmsg-sendmsg-cp932", b"1:5:taro:PC01:288:\x93\xfa\x96\x7b\x8c\xea\0")
write("ipmsg", "sendmsg-utf8opt", b"1:6:taro:PC01:8388896:" + "日本語".encode() + b"\0")
write("ipmsg", "control", b"1:6:u:h:32:bell\x07\0")
write("ipmsg", "no-nul", b"1:3:u:h:32:time: 10:30")
write("ipmsg", "too-big-number", b"1:4294967296:u:h:32:x\0")
write("ipmsg", "tin-can", b"TC" + bytes(30))
