#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Tin Can's Noise code (src/core/tincan-noise.c, through tests/noise-peer)
# against dissononce, an independent Noise implementation (Debian's
# python3-dissononce): Noise_XX_25519_ChaChaPoly_BLAKE2b, and XXpsk3,
# with Tin Can as the initiator and as the responder.  Both sides must
# read each other's payloads, agree on the handshake hash, learn each
# other's static key, and exchange a transport message each way.  A
# message dissononce spoils must be refused.  Prints TAP.
#
# Usage: test-noise-interop.py PATH-TO-NOISE-PEER
#
# dissononce missing is a failure, not a skip: `build-aux/tincan-dev test`
# installs it.

import os
import subprocess
import sys

from tincantap import check, finish, run_tests

try:
    from dissononce.cipher.chachapoly import ChaChaPolyCipher
    from dissononce.dh.x25519.private import PrivateKey
    from dissononce.dh.x25519.public import PublicKey
    from dissononce.dh.x25519.x25519 import X25519DH
    from dissononce.hash.blake2b import Blake2bHash
    from dissononce.processing.handshakepatterns.interactive.XX import XXHandshakePattern
    from dissononce.processing.impl.cipherstate import CipherState
    from dissononce.processing.impl.handshakestate import HandshakeState
    from dissononce.processing.impl.symmetricstate import SymmetricState
    from dissononce.processing.modifiers.psk import PSKPatternModifier
except ImportError as error:
    print(f"Bail out! python3-dissononce is not installed for {sys.executable}: {error}")
    sys.exit(1)

PEER = sys.argv[1]
LIMIT = 20  # seconds
PEER_PLAIN = b"from noise-peer"
OUR_PLAIN = b"from dissononce"


class Peer:
    """noise-peer in a process of its own, spoken to in lines."""

    def __init__(self, initiator, static_private, prologue, psk):
        args = [PEER, "--initiator" if initiator else "--responder",
                "--static", static_private.hex(), "--prologue", prologue.hex()]
        if psk is not None:
            args += ["--psk", psk.hex()]
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)

    def take(self, word):
        line = self.process.stdout.readline().decode().split()
        if len(line) != 2 or line[0] != word:
            raise AssertionError(f"expected {word} from noise-peer, got {line!r}")
        return bytes.fromhex(line[1])

    def give(self, word, data):
        self.process.stdin.write(f"{word} {data.hex()}\n".encode())
        self.process.stdin.flush()

    def finish(self):
        status, _, err = finish(self.process, LIMIT)
        return status, err


def handshake_state(psk):
    pattern = XXHandshakePattern()
    if psk is not None:
        pattern = PSKPatternModifier(3).modify(pattern)
    state = HandshakeState(SymmetricState(CipherState(ChaChaPolyCipher()), Blake2bHash()),
                           X25519DH())
    return state, pattern


def run(c_initiator, psk=None, spoil=None):
    """One handshake; returns what each side saw.  With @spoil (a message
    index), dissononce flips a bit of that message of its own."""
    dh = X25519DH()
    ours = dh.generate_keypair()
    peer_private = os.urandom(32)
    peer_public = dh.generate_keypair(PrivateKey(peer_private)).public.data
    prologue = os.urandom(20)

    state, pattern = handshake_state(psk)
    state.initialize(pattern, not c_initiator, prologue, s=ours,
                     psks=[psk] if psk is not None else None)
    peer = Peer(c_initiator, peer_private, prologue, psk)
    seen = {"peer_payloads": [], "our_payloads": [], "refused": False}

    try:
        ciphers = None
        for index in range(3):
            peer_turn = (index % 2 == 0) == c_initiator
            if peer_turn:
                message = peer.take("message")
                payload = bytearray()
                ciphers = state.read_message(message, payload)
                seen["peer_payloads"].append(bytes(payload))
            else:
                ours_payload = f"dissononce {index + 1}".encode()
                message = bytearray()
                ciphers = state.write_message(ours_payload, message)
                if spoil == index:
                    message[len(message) // 2] ^= 0x10
                peer.give("message", bytes(message))
                if spoil == index:
                    seen["refused"] = peer.process.stdout.readline() == b""
                    return seen, peer.finish()
                seen["our_payloads"].append((ours_payload, peer.take("payload")))

        seen["peer_hash"] = peer.take("hash")
        seen["peer_remote_static"] = peer.take("remote-static")
        seen["our_hash"] = state.symmetricstate.get_handshake_hash()
        seen["our_remote_static"] = state.rs.data
        seen["our_public"] = ours.public.data
        seen["peer_public"] = peer_public

        # The initiator sends with the first cipher.
        send, receive = ciphers if not c_initiator else (ciphers[1], ciphers[0])
        seen["peer_plain"] = receive.decrypt_with_ad(b"", peer.take("transport"))
        peer.give("transport", send.encrypt_with_ad(b"", OUR_PLAIN))
        seen["our_plain"] = peer.take("plain")
    except Exception:
        peer.process.kill()
        raise

    return seen, peer.finish()


def check_agreement(name, c_initiator, psk=None):
    seen, (status, err) = run(c_initiator, psk)
    check(f"{name}: noise-peer exits 0", status == 0, err)
    check(f"{name}: dissononce reads noise-peer's payloads",
          seen["peer_payloads"] == [f"noise-peer {i}".encode()
                                    for i in range(1, len(seen["peer_payloads"]) + 1)]
          and len(seen["peer_payloads"]) == (2 if c_initiator else 1), seen["peer_payloads"])
    check(f"{name}: noise-peer reads dissononce's payloads",
          all(sent == got for sent, got in seen["our_payloads"])
          and len(seen["our_payloads"]) == (1 if c_initiator else 2), seen["our_payloads"])
    check(f"{name}: the same handshake hash", seen["peer_hash"] == seen["our_hash"]
          and len(seen["our_hash"]) == 64, (seen["peer_hash"].hex(), seen["our_hash"].hex()))
    check(f"{name}: noise-peer learns dissononce's static key",
          seen["peer_remote_static"] == seen["our_public"])
    check(f"{name}: dissononce learns noise-peer's static key",
          seen["our_remote_static"] == seen["peer_public"])
    check(f"{name}: a transport message from noise-peer", seen["peer_plain"] == PEER_PLAIN,
          seen["peer_plain"])
    check(f"{name}: a transport message to noise-peer", seen["our_plain"] == OUR_PLAIN,
          seen["our_plain"])


def test_c_initiator():
    check_agreement("XX, noise-peer initiates", True)


def test_c_responder():
    check_agreement("XX, dissononce initiates", False)


def test_psk_c_initiator():
    check_agreement("XXpsk3, noise-peer initiates", True, os.urandom(32))


def test_psk_c_responder():
    check_agreement("XXpsk3, dissononce initiates", False, os.urandom(32))


def test_spoiled():
    # dissononce's messages: the second when noise-peer initiates, the
    # first and third when it responds.  The first of XX has no tag, so
    # the third is the one to spoil there.
    for c_initiator, index in ((True, 1), (False, 2)):
        name = f"a flipped bit in message {index + 1} from dissononce"
        seen, (status, err) = run(c_initiator, spoil=index)
        check(f"{name}: refused", seen["refused"] and status == 1
              and "refused" in err, (status, err))


def main():
    return run_tests((test_c_initiator, test_c_responder, test_psk_c_initiator,
                      test_psk_c_responder, test_spoiled))


if __name__ == "__main__":
    sys.exit(main())
