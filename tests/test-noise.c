/* test-noise.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Noise code against the cacophony test vectors
 * (tests/data/noise/), one test case per vector: every handshake message
 * byte for byte, each payload read back, the handshake hash and the
 * transport messages after it.  Then what must fail: a flipped bit, a
 * message cut short or too long, the wrong turn, the wrong keys, a bad
 * DH; and that a failed handshake is dead for good.
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <sodium.h>

#include "tincan-noise.h"

#define KEY  TINCAN_NOISE_KEY_SIZE
#define TAG  TINCAN_NOISE_TAG_SIZE
#define HASH TINCAN_NOISE_HASH_SIZE

/* Big enough for any handshake message here. */
#define BUFFER_SIZE 1024

static const guint8 payload_text[] = "Tin Can on the line";

static GBytes *
hex_decode (const char *hex)
{
  gsize length = strlen (hex);
  guint8 *bytes;

  g_assert_cmpuint (length % 2, ==, 0);

  bytes = g_malloc (length / 2 + 1);
  for (gsize i = 0; i < length / 2; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (high, >=, 0);
      g_assert_cmpint (low, >=, 0);
      bytes[i] = high << 4 | low;
    }

  return g_bytes_new_take (bytes, length / 2);
}

/* A hex member of a vector, or %NULL if it has none. */
static GBytes *
hex_member (JsonObject *object,
            const char *name)
{
  if (!json_object_has_member (object, name))
    return NULL;

  return hex_decode (json_object_get_string_member (object, name));
}

/* The first of a vector's list of psks, which is all XXpsk3 takes. */
static GBytes *
psk_member (JsonObject *object,
            const char *name)
{
  JsonArray *psks;

  if (!json_object_has_member (object, name))
    return NULL;

  psks = json_object_get_array_member (object, name);
  g_assert_cmpuint (json_array_get_length (psks), ==, 1);

  return hex_decode (json_array_get_string_element (psks, 0));
}

static const guint8 *
data_or_null (GBytes *bytes)
{
  return bytes != NULL ? g_bytes_get_data (bytes, NULL) : NULL;
}

static void
assert_bytes_equal (const guint8 *data,
                    gsize         length,
                    GBytes       *expected)
{
  g_assert_nonnull (data);
  g_assert_cmpmem (data, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static TincanNoisePattern
pattern_for_name (const char *protocol_name)
{
  for (guint p = 0; p < TINCAN_NOISE_N_PATTERNS; p++)
    {
      if (g_str_equal (tincan_noise_protocol_name (p), protocol_name))
        return p;
    }

  g_error ("no pattern for %s", protocol_name);
}

static TincanNoiseHandshake *
vector_side (JsonObject         *vector,
             TincanNoisePattern  pattern,
             gboolean            initiator)
{
  const char *side = initiator ? "init" : "resp";
  g_autofree char *prologue_name = g_strconcat (side, "_prologue", NULL);
  g_autofree char *static_name = g_strconcat (side, "_static", NULL);
  g_autofree char *remote_name = g_strconcat (side, "_remote_static", NULL);
  g_autofree char *psks_name = g_strconcat (side, "_psks", NULL);
  g_autofree char *ephemeral_name = g_strconcat (side, "_ephemeral", NULL);
  g_autoptr(GBytes) prologue = hex_member (vector, prologue_name);
  g_autoptr(GBytes) static_private = hex_member (vector, static_name);
  g_autoptr(GBytes) remote_static = hex_member (vector, remote_name);
  g_autoptr(GBytes) psk = psk_member (vector, psks_name);
  g_autoptr(GBytes) ephemeral = hex_member (vector, ephemeral_name);
  TincanNoiseHandshake *handshake;

  handshake = tincan_noise_handshake_new (pattern, initiator,
                                          g_bytes_get_data (prologue, NULL),
                                          g_bytes_get_size (prologue),
                                          data_or_null (static_private),
                                          data_or_null (remote_static),
                                          data_or_null (psk));
  g_assert_nonnull (handshake);
  tincan_noise_handshake_set_ephemeral (handshake, g_bytes_get_data (ephemeral, NULL));

  g_assert_false (tincan_noise_handshake_is_finished (handshake));
  g_assert_false (tincan_noise_handshake_has_failed (handshake));
  g_assert_cmpint (tincan_noise_handshake_is_my_turn (handshake), ==, initiator);

  return handshake;
}

/* What each side knows of the other's static key once the handshake is
 * done: the key its private half makes.
 */
static void
assert_remote_static (TincanNoiseHandshake *handshake,
                      JsonObject           *vector,
                      const char           *peer_static_name)
{
  g_autoptr(GBytes) peer_static = hex_member (vector, peer_static_name);
  guint8 expected[KEY];

  if (peer_static == NULL)
    {
      g_assert_null (tincan_noise_handshake_get_remote_static (handshake));
      return;
    }

  g_assert_true (tincan_noise_public_key (g_bytes_get_data (peer_static, NULL), expected));
  g_assert_cmpmem (tincan_noise_handshake_get_remote_static (handshake), KEY, expected, KEY);
}

static void
test_vector (gconstpointer data)
{
  JsonObject *vector = (JsonObject *) data;
  const char *protocol_name = json_object_get_string_member (vector, "protocol_name");
  TincanNoisePattern pattern = pattern_for_name (protocol_name);
  JsonArray *messages = json_object_get_array_member (vector, "messages");
  g_autoptr(GBytes) handshake_hash = hex_member (vector, "handshake_hash");
  g_autoptr(TincanNoiseHandshake) initiator = vector_side (vector, pattern, TRUE);
  g_autoptr(TincanNoiseHandshake) responder = vector_side (vector, pattern, FALSE);
  TincanNoiseCipher ciphers[2][2];   /* [initiator, responder][send, receive] */
  guint n_handshake = 0;
  guint n_transport = 0;

  g_assert_cmpstr (tincan_noise_protocol_name (pattern), ==, protocol_name);

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);
      g_autoptr(GBytes) payload = hex_member (message, "payload");
      g_autoptr(GBytes) expected = hex_member (message, "ciphertext");
      gboolean from_initiator = i % 2 == 0;
      guint8 out[BUFFER_SIZE];
      guint8 back[BUFFER_SIZE];
      gsize out_length, back_length;

      g_test_message ("message %u, from the %s", i, from_initiator ? "initiator" : "responder");

      if (!tincan_noise_handshake_is_finished (initiator))
        {
          TincanNoiseHandshake *writer = from_initiator ? initiator : responder;
          TincanNoiseHandshake *reader = from_initiator ? responder : initiator;
          gsize overhead = tincan_noise_handshake_get_overhead (writer);

          g_assert_true (tincan_noise_handshake_is_my_turn (writer));
          g_assert_false (tincan_noise_handshake_is_my_turn (reader));
          g_assert_cmpuint (tincan_noise_handshake_get_overhead (reader), ==, overhead);

          g_assert_true (tincan_noise_handshake_write (writer, g_bytes_get_data (payload, NULL),
                                                       g_bytes_get_size (payload),
                                                       out, sizeof out, &out_length));
          assert_bytes_equal (out, out_length, expected);
          g_assert_cmpuint (out_length, ==, overhead + g_bytes_get_size (payload));

          g_assert_true (tincan_noise_handshake_read (reader, out, out_length,
                                                      back, sizeof back, &back_length));
          assert_bytes_equal (back, back_length, payload);
          n_handshake++;

          /* Both sides finish with the same message. */
          g_assert_cmpint (tincan_noise_handshake_is_finished (writer), ==,
                           tincan_noise_handshake_is_finished (reader));
          if (tincan_noise_handshake_is_finished (initiator))
            {
              g_assert_cmpuint (tincan_noise_handshake_get_overhead (initiator), ==, 0);
              g_assert_false (tincan_noise_handshake_is_my_turn (initiator));
              g_assert_false (tincan_noise_handshake_is_my_turn (responder));

              assert_bytes_equal (tincan_noise_handshake_get_hash (initiator), HASH, handshake_hash);
              assert_bytes_equal (tincan_noise_handshake_get_hash (responder), HASH, handshake_hash);
              assert_remote_static (initiator, vector, "resp_static");
              assert_remote_static (responder, vector, "init_static");

              tincan_noise_handshake_split (initiator, &ciphers[0][0], &ciphers[0][1]);
              tincan_noise_handshake_split (responder, &ciphers[1][0], &ciphers[1][1]);
              g_assert_cmpmem (ciphers[0][0].key, KEY, ciphers[1][1].key, KEY);
              g_assert_cmpmem (ciphers[0][1].key, KEY, ciphers[1][0].key, KEY);
            }
        }
      else
        {
          TincanNoiseCipher *send = &ciphers[from_initiator ? 0 : 1][0];
          TincanNoiseCipher *receive = &ciphers[from_initiator ? 1 : 0][1];
          guint64 nonce = send->nonce;

          g_assert_true (tincan_noise_cipher_encrypt (send, NULL, 0, g_bytes_get_data (payload, NULL),
                                                      g_bytes_get_size (payload),
                                                      out, sizeof out, &out_length));
          assert_bytes_equal (out, out_length, expected);
          g_assert_cmpuint (send->nonce, ==, nonce + 1);

          g_assert_true (tincan_noise_cipher_decrypt (receive, NULL, 0, out, out_length,
                                                      back, sizeof back, &back_length));
          assert_bytes_equal (back, back_length, payload);
          g_assert_cmpuint (receive->nonce, ==, send->nonce);
          n_transport++;
        }
    }

  g_assert_true (tincan_noise_handshake_is_finished (initiator));
  g_assert_true (tincan_noise_handshake_is_finished (responder));
  g_assert_cmpuint (n_handshake, >=, 2);
  g_assert_cmpuint (n_transport, >=, 2);

  for (guint i = 0; i < 2; i++)
    for (guint j = 0; j < 2; j++)
      tincan_noise_cipher_clear (&ciphers[i][j]);
}

/* Handshakes with keys of their own, as the app makes them. */

typedef struct
{
  guint8 initiator_private[KEY];
  guint8 initiator_public[KEY];
  guint8 responder_private[KEY];
  guint8 responder_public[KEY];
  guint8 psk[KEY];
} Keys;

static gboolean
initiator_knows_responder (TincanNoisePattern pattern)
{
  return pattern == TINCAN_NOISE_KK || pattern == TINCAN_NOISE_XK || pattern == TINCAN_NOISE_IK;
}

static void
make_keys (Keys *keys)
{
  tincan_noise_generate_keypair (keys->initiator_private, keys->initiator_public);
  tincan_noise_generate_keypair (keys->responder_private, keys->responder_public);
  randombytes_buf (keys->psk, sizeof keys->psk);
}

static void
make_pair (TincanNoisePattern     pattern,
           const Keys            *keys,
           TincanNoiseHandshake **initiator,
           TincanNoiseHandshake **responder)
{
  static const guint8 prologue[] = "tincan test";
  gboolean statics = pattern != TINCAN_NOISE_NN;
  const guint8 *psk = pattern == TINCAN_NOISE_XXPSK3 ? keys->psk : NULL;

  *initiator = tincan_noise_handshake_new (pattern, TRUE, prologue, sizeof prologue,
                                           statics ? keys->initiator_private : NULL,
                                           initiator_knows_responder (pattern)
                                           ? keys->responder_public : NULL,
                                           psk);
  *responder = tincan_noise_handshake_new (pattern, FALSE, prologue, sizeof prologue,
                                           statics ? keys->responder_private : NULL,
                                           pattern == TINCAN_NOISE_KK ? keys->initiator_public : NULL,
                                           psk);
  g_assert_nonnull (*initiator);
  g_assert_nonnull (*responder);
}

/* One handshake message, written by whichever side's turn it is and read
 * by the other, who must accept it.
 */
static void
step (TincanNoiseHandshake *initiator,
      TincanNoiseHandshake *responder)
{
  gboolean from_initiator = tincan_noise_handshake_is_my_turn (initiator);
  TincanNoiseHandshake *writer = from_initiator ? initiator : responder;
  TincanNoiseHandshake *reader = from_initiator ? responder : initiator;
  guint8 message[BUFFER_SIZE];
  guint8 payload[BUFFER_SIZE];
  gsize length, payload_length;

  g_assert_true (tincan_noise_handshake_write (writer, payload_text, sizeof payload_text,
                                               message, sizeof message, &length));
  g_assert_true (tincan_noise_handshake_read (reader, message, length,
                                              payload, sizeof payload, &payload_length));
  g_assert_cmpmem (payload, payload_length, payload_text, sizeof payload_text);
}

static void
assert_dead (TincanNoiseHandshake *handshake)
{
  guint8 buffer[BUFFER_SIZE] = { 0 };
  TincanNoiseCipher send, receive;
  gsize length = 1;

  g_assert_true (tincan_noise_handshake_has_failed (handshake));
  g_assert_false (tincan_noise_handshake_is_finished (handshake));
  g_assert_false (tincan_noise_handshake_is_my_turn (handshake));
  g_assert_cmpuint (tincan_noise_handshake_get_overhead (handshake), ==, 0);
  g_assert_null (tincan_noise_handshake_get_hash (handshake));
  g_assert_null (tincan_noise_handshake_get_remote_static (handshake));

  g_assert_false (tincan_noise_handshake_write (handshake, payload_text, sizeof payload_text,
                                                buffer, sizeof buffer, &length));
  g_assert_cmpuint (length, ==, 0);
  g_assert_false (tincan_noise_handshake_read (handshake, buffer, 100, buffer + 100, 100, NULL));
  g_assert_true (tincan_noise_handshake_has_failed (handshake));

  /* Its split gives ciphers that neither send nor receive anything, not
   * even in the clear.
   */
  tincan_noise_handshake_split (handshake, &send, &receive);
  g_assert_false (tincan_noise_cipher_encrypt (&send, NULL, 0, payload_text, sizeof payload_text,
                                               buffer, sizeof buffer, NULL));
  g_assert_false (tincan_noise_cipher_decrypt (&receive, NULL, 0, buffer, 64,
                                               buffer + 64, sizeof buffer - 64, NULL));
}

static void
test_random_keys (void)
{
  for (guint p = 0; p < TINCAN_NOISE_N_PATTERNS; p++)
    {
      g_autoptr(TincanNoiseHandshake) initiator = NULL;
      g_autoptr(TincanNoiseHandshake) responder = NULL;
      TincanNoiseCipher send[2], receive[2];
      guint8 out[BUFFER_SIZE];
      guint8 back[BUFFER_SIZE];
      gsize out_length, back_length;
      Keys keys;

      g_test_message ("%s", tincan_noise_protocol_name (p));
      make_keys (&keys);
      make_pair (p, &keys, &initiator, &responder);

      while (!tincan_noise_handshake_is_finished (initiator))
        step (initiator, responder);

      g_assert_true (tincan_noise_handshake_is_finished (responder));
      g_assert_cmpmem (tincan_noise_handshake_get_hash (initiator), HASH,
                       tincan_noise_handshake_get_hash (responder), HASH);

      if (p == TINCAN_NOISE_NN)
        {
          g_assert_null (tincan_noise_handshake_get_remote_static (initiator));
          g_assert_null (tincan_noise_handshake_get_remote_static (responder));
        }
      else
        {
          g_assert_cmpmem (tincan_noise_handshake_get_remote_static (initiator), KEY,
                           keys.responder_public, KEY);
          g_assert_cmpmem (tincan_noise_handshake_get_remote_static (responder), KEY,
                           keys.initiator_public, KEY);
        }

      tincan_noise_handshake_split (initiator, &send[0], &receive[0]);
      tincan_noise_handshake_split (responder, &send[1], &receive[1]);

      for (guint i = 0; i < 4; i++)
        {
          guint from = i % 2;

          g_assert_true (tincan_noise_cipher_encrypt (&send[from], NULL, 0,
                                                      payload_text, sizeof payload_text,
                                                      out, sizeof out, &out_length));
          g_assert_cmpuint (out_length, ==, sizeof payload_text + TAG);
          g_assert_true (tincan_noise_cipher_decrypt (&receive[1 - from], NULL, 0, out, out_length,
                                                      back, sizeof back, &back_length));
          g_assert_cmpmem (back, back_length, payload_text, sizeof payload_text);
        }

      /* After the split, reading or writing is refused, and leaves the
       * finished handshake as it was.
       */
      g_assert_false (tincan_noise_handshake_write (initiator, NULL, 0, out, sizeof out, NULL));
      g_assert_false (tincan_noise_handshake_read (responder, out, out_length,
                                                   back, sizeof back, NULL));
      g_assert_true (tincan_noise_handshake_is_finished (initiator));
      g_assert_true (tincan_noise_handshake_is_finished (responder));
      g_assert_nonnull (tincan_noise_handshake_get_hash (initiator));

      for (guint i = 0; i < 2; i++)
        {
          tincan_noise_cipher_clear (&send[i]);
          tincan_noise_cipher_clear (&receive[i]);
        }
    }
}

static void
test_fresh_ephemeral (void)
{
  g_autoptr(TincanNoiseHandshake) first = tincan_noise_handshake_new (TINCAN_NOISE_NN, TRUE, NULL, 0,
                                                                      NULL, NULL, NULL);
  g_autoptr(TincanNoiseHandshake) second = tincan_noise_handshake_new (TINCAN_NOISE_NN, TRUE, NULL, 0,
                                                                       NULL, NULL, NULL);
  guint8 a[BUFFER_SIZE], b[BUFFER_SIZE];
  gsize a_length, b_length;

  g_assert_true (tincan_noise_handshake_write (first, NULL, 0, a, sizeof a, &a_length));
  g_assert_true (tincan_noise_handshake_write (second, NULL, 0, b, sizeof b, &b_length));
  g_assert_cmpuint (a_length, ==, KEY);
  g_assert_cmpuint (b_length, ==, KEY);
  g_assert_true (memcmp (a, b, KEY) != 0);
}

/* A handshake run to message @index, and that message, written. */
static gsize
run_to_message (TincanNoisePattern     pattern,
                const Keys            *keys,
                guint                  index,
                TincanNoiseHandshake **initiator,
                TincanNoiseHandshake **responder,
                guint8                *message,
                gsize                  message_size)
{
  TincanNoiseHandshake *writer;
  gsize length;

  make_pair (pattern, keys, initiator, responder);
  for (guint i = 0; i < index; i++)
    step (*initiator, *responder);

  writer = index % 2 == 0 ? *initiator : *responder;
  g_assert_true (tincan_noise_handshake_write (writer, payload_text, sizeof payload_text,
                                               message, message_size, &length));
  return length;
}

/* A flipped bit anywhere in a handshake message: the reader refuses it
 * and is dead.  The first message of NN and XX carries no tag, so the
 * reader cannot tell; but what it read went into its hash, and the
 * message it sends back is refused in turn.
 */
static void
test_flipped_bit (void)
{
  Keys keys;

  make_keys (&keys);

  for (guint p = 0; p < TINCAN_NOISE_N_PATTERNS; p++)
    {
      guint n_messages = p == TINCAN_NOISE_NN || p == TINCAN_NOISE_KK || p == TINCAN_NOISE_IK ? 2 : 3;

      for (guint index = 0; index < n_messages; index++)
        {
          guint8 message[BUFFER_SIZE];
          gsize length;

          {
            g_autoptr(TincanNoiseHandshake) initiator = NULL;
            g_autoptr(TincanNoiseHandshake) responder = NULL;

            length = run_to_message (p, &keys, index, &initiator, &responder, message, sizeof message);
          }

          g_test_message ("%s, message %u, %zu bytes",
                          tincan_noise_protocol_name (p), index + 1, length);

          for (gsize byte = 0; byte < length; byte++)
            {
              g_autoptr(TincanNoiseHandshake) initiator = NULL;
              g_autoptr(TincanNoiseHandshake) responder = NULL;
              TincanNoiseHandshake *reader;
              guint8 tampered[BUFFER_SIZE];
              guint8 payload[BUFFER_SIZE];
              gsize tampered_length;
              gboolean tagged;

              tampered_length = run_to_message (p, &keys, index, &initiator, &responder,
                                                tampered, sizeof tampered);
              reader = index % 2 == 0 ? responder : initiator;
              tagged = !(index == 0 && (p == TINCAN_NOISE_NN || p == TINCAN_NOISE_XX));
              tampered[byte] ^= 1 << (byte % 8);

              if (tagged)
                {
                  g_assert_false (tincan_noise_handshake_read (reader, tampered, tampered_length,
                                                               payload, sizeof payload, NULL));
                  assert_dead (reader);
                }
              else
                {
                  TincanNoiseHandshake *writer = index % 2 == 0 ? initiator : responder;

                  g_assert_true (tincan_noise_handshake_read (reader, tampered, tampered_length,
                                                              payload, sizeof payload, NULL));
                  g_assert_true (tincan_noise_handshake_write (reader, NULL, 0, tampered,
                                                               sizeof tampered, &tampered_length));
                  g_assert_false (tincan_noise_handshake_read (writer, tampered, tampered_length,
                                                               payload, sizeof payload, NULL));
                  assert_dead (writer);
                }
            }
        }
    }
}

static void
test_truncated_and_too_long (void)
{
  Keys keys;

  make_keys (&keys);

  for (guint p = 0; p < TINCAN_NOISE_N_PATTERNS; p++)
    {
      g_autoptr(TincanNoiseHandshake) initiator = NULL;
      g_autoptr(TincanNoiseHandshake) responder = NULL;
      g_autofree guint8 *big = g_malloc0 (TINCAN_NOISE_MAX_MESSAGE + 1);
      g_autofree guint8 *big_payload = g_malloc0 (TINCAN_NOISE_MAX_MESSAGE + 1);
      guint8 message[BUFFER_SIZE];
      guint8 payload[BUFFER_SIZE];
      gsize length, overhead;

      length = run_to_message (p, &keys, 1, &initiator, &responder, message, sizeof message);
      overhead = tincan_noise_handshake_get_overhead (initiator);
      g_assert_cmpuint (length, ==, overhead + sizeof payload_text);

      /* One byte short: the tag does not authenticate. */
      g_assert_false (tincan_noise_handshake_read (initiator, message, length - 1,
                                                   payload, sizeof payload, NULL));
      assert_dead (initiator);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* Shorter than its keys and tags. */
      length = run_to_message (p, &keys, 1, &initiator, &responder, message, sizeof message);
      g_assert_false (tincan_noise_handshake_read (initiator, message, overhead - 1,
                                                   payload, sizeof payload, NULL));
      assert_dead (initiator);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* Empty. */
      length = run_to_message (p, &keys, 1, &initiator, &responder, message, sizeof message);
      g_assert_false (tincan_noise_handshake_read (initiator, NULL, 0, payload, sizeof payload, NULL));
      assert_dead (initiator);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* Longer than any Noise message. */
      length = run_to_message (p, &keys, 1, &initiator, &responder, message, sizeof message);
      memcpy (big, message, length);
      g_assert_false (tincan_noise_handshake_read (initiator, big, TINCAN_NOISE_MAX_MESSAGE + 1,
                                                   big_payload, TINCAN_NOISE_MAX_MESSAGE + 1, NULL));
      assert_dead (initiator);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* The payload does not fit where the reader put it. */
      length = run_to_message (p, &keys, 1, &initiator, &responder, message, sizeof message);
      g_assert_false (tincan_noise_handshake_read (initiator, message, length,
                                                   payload, sizeof payload_text - 1, NULL));
      assert_dead (initiator);
    }
}

static void
test_message_size_limits (void)
{
  g_autofree guint8 *payload = g_malloc0 (TINCAN_NOISE_MAX_MESSAGE + 1);
  g_autofree guint8 *message = g_malloc0 (TINCAN_NOISE_MAX_MESSAGE + 1);
  g_autofree guint8 *back = g_malloc0 (TINCAN_NOISE_MAX_MESSAGE + 1);
  Keys keys;

  make_keys (&keys);

  for (guint p = 0; p < TINCAN_NOISE_N_PATTERNS; p++)
    {
      g_autoptr(TincanNoiseHandshake) initiator = NULL;
      g_autoptr(TincanNoiseHandshake) responder = NULL;
      gsize overhead, length, back_length;

      make_pair (p, &keys, &initiator, &responder);
      overhead = tincan_noise_handshake_get_overhead (initiator);

      /* The biggest message there is. */
      g_assert_true (tincan_noise_handshake_write (initiator,
                                                   payload, TINCAN_NOISE_MAX_MESSAGE - overhead,
                                                   message, TINCAN_NOISE_MAX_MESSAGE + 1, &length));
      g_assert_cmpuint (length, ==, TINCAN_NOISE_MAX_MESSAGE);
      g_assert_true (tincan_noise_handshake_read (responder, message, length,
                                                  back, TINCAN_NOISE_MAX_MESSAGE, &back_length));
      g_assert_cmpuint (back_length, ==, TINCAN_NOISE_MAX_MESSAGE - overhead);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* One byte more. */
      make_pair (p, &keys, &initiator, &responder);
      g_assert_false (tincan_noise_handshake_write (initiator,
                                                    payload, TINCAN_NOISE_MAX_MESSAGE - overhead + 1,
                                                    message, TINCAN_NOISE_MAX_MESSAGE + 1, &length));
      g_assert_cmpuint (length, ==, 0);
      assert_dead (initiator);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* Room for all but one byte of the message. */
      make_pair (p, &keys, &initiator, &responder);
      g_assert_false (tincan_noise_handshake_write (initiator, payload_text, sizeof payload_text,
                                                    message, overhead + sizeof payload_text - 1, NULL));
      assert_dead (initiator);
    }
}

static void
test_wrong_turn (void)
{
  Keys keys;

  make_keys (&keys);

  for (guint p = 0; p < TINCAN_NOISE_N_PATTERNS; p++)
    {
      g_autoptr(TincanNoiseHandshake) initiator = NULL;
      g_autoptr(TincanNoiseHandshake) responder = NULL;
      guint8 message[BUFFER_SIZE];
      guint8 payload[BUFFER_SIZE];
      gboolean finished;
      gsize length;

      /* The responder speaks first. */
      make_pair (p, &keys, &initiator, &responder);
      g_assert_false (tincan_noise_handshake_write (responder, payload_text, sizeof payload_text,
                                                    message, sizeof message, &length));
      assert_dead (responder);

      /* The initiator waits for a message first. */
      g_assert_true (tincan_noise_handshake_write (initiator, payload_text, sizeof payload_text,
                                                   message, sizeof message, &length));
      g_assert_false (tincan_noise_handshake_read (initiator, message, length,
                                                   payload, sizeof payload, NULL));
      assert_dead (initiator);
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);

      /* A side writes twice. */
      make_pair (p, &keys, &initiator, &responder);
      g_assert_true (tincan_noise_handshake_write (initiator, NULL, 0,
                                                   message, sizeof message, &length));
      g_assert_false (tincan_noise_handshake_write (initiator, NULL, 0,
                                                    message, sizeof message, &length));
      assert_dead (initiator);

      /* The responder reads its own message.  With a pattern of two
       * messages it is the last, and the responder has finished: the
       * read is refused, but what the handshake agreed stands.
       */
      g_clear_pointer (&initiator, tincan_noise_handshake_free);
      g_clear_pointer (&responder, tincan_noise_handshake_free);
      length = run_to_message (p, &keys, 1, &initiator, &responder, message, sizeof message);
      finished = tincan_noise_handshake_is_finished (responder);
      g_assert_cmpint (finished, ==,
                       p == TINCAN_NOISE_NN || p == TINCAN_NOISE_KK || p == TINCAN_NOISE_IK);
      g_assert_false (tincan_noise_handshake_read (responder, message, length,
                                                   payload, sizeof payload, NULL));
      if (finished)
        {
          g_assert_true (tincan_noise_handshake_is_finished (responder));
          g_assert_false (tincan_noise_handshake_has_failed (responder));
          g_assert_nonnull (tincan_noise_handshake_get_hash (responder));
        }
      else
        {
          assert_dead (responder);
        }
    }
}

/* The next message, which @reader must refuse, and die of. */
static void
assert_refused (TincanNoiseHandshake *writer,
                TincanNoiseHandshake *reader)
{
  guint8 message[BUFFER_SIZE];
  guint8 payload[BUFFER_SIZE];
  gsize length;

  g_assert_true (tincan_noise_handshake_write (writer, payload_text, sizeof payload_text,
                                               message, sizeof message, &length));
  g_assert_false (tincan_noise_handshake_read (reader, message, length,
                                               payload, sizeof payload, NULL));
  assert_dead (reader);
}

/* Keys that do not match: the handshake fails where the pattern first
 * uses them.
 */
static void
test_wrong_keys (void)
{
  static const guint8 prologue[] = "tincan test";
  static const guint8 other_prologue[] = "tincan TEST";
  g_autoptr(TincanNoiseHandshake) initiator = NULL;
  g_autoptr(TincanNoiseHandshake) responder = NULL;
  Keys keys, other;

  make_keys (&keys);
  make_keys (&other);

  /* XXpsk3 with two different psks: the third message. */
  make_pair (TINCAN_NOISE_XXPSK3, &keys, &initiator, &responder);
  tincan_noise_handshake_free (responder);
  responder = tincan_noise_handshake_new (TINCAN_NOISE_XXPSK3, FALSE, prologue, sizeof prologue,
                                          keys.responder_private, NULL, other.psk);
  step (initiator, responder);
  step (initiator, responder);
  assert_refused (initiator, responder);
  g_clear_pointer (&initiator, tincan_noise_handshake_free);
  g_clear_pointer (&responder, tincan_noise_handshake_free);

  /* IK to the wrong responder: the first message. */
  make_pair (TINCAN_NOISE_IK, &keys, &initiator, &responder);
  tincan_noise_handshake_free (initiator);
  initiator = tincan_noise_handshake_new (TINCAN_NOISE_IK, TRUE, prologue, sizeof prologue,
                                          keys.initiator_private, other.responder_public, NULL);
  assert_refused (initiator, responder);
  g_clear_pointer (&initiator, tincan_noise_handshake_free);
  g_clear_pointer (&responder, tincan_noise_handshake_free);

  /* KK with a responder that expects someone else: the first message. */
  make_pair (TINCAN_NOISE_KK, &keys, &initiator, &responder);
  tincan_noise_handshake_free (responder);
  responder = tincan_noise_handshake_new (TINCAN_NOISE_KK, FALSE, prologue, sizeof prologue,
                                          keys.responder_private, other.initiator_public, NULL);
  assert_refused (initiator, responder);
  g_clear_pointer (&initiator, tincan_noise_handshake_free);
  g_clear_pointer (&responder, tincan_noise_handshake_free);

  /* A different prologue: the first tag. */
  make_pair (TINCAN_NOISE_XK, &keys, &initiator, &responder);
  tincan_noise_handshake_free (responder);
  responder = tincan_noise_handshake_new (TINCAN_NOISE_XK, FALSE, other_prologue, sizeof other_prologue,
                                          keys.responder_private, NULL, NULL);
  assert_refused (initiator, responder);
  g_clear_pointer (&initiator, tincan_noise_handshake_free);
  g_clear_pointer (&responder, tincan_noise_handshake_free);

  /* XX and NN have no keys to get wrong before the handshake, but a
   * different prologue is found out at the second message.
   */
  make_pair (TINCAN_NOISE_XX, &keys, &initiator, &responder);
  tincan_noise_handshake_free (responder);
  responder = tincan_noise_handshake_new (TINCAN_NOISE_XX, FALSE, other_prologue, sizeof other_prologue,
                                          keys.responder_private, NULL, NULL);
  step (initiator, responder);
  assert_refused (responder, initiator);
}

/* Public keys of small order make an all-zero DH, which is refused. */
static void
test_bad_dh (void)
{
  static const guint8 zero[KEY] = { 0 };
  g_autoptr(TincanNoiseHandshake) initiator = NULL;
  g_autoptr(TincanNoiseHandshake) responder = NULL;
  guint8 message[BUFFER_SIZE];
  guint8 payload[BUFFER_SIZE];
  gsize length;
  Keys keys;

  make_keys (&keys);

  /* An IK initiator given a bad responder key fails at its first "es". */
  initiator = tincan_noise_handshake_new (TINCAN_NOISE_IK, TRUE, NULL, 0, keys.initiator_private,
                                          zero, NULL);
  g_assert_false (tincan_noise_handshake_write (initiator, NULL, 0, message, sizeof message, &length));
  assert_dead (initiator);
  g_clear_pointer (&initiator, tincan_noise_handshake_free);

  /* An NN responder sent an all-zero "e" fails at its "ee". */
  responder = tincan_noise_handshake_new (TINCAN_NOISE_NN, FALSE, NULL, 0, NULL, NULL, NULL);
  g_assert_true (tincan_noise_handshake_read (responder, zero, sizeof zero,
                                              payload, sizeof payload, &length));
  g_assert_cmpuint (length, ==, 0);
  g_assert_false (tincan_noise_handshake_write (responder, NULL, 0, message, sizeof message, &length));
  assert_dead (responder);
  g_clear_pointer (&responder, tincan_noise_handshake_free);

  /* An XX initiator sent an all-zero "e" fails reading it, at "ee". */
  make_pair (TINCAN_NOISE_XX, &keys, &initiator, &responder);
  step (initiator, responder);
  memset (message, 0, sizeof message);
  g_assert_false (tincan_noise_handshake_read (initiator,
                                               message, tincan_noise_handshake_get_overhead (initiator),
                                               payload, sizeof payload, NULL));
  assert_dead (initiator);
}

static void
test_seal_open (void)
{
  static const guint8 ad[] = "header";
  guint8 key[KEY], other_key[KEY];
  guint8 sealed[sizeof payload_text + TAG];
  guint8 opened[sizeof payload_text + TAG];
  guint8 in_place[sizeof payload_text + TAG];
  guint8 npub[12] = { 0 };
  guint64 nonce = G_GUINT64_CONSTANT (0x0102030405060708);
  unsigned long long libsodium_length;

  randombytes_buf (key, sizeof key);
  randombytes_buf (other_key, sizeof other_key);

  tincan_noise_seal (key, nonce, ad, sizeof ad, payload_text, sizeof payload_text, sealed);
  g_assert_true (tincan_noise_open (key, nonce, ad, sizeof ad, sealed, sizeof sealed, opened));
  g_assert_cmpmem (opened, sizeof payload_text, payload_text, sizeof payload_text);

  /* The nonce is four zero bytes and the counter, little-endian. */
  for (guint i = 0; i < 8; i++)
    npub[4 + i] = 8 - i;
  crypto_aead_chacha20poly1305_ietf_encrypt (opened, &libsodium_length,
                                             payload_text, sizeof payload_text,
                                             ad, sizeof ad, NULL, npub, key);
  g_assert_cmpmem (opened, libsodium_length, sealed, sizeof sealed);

  /* In place, both ways. */
  memcpy (in_place, payload_text, sizeof payload_text);
  tincan_noise_seal (key, nonce, ad, sizeof ad, in_place, sizeof payload_text, in_place);
  g_assert_cmpmem (in_place, sizeof in_place, sealed, sizeof sealed);
  g_assert_true (tincan_noise_open (key, nonce, ad, sizeof ad, in_place, sizeof in_place, in_place));
  g_assert_cmpmem (in_place, sizeof payload_text, payload_text, sizeof payload_text);

  /* Anything different is refused. */
  g_assert_false (tincan_noise_open (key, nonce + 1, ad, sizeof ad, sealed, sizeof sealed, opened));
  g_assert_false (tincan_noise_open (key, nonce, ad, sizeof ad - 1, sealed, sizeof sealed, opened));
  g_assert_false (tincan_noise_open (key, nonce, NULL, 0, sealed, sizeof sealed, opened));
  g_assert_false (tincan_noise_open (other_key, nonce, ad, sizeof ad, sealed, sizeof sealed, opened));
  g_assert_false (tincan_noise_open (key, nonce, ad, sizeof ad, sealed, sizeof sealed - 1, opened));
  g_assert_false (tincan_noise_open (key, nonce, ad, sizeof ad, sealed, TAG - 1, opened));
  for (gsize i = 0; i < sizeof sealed; i++)
    {
      memcpy (in_place, sealed, sizeof sealed);
      in_place[i] ^= 0x80;
      g_assert_false (tincan_noise_open (key, nonce, ad, sizeof ad, in_place, sizeof in_place, opened));
    }

  /* An empty message is its tag alone, and opens to nothing. */
  tincan_noise_seal (key, 0, NULL, 0, NULL, 0, sealed);
  g_assert_true (tincan_noise_open (key, 0, NULL, 0, sealed, TAG, NULL));
  sealed[0] ^= 1;
  g_assert_false (tincan_noise_open (key, 0, NULL, 0, sealed, TAG, NULL));
}

static gboolean
is_all_zero (gconstpointer data,
             gsize         length)
{
  const guint8 *bytes = data;

  for (gsize i = 0; i < length; i++)
    {
      if (bytes[i] != 0)
        return FALSE;
    }

  return TRUE;
}

static void
test_cipher (void)
{
  TincanNoiseCipher sender = { .has_key = FALSE };
  TincanNoiseCipher receiver = { .has_key = FALSE };
  guint8 out[BUFFER_SIZE];
  guint8 back[BUFFER_SIZE];
  gsize out_length, back_length;

  /* No key: a copy, and the nonce stays. */
  g_assert_true (tincan_noise_cipher_encrypt (&sender, NULL, 0, payload_text, sizeof payload_text,
                                              out, sizeof out, &out_length));
  g_assert_cmpmem (out, out_length, payload_text, sizeof payload_text);
  g_assert_cmpuint (sender.nonce, ==, 0);
  g_assert_true (tincan_noise_cipher_decrypt (&receiver, NULL, 0, out, out_length,
                                              back, sizeof back, &back_length));
  g_assert_cmpmem (back, back_length, payload_text, sizeof payload_text);

  /* With a key. */
  randombytes_buf (sender.key, KEY);
  sender.has_key = TRUE;
  receiver = sender;

  g_assert_true (tincan_noise_cipher_encrypt (&sender, (const guint8 *) "ad", 2,
                                              payload_text, sizeof payload_text,
                                              out, sizeof out, &out_length));
  g_assert_cmpuint (out_length, ==, sizeof payload_text + TAG);
  g_assert_cmpuint (sender.nonce, ==, 1);

  /* Wrong ad, or a flipped bit: refused, and the nonce stays. */
  g_assert_false (tincan_noise_cipher_decrypt (&receiver, (const guint8 *) "AD", 2, out, out_length,
                                               back, sizeof back, &back_length));
  g_assert_cmpuint (back_length, ==, 0);
  out[3] ^= 4;
  g_assert_false (tincan_noise_cipher_decrypt (&receiver, (const guint8 *) "ad", 2, out, out_length,
                                               back, sizeof back, NULL));
  out[3] ^= 4;
  g_assert_cmpuint (receiver.nonce, ==, 0);

  /* Too small a buffer. */
  g_assert_false (tincan_noise_cipher_decrypt (&receiver, (const guint8 *) "ad", 2, out, out_length,
                                               back, sizeof payload_text - 1, NULL));
  g_assert_false (tincan_noise_cipher_encrypt (&sender, NULL, 0, payload_text, sizeof payload_text,
                                               out + 100, sizeof payload_text + TAG - 1, NULL));
  g_assert_cmpuint (sender.nonce, ==, 1);

  /* In place. */
  memcpy (back, out, out_length);
  g_assert_true (tincan_noise_cipher_decrypt (&receiver, (const guint8 *) "ad", 2, back, out_length,
                                              back, out_length, &back_length));
  g_assert_cmpmem (back, back_length, payload_text, sizeof payload_text);
  g_assert_cmpuint (receiver.nonce, ==, 1);

  /* The same message again: the nonce has moved on. */
  g_assert_false (tincan_noise_cipher_decrypt (&receiver, (const guint8 *) "ad", 2, out, out_length,
                                               back, sizeof back, NULL));

  /* Shorter than a tag. */
  g_assert_false (tincan_noise_cipher_decrypt (&receiver, NULL, 0, out, TAG - 1,
                                               back, sizeof back, NULL));

  /* The last nonce, 2^64 - 1, is never used. */
  sender.nonce = G_MAXUINT64 - 1;
  g_assert_true (tincan_noise_cipher_encrypt (&sender, NULL, 0, NULL, 0, out, sizeof out, &out_length));
  g_assert_cmpuint (out_length, ==, TAG);
  g_assert_cmpuint (sender.nonce, ==, G_MAXUINT64);
  g_assert_false (tincan_noise_cipher_encrypt (&sender, NULL, 0, NULL, 0, out, sizeof out, NULL));
  receiver.nonce = G_MAXUINT64;
  g_assert_false (tincan_noise_cipher_decrypt (&receiver, NULL, 0, out, TAG, back, sizeof back, NULL));

  /* Longer than a Noise message. */
  sender.nonce = 0;
  {
    g_autofree guint8 *big = g_malloc0 (TINCAN_NOISE_MAX_MESSAGE + TAG);

    g_assert_false (tincan_noise_cipher_encrypt (&sender, NULL, 0,
                                                 big, TINCAN_NOISE_MAX_MESSAGE - TAG + 1,
                                                 big, TINCAN_NOISE_MAX_MESSAGE + TAG, NULL));
    g_assert_true (tincan_noise_cipher_encrypt (&sender, NULL, 0, big, TINCAN_NOISE_MAX_MESSAGE - TAG,
                                                big, TINCAN_NOISE_MAX_MESSAGE + TAG, &out_length));
    g_assert_cmpuint (out_length, ==, TINCAN_NOISE_MAX_MESSAGE);
  }

  /* Cleared: no key, nonce 0, not a byte left. */
  tincan_noise_cipher_clear (&sender);
  g_assert_true (is_all_zero (&sender, sizeof sender));
  g_assert_false (sender.has_key);
  tincan_noise_cipher_clear (&receiver);
  g_assert_true (is_all_zero (&receiver, sizeof receiver));
}

/* A split wipes the chaining key, so a second split has nothing to give. */
static void
test_split_once (void)
{
  g_autoptr(TincanNoiseHandshake) initiator = NULL;
  g_autoptr(TincanNoiseHandshake) responder = NULL;
  TincanNoiseCipher send, receive;
  Keys keys;

  make_keys (&keys);
  make_pair (TINCAN_NOISE_NN, &keys, &initiator, &responder);
  step (initiator, responder);
  step (initiator, responder);

  tincan_noise_handshake_split (initiator, &send, &receive);
  g_assert_true (send.has_key);
  g_assert_true (receive.has_key);
  g_assert_cmpuint (send.nonce, ==, 0);
  g_assert_true (memcmp (send.key, receive.key, KEY) != 0);

  if (g_test_subprocess ())
    {
      tincan_noise_handshake_split (initiator, &send, &receive);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*split*");
}

/* Keys a pattern has no use for, or lacks, are programming errors. */
static void
test_wrong_arguments (void)
{
  guint8 key[KEY] = { 9 };

  if (g_test_subprocess ())
    {
      g_assert_null (tincan_noise_handshake_new (TINCAN_NOISE_XX, TRUE, NULL, 0, key, key, NULL));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*remote_static*");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *root;
  JsonArray *vectors;

  g_test_init (&argc, &argv, NULL);

  path = g_test_build_filename (G_TEST_DIST, "data", "noise",
                                "cacophony-25519-chachapoly-blake2b.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  vectors = json_object_get_array_member (root, "vectors");
  g_assert_cmpuint (json_array_get_length (vectors), ==, TINCAN_NOISE_N_PATTERNS);
  for (guint i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);
      g_autofree char *name = g_strconcat ("/noise/vector/",
                                           json_object_get_string_member (vector, "protocol_name"),
                                           NULL);

      g_test_add_data_func (name, vector, test_vector);
    }

  g_test_add_func ("/noise/random-keys", test_random_keys);
  g_test_add_func ("/noise/fresh-ephemeral", test_fresh_ephemeral);
  g_test_add_func ("/noise/refused/flipped-bit", test_flipped_bit);
  g_test_add_func ("/noise/refused/truncated-and-too-long", test_truncated_and_too_long);
  g_test_add_func ("/noise/refused/message-size", test_message_size_limits);
  g_test_add_func ("/noise/refused/wrong-turn", test_wrong_turn);
  g_test_add_func ("/noise/refused/wrong-keys", test_wrong_keys);
  g_test_add_func ("/noise/refused/bad-dh", test_bad_dh);
  g_test_add_func ("/noise/seal-open", test_seal_open);
  g_test_add_func ("/noise/cipher", test_cipher);
  g_test_add_func ("/noise/split-once", test_split_once);
  g_test_add_func ("/noise/wrong-arguments", test_wrong_arguments);

  return g_test_run ();
}
