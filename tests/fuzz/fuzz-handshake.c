/* fuzz-handshake.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: datagrams through the wire decoder into the
 * handshake and the seal, where nothing is believed until it
 * authenticates.  The first byte of an input picks where it goes; the
 * rest is a datagram, as it is (RAW) or laid with XOR over a real one
 * that this target makes (the others), so that a seed of zeros is the
 * real exchange and every change to it is an attacker's:
 *
 *   RAW     decoded, then by its type: an INIT to a new responder, a
 *           REPLY to a new initiator, a FINISH to a responder that
 *           answered a real INIT, a SEALED packet to a seal with keys
 *   REPLY   over a responder's real answer to our INIT
 *   FINISH  over the initiator's real last message
 *   SEALED  over a real sealed DATA, opened with the keys of a real
 *           handshake (the input's length is the datagram's)
 *
 * Besides "nothing crashes or reads out of bounds": a responder's answer
 * is never bigger than the INIT it answers; a handshake that finishes
 * splits into keys that open what the other side sealed; an opened
 * packet is no longer than what came in.
 */

#include "config.h"

#include <string.h>

#include "tincan-handshake.h"
#include "tincan-seal.h"
#include "tincan-wire.h"

#define INITIATOR_SESSION G_GUINT64_CONSTANT (0x0123456789abcdef)
#define RESPONDER_SESSION G_GUINT64_CONSTANT (0x5eed5eed5eed5eed)

enum
{
  RAW,
  REPLY,
  FINISH,
  SEALED,
  N_MODES
};

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint8 initiator_key[TINCAN_NOISE_KEY_SIZE];
static guint8 responder_key[TINCAN_NOISE_KEY_SIZE];

static void
make_keys (void)
{
  for (guint i = 0; i < TINCAN_NOISE_KEY_SIZE; i++)
    {
      initiator_key[i] = 1 + i;
      responder_key[i] = 101 + i;
    }
}

static void
make_hello (TincanPacket *hello)
{
  memset (hello, 0, sizeof *hello);
  hello->type = TINCAN_PACKET_HELLO;
  for (guint i = 0; i < TINCAN_WIRE_IDENTITY_SIZE; i++)
    hello->hello.identity[i] = 1 + i;
  hello->hello.receive_window = 65536;
  strcpy (hello->hello.name, "Fuzz");
}

/* A copy of @real of @length bytes, each XORed with @mask (as long as
 * the mask; zeros past @real).
 */
static gsize
overlay (const guint8 *real,
         gsize         real_length,
         const guint8 *mask,
         gsize         length,
         guint8       *out)
{
  length = MIN (length, TINCAN_WIRE_MAX_DATAGRAM);
  memset (out, 0, length);
  memcpy (out, real, MIN (real_length, length));
  for (gsize i = 0; i < length; i++)
    out[i] ^= mask[i];

  return length;
}

static TincanHandshake *
respond (const guint8 *datagram,
         gsize         length)
{
  TincanPacket packet, hello;
  TincanHandshake *responder;
  gsize reply_length;

  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_HANDSHAKE_INIT)
    return NULL;

  make_hello (&hello);
  responder = tincan_handshake_new_responder (responder_key, RESPONDER_SESSION, &packet,
                                              datagram, &hello);
  if (responder != NULL)
    {
      tincan_handshake_get_datagram (responder, &reply_length);
      g_assert (reply_length <= length);
      g_assert (!tincan_handshake_is_finished (responder));
    }

  return responder;
}

/* Both sides finished: each one's keys open what the other sealed. */
static void
check_keys (TincanHandshake *initiator,
            TincanHandshake *responder,
            TincanSeal      *initiator_seal,
            TincanSeal      *responder_seal)
{
  TincanNoiseCipher send, receive;
  TincanPacket ping = { 0 }, sealed;
  guint8 inner[TINCAN_WIRE_BASE_DATAGRAM], datagram[TINCAN_WIRE_BASE_DATAGRAM];
  guint8 out[TINCAN_WIRE_BASE_DATAGRAM];
  gsize length, out_length;

  g_assert (memcmp (tincan_handshake_get_hash (initiator), tincan_handshake_get_hash (responder),
                    TINCAN_NOISE_HASH_SIZE) == 0);

  tincan_handshake_split (initiator, &send, &receive);
  tincan_seal_install (initiator_seal, &send, &receive, tincan_handshake_get_hash (initiator)[0] & 1, 0);
  tincan_handshake_split (responder, &send, &receive);
  tincan_seal_install (responder_seal, &send, &receive, tincan_handshake_get_hash (responder)[0] & 1, 0);

  ping.type = TINCAN_PACKET_PING;
  ping.sender_session = INITIATOR_SESSION;
  ping.receiver_session = RESPONDER_SESSION;
  length = tincan_wire_encode (&ping, inner, sizeof inner);
  length = tincan_seal_seal (initiator_seal, RESPONDER_SESSION, inner, length, NULL, 0,
                             datagram, sizeof datagram);
  g_assert (length > 0);
  g_assert (tincan_wire_decode (datagram, length, &sealed) == TINCAN_WIRE_OK);
  g_assert (tincan_seal_open (responder_seal, &sealed, datagram, out, &out_length) == TINCAN_SEAL_OPENED);
  g_assert (out_length == length - TINCAN_WIRE_SEAL_OVERHEAD);
  g_assert (memcmp (out, inner, out_length) == 0);
}

static void
open_sealed (TincanSeal   *seal,
             const guint8 *datagram,
             gsize         length)
{
  static guint8 out[TINCAN_WIRE_MAX_DATAGRAM];
  TincanPacket packet, inner;
  gsize out_length = 0;

  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_SEALED)
    return;

  if (tincan_seal_open (seal, &packet, datagram, out, &out_length) != TINCAN_SEAL_OPENED)
    return;

  g_assert (out_length + TINCAN_WIRE_SEAL_OVERHEAD == length);
  tincan_wire_decode (out, out_length, &inner);
}

/* A whole handshake, both sides in this process, with @mask laid over
 * the message @mode names.
 */
static void
run_exchange (guint         mode,
              const guint8 *mask,
              gsize         mask_length)
{
  static guint8 datagram[TINCAN_WIRE_MAX_DATAGRAM];
  g_autoptr(TincanHandshake) initiator = NULL;
  g_autoptr(TincanHandshake) responder = NULL;
  g_autoptr(TincanSeal) initiator_seal = tincan_seal_new ();
  g_autoptr(TincanSeal) responder_seal = tincan_seal_new ();
  TincanPacket packet, peer_hello, hello, data = { 0 };
  const guint8 *real;
  guint8 inner[TINCAN_WIRE_BASE_DATAGRAM], public_key[TINCAN_NOISE_KEY_SIZE];
  gsize real_length, length;

  initiator = tincan_handshake_new_initiator (initiator_key, INITIATOR_SESSION, 0);
  real = tincan_handshake_get_datagram (initiator, &real_length);
  responder = respond (real, real_length);
  g_assert (responder != NULL);

  real = tincan_handshake_get_datagram (responder, &real_length);
  if (mode == REPLY)
    length = overlay (real, real_length, mask, mask_length, datagram);
  else
    {
      memcpy (datagram, real, real_length);
      length = real_length;
    }
  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_HANDSHAKE_REPLY
      || !tincan_handshake_read_reply (initiator, &packet, &peer_hello))
    return;
  g_assert (peer_hello.type == TINCAN_PACKET_HELLO);
  /* Nothing but the responder's own key authenticates. */
  g_assert (tincan_noise_public_key (responder_key, public_key));
  g_assert (memcmp (tincan_handshake_get_peer_key (initiator), public_key, TINCAN_NOISE_KEY_SIZE) == 0);

  make_hello (&hello);
  g_assert (tincan_handshake_finish (initiator, &hello));
  real = tincan_handshake_get_datagram (initiator, &real_length);
  if (mode == FINISH)
    length = overlay (real, real_length, mask, mask_length, datagram);
  else
    {
      memcpy (datagram, real, real_length);
      length = real_length;
    }
  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_HANDSHAKE_FINISH
      || !tincan_handshake_read_finish (responder, &packet, &peer_hello))
    return;
  g_assert (tincan_handshake_is_finished (responder));
  g_assert (peer_hello.type == TINCAN_PACKET_HELLO);

  check_keys (initiator, responder, initiator_seal, responder_seal);
  if (mode != SEALED)
    return;

  data.type = TINCAN_PACKET_DATA;
  data.sender_session = INITIATOR_SESSION;
  data.receiver_session = RESPONDER_SESSION;
  data.data.epoch = 1;
  data.data.packet_number = 1;
  data.data.message_seq = 1;
  data.data.message_id = 1;
  data.data.fragment_count = 1;
  data.data.fragment_size = TINCAN_WIRE_MIN_FRAGMENT;
  data.data.message_length = 5;
  data.data.payload = (const guint8 *) "hello";
  data.data.payload_length = 5;
  length = tincan_wire_encode (&data, inner, sizeof inner);
  real_length = tincan_seal_seal (initiator_seal, RESPONDER_SESSION, inner, length, NULL, 0,
                                  datagram, TINCAN_WIRE_MAX_DATAGRAM);
  g_assert (real_length > 0);
  {
    g_autofree guint8 *copy = g_memdup2 (datagram, real_length);

    length = overlay (copy, real_length, mask, mask_length, datagram);
  }
  open_sealed (responder_seal, datagram, length);
}

/* Whatever came: each kind to the side that would take it. */
static void
run_raw (const guint8 *datagram,
         gsize         length)
{
  g_autoptr(TincanHandshake) handshake = NULL;
  TincanPacket packet, peer_hello;

  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK)
    return;

  switch (packet.type)
    {
    case TINCAN_PACKET_HANDSHAKE_INIT:
      handshake = respond (datagram, length);
      break;

    case TINCAN_PACKET_HANDSHAKE_REPLY:
      handshake = tincan_handshake_new_initiator (initiator_key, packet.receiver_session, 0);
      if (tincan_handshake_read_reply (handshake, &packet, &peer_hello))
        g_assert (peer_hello.type == TINCAN_PACKET_HELLO);
      break;

    case TINCAN_PACKET_HANDSHAKE_FINISH:
      {
        g_autoptr(TincanHandshake) initiator = NULL;
        const guint8 *init;
        gsize init_length;

        initiator = tincan_handshake_new_initiator (initiator_key, packet.sender_session, 0);
        init = tincan_handshake_get_datagram (initiator, &init_length);
        handshake = respond (init, init_length);
        g_assert (handshake != NULL);
        if (tincan_handshake_read_finish (handshake, &packet, &peer_hello))
          g_assert (peer_hello.type == TINCAN_PACKET_HELLO);
      }
      break;

    case TINCAN_PACKET_SEALED:
      {
        g_autoptr(TincanSeal) seal = tincan_seal_new ();
        TincanNoiseCipher send = { { 0 }, 0, TRUE }, receive = { { 0 }, 0, TRUE };

        /* Keys no input knows, and none: both refuse it. */
        open_sealed (seal, datagram, length);
        memset (send.key, 0x5e, sizeof send.key);
        memset (receive.key, 0xed, sizeof receive.key);
        tincan_seal_install (seal, &send, &receive, packet.sealed.phase, 0);
        open_sealed (seal, datagram, length);
      }
      break;

    default:
      break;
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static gboolean ready = FALSE;

  if (!ready)
    {
      make_keys ();
      ready = TRUE;
    }

  if (size < 1)
    return 0;

  switch (data[0] % N_MODES)
    {
    case RAW:
      run_raw (data + 1, size - 1);
      break;

    default:
      run_exchange (data[0] % N_MODES, data + 1, size - 1);
      break;
    }

  return 0;
}
