/* fuzz-noise.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the Noise code (tincan-noise.h) reading what it is
 * given.
 *
 *   byte 0    what: its value modulo 7.  0 to 5 are a TincanNoisePattern
 *             (5 is XXpsk3, 4 is XX): a handshake between two sides with
 *             fixed keys runs to a message, and the rest of the input
 *             stands in for it.  6 is tincan_noise_open().
 *
 * For a handshake:
 *
 *   byte 1    bits 0-1: which message, 1 to 3 (modulo the pattern's
 *             count), and so which side reads it: the responder reads
 *             the first and third, the initiator the second.
 *             bit 2 (MASK): the rest is XORed onto the real message,
 *             rather than replacing it.
 *             bit 3 (GO_ON): after a read that succeeds, the handshake
 *             goes on to its end, then a transport message each way.
 *   the rest  the message, or the mask.
 *
 * The side that reads it either refuses it and is dead, or accepts it;
 * a message with a tag is accepted only if it is the real one.  Going on,
 * the handshake finishes exactly when the message read was the real one.
 *
 * For tincan_noise_open(), with a fixed key:
 *
 *   byte 1    bit 0 (SEAL): the rest is sealed and opened again, which
 *             gives it back; with the next nonce, or a bit flipped
 *             (byte 10 says which byte), it does not open.  Otherwise
 *             the rest is opened.
 *   bytes 2-9 the nonce, little-endian
 *   byte 10   without SEAL, the length of the associated data that
 *             starts the rest
 *   the rest  the associated data and the sealed bytes: if they open,
 *             sealing what they opened to gives them back.
 *
 * Every key here, ephemerals included, is fixed, so a run is the same
 * every time.
 */

#include "config.h"

#include <string.h>

#include "tincan-noise.h"

#define WHAT_OPEN 6

enum
{
  SEAL  = 1 << 0,   /* for tincan_noise_open() */
  MASK  = 1 << 2,   /* for a handshake */
  GO_ON = 1 << 3,
};

#define MAX_FUZZ_INPUT 4096

static const guint8 prologue[] = "fuzz-noise";
static const guint8 payload_text[] = "a payload";

/* A made-up key that is the same every run. */
static void
fixed_key (guint8  seed,
           guint8 *key)
{
  for (guint i = 0; i < TINCAN_NOISE_KEY_SIZE; i++)
    key[i] = seed + 37 * i;
}

static guint
n_messages (TincanNoisePattern pattern)
{
  return pattern == TINCAN_NOISE_NN || pattern == TINCAN_NOISE_KK
         || pattern == TINCAN_NOISE_IK ? 2 : 3;
}

static void
make_pair (TincanNoisePattern     pattern,
           TincanNoiseHandshake **initiator,
           TincanNoiseHandshake **responder)
{
  guint8 initiator_static[TINCAN_NOISE_KEY_SIZE], initiator_public[TINCAN_NOISE_KEY_SIZE];
  guint8 responder_static[TINCAN_NOISE_KEY_SIZE], responder_public[TINCAN_NOISE_KEY_SIZE];
  guint8 ephemeral[TINCAN_NOISE_KEY_SIZE];
  guint8 psk[TINCAN_NOISE_KEY_SIZE];
  gboolean statics = pattern != TINCAN_NOISE_NN;
  gboolean known = pattern == TINCAN_NOISE_KK || pattern == TINCAN_NOISE_XK
                   || pattern == TINCAN_NOISE_IK;

  fixed_key (1, initiator_static);
  fixed_key (2, responder_static);
  fixed_key (3, psk);
  g_assert_true (tincan_noise_public_key (initiator_static, initiator_public));
  g_assert_true (tincan_noise_public_key (responder_static, responder_public));

  *initiator = tincan_noise_handshake_new (pattern, TRUE, prologue, sizeof prologue,
                                           statics ? initiator_static : NULL,
                                           known ? responder_public : NULL,
                                           pattern == TINCAN_NOISE_XXPSK3 ? psk : NULL);
  *responder = tincan_noise_handshake_new (pattern, FALSE, prologue, sizeof prologue,
                                           statics ? responder_static : NULL,
                                           pattern == TINCAN_NOISE_KK ? initiator_public : NULL,
                                           pattern == TINCAN_NOISE_XXPSK3 ? psk : NULL);
  g_assert (*initiator != NULL && *responder != NULL);

  fixed_key (4, ephemeral);
  tincan_noise_handshake_set_ephemeral (*initiator, ephemeral);
  fixed_key (5, ephemeral);
  tincan_noise_handshake_set_ephemeral (*responder, ephemeral);
}

/* The next message, from whichever side's turn it is. */
static TincanNoiseHandshake *
write_next (TincanNoiseHandshake *initiator,
            TincanNoiseHandshake *responder,
            guint8               *message,
            gsize                 size,
            gsize                *length)
{
  TincanNoiseHandshake *writer;

  writer = tincan_noise_handshake_is_my_turn (initiator) ? initiator : responder;
  if (!tincan_noise_handshake_write (writer, payload_text, sizeof payload_text,
                                     message, size, length))
    return NULL;

  return writer;
}

static void
assert_dead (TincanNoiseHandshake *handshake)
{
  g_assert (tincan_noise_handshake_has_failed (handshake));
  g_assert (!tincan_noise_handshake_is_finished (handshake));
  g_assert (!tincan_noise_handshake_is_my_turn (handshake));
  g_assert (tincan_noise_handshake_get_overhead (handshake) == 0);
  g_assert (tincan_noise_handshake_get_hash (handshake) == NULL);
  g_assert (tincan_noise_handshake_get_remote_static (handshake) == NULL);
}

/* The rest of a handshake whose message was accepted. */
static void
go_on (TincanNoiseHandshake *initiator,
       TincanNoiseHandshake *responder,
       gboolean              real)
{
  static const guint8 plain[] = "transport";
  TincanNoiseCipher send[2], receive[2];
  guint8 message[256];
  guint8 payload[256];
  gsize length;

  while (!tincan_noise_handshake_is_finished (initiator)
         || !tincan_noise_handshake_is_finished (responder))
    {
      gboolean from_initiator = tincan_noise_handshake_is_my_turn (initiator);
      TincanNoiseHandshake *writer = from_initiator ? initiator : responder;
      TincanNoiseHandshake *reader = from_initiator ? responder : initiator;

      g_assert (from_initiator != tincan_noise_handshake_is_my_turn (responder));

      /* A made-up "e" of small order fails the DH of the reply. */
      if (!write_next (initiator, responder, message, sizeof message, &length))
        {
          g_assert (!real);
          assert_dead (writer);
          return;
        }

      if (!tincan_noise_handshake_read (reader, message, length, payload, sizeof payload, NULL))
        {
          g_assert (!real);
          assert_dead (reader);
          return;
        }
    }

  g_assert (real);
  g_assert (memcmp (tincan_noise_handshake_get_hash (initiator),
                    tincan_noise_handshake_get_hash (responder), TINCAN_NOISE_HASH_SIZE) == 0);

  tincan_noise_handshake_split (initiator, &send[0], &receive[0]);
  tincan_noise_handshake_split (responder, &send[1], &receive[1]);
  for (guint from = 0; from < 2; from++)
    {
      g_assert_true (tincan_noise_cipher_encrypt (&send[from], NULL, 0, plain, sizeof plain,
                                             message, sizeof message, &length));
      g_assert_true (tincan_noise_cipher_decrypt (&receive[1 - from], NULL, 0, message, length,
                                             payload, sizeof payload, &length));
      g_assert (length == sizeof plain && memcmp (payload, plain, length) == 0);
      tincan_noise_cipher_clear (&send[from]);
      tincan_noise_cipher_clear (&receive[1 - from]);
    }
}

static void
fuzz_handshake (TincanNoisePattern  pattern,
                guint8              flags,
                const guint8       *data,
                gsize               size)
{
  static guint8 real[256];
  static guint8 message[MAX_FUZZ_INPUT];
  static guint8 payload[MAX_FUZZ_INPUT];
  g_autoptr(TincanNoiseHandshake) initiator = NULL;
  g_autoptr(TincanNoiseHandshake) responder = NULL;
  TincanNoiseHandshake *reader;
  guint index = (flags & 3) % n_messages (pattern);
  gsize real_length, length, overhead, payload_length;
  gboolean is_real, accepted;

  make_pair (pattern, &initiator, &responder);
  for (guint i = 0; i < index; i++)
    {
      g_assert_true (write_next (initiator, responder, message, sizeof message, &length));
      reader = i % 2 == 0 ? responder : initiator;
      g_assert_true (tincan_noise_handshake_read (reader, message, length,
                                                 payload, sizeof payload, NULL));
    }

  g_assert_true (write_next (initiator, responder, real, sizeof real, &real_length));
  reader = index % 2 == 0 ? responder : initiator;

  if (flags & MASK)
    {
      length = real_length;
      memcpy (message, real, length);
      for (gsize i = 0; i < MIN (size, length); i++)
        message[i] ^= data[i];
    }
  else
    {
      length = size;
      memcpy (message, data, size);
    }
  is_real = length == real_length && memcmp (message, real, length) == 0;

  overhead = tincan_noise_handshake_get_overhead (reader);
  accepted = tincan_noise_handshake_read (reader, message, length,
                                          payload, sizeof payload, &payload_length);

  if (!accepted)
    {
      assert_dead (reader);
      g_assert (!is_real);
      return;
    }

  g_assert (payload_length + overhead == length);
  if (is_real)
    g_assert (payload_length == sizeof payload_text
              && memcmp (payload, payload_text, payload_length) == 0);

  /* Only the first message of NN and XX has no tag (XXpsk3's has one,
   * the key mixed from its "e").
   */
  if (!is_real)
    g_assert (index == 0 && (pattern == TINCAN_NOISE_NN || pattern == TINCAN_NOISE_XX));

  if (flags & GO_ON)
    go_on (initiator, responder, is_real);
}

/* @data is the input from byte 1. */
static void
fuzz_open (const guint8 *data,
           gsize         size)
{
  static guint8 sealed[MAX_FUZZ_INPUT + TINCAN_NOISE_TAG_SIZE];
  static guint8 opened[MAX_FUZZ_INPUT];
  guint8 key[TINCAN_NOISE_KEY_SIZE];
  const guint8 *rest = data + 10;
  gsize rest_size;
  guint64 nonce = 0;

  if (size < 10)
    return;

  fixed_key (6, key);
  for (guint i = 0; i < 8; i++)
    nonce |= (guint64) data[1 + i] << (8 * i);
  rest_size = size - 10;

  if (data[0] & SEAL)
    {
      gsize sealed_size = rest_size + TINCAN_NOISE_TAG_SIZE;

      tincan_noise_seal (key, nonce, NULL, 0, rest, rest_size, sealed);
      g_assert_true (tincan_noise_open (key, nonce, NULL, 0, sealed, sealed_size, opened));
      g_assert (memcmp (opened, rest, rest_size) == 0);
      g_assert_false (tincan_noise_open (key, nonce + 1, NULL, 0, sealed, sealed_size, opened));

      sealed[data[9] % sealed_size] ^= 1;
      g_assert_false (tincan_noise_open (key, nonce, NULL, 0, sealed, sealed_size, opened));
    }
  else
    {
      gsize ad_length = MIN (data[9], rest_size);
      gsize sealed_size = rest_size - ad_length;

      if (!tincan_noise_open (key, nonce, rest, ad_length, rest + ad_length, sealed_size, opened))
        return;

      g_assert (sealed_size >= TINCAN_NOISE_TAG_SIZE);
      tincan_noise_seal (key, nonce, rest, ad_length, opened, sealed_size - TINCAN_NOISE_TAG_SIZE,
                         sealed);
      g_assert (memcmp (sealed, rest + ad_length, sealed_size) == 0);
    }
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  guint what;

  if (size < 2 || size > MAX_FUZZ_INPUT)
    return 0;

  what = data[0] % 7;
  if (what == WHAT_OPEN)
    fuzz_open (data + 1, size - 1);
  else
    fuzz_handshake (what, data[1], data + 2, size - 2);

  return 0;
}
