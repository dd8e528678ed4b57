/* test-announce.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The discovery codec and the limit on answers: what is encoded decodes
 * to the same announcement, every rule of docs/PROTOCOL.md, "Discovery",
 * refuses what it should, and no answer is ever bigger than the query.
 */

#include "config.h"

#include <string.h>

#include "tincan-announce.h"
#include "tincan-answer-limit.h"
#include "tincan-wire.h"

#define SECOND G_USEC_PER_SEC

static void
fill_key (guint8 *key,
          guint8  seed)
{
  for (guint i = 0; i < TINCAN_ANNOUNCE_KEY_SIZE; i++)
    key[i] = seed + i;
}

static void
test_round_trip (void)
{
  guint8 key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint8 buffer[TINCAN_ANNOUNCE_MAX_SIZE];
  TincanAnnouncement announcement;
  gsize length;

  fill_key (key, 7);
  length = tincan_announce_encode (key, 2323, TINCAN_WIRE_VERSION, "Ada Lovelace", buffer);
  g_assert_cmpuint (length, ==, TINCAN_ANNOUNCE_MIN_SIZE + strlen ("Ada Lovelace"));
  g_assert_cmpmem (buffer, 4, "TCDS", 4);
  g_assert_cmpuint (buffer[4], ==, TINCAN_ANNOUNCE_VERSION);
  g_assert_cmpuint (buffer[5], ==, TINCAN_ANNOUNCE_KIND_ANNOUNCE);
  /* Big-endian, as on the chat port. */
  g_assert_cmpuint (buffer[40], ==, 2323 >> 8);
  g_assert_cmpuint (buffer[41], ==, 2323 & 0xff);

  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_OK);
  g_assert_cmpint (announcement.kind, ==, TINCAN_ANNOUNCE_KIND_ANNOUNCE);
  g_assert_cmpmem (announcement.key, sizeof announcement.key, key, sizeof key);
  g_assert_cmpuint (announcement.chat_port, ==, 2323);
  g_assert_cmpuint (announcement.protocol_version, ==, TINCAN_WIRE_VERSION);
  g_assert_cmpstr (announcement.name, ==, "Ada Lovelace");

  /* An empty name is allowed: the fingerprint still tells people apart. */
  length = tincan_announce_encode (key, 65535, 9, "", buffer);
  g_assert_cmpuint (length, ==, TINCAN_ANNOUNCE_MIN_SIZE);
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_OK);
  g_assert_cmpstr (announcement.name, ==, "");
  g_assert_cmpuint (announcement.chat_port, ==, 65535);
  g_assert_cmpuint (announcement.protocol_version, ==, 9);
}

static void
test_name_rules (void)
{
  guint8 key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint8 buffer[TINCAN_ANNOUNCE_MAX_SIZE];
  TincanAnnouncement announcement;
  g_autoptr(GString) long_name = g_string_new (NULL);
  gsize length;

  fill_key (key, 1);

  /* Cut at a character boundary: 32 two-byte characters fill the 64
   * bytes, and a 33rd does not half fit.
   */
  for (guint i = 0; i < 40; i++)
    g_string_append (long_name, "é");
  length = tincan_announce_encode (key, 2323, 4, long_name->str, buffer);
  g_assert_cmpuint (length, ==, TINCAN_ANNOUNCE_MAX_SIZE);
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_OK);
  g_assert_cmpuint (g_utf8_strlen (announcement.name, -1), ==, 32);

  g_string_assign (long_name, "a");
  for (guint i = 0; i < 30; i++)
    g_string_append (long_name, "€");   /* three bytes each */
  length = tincan_announce_encode (key, 2323, 4, long_name->str, buffer);
  g_assert_cmpuint (length, ==, TINCAN_ANNOUNCE_MIN_SIZE + 1 + 21 * 3);
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_OK);
  g_assert_true (g_utf8_validate (announcement.name, -1, NULL));

  /* What we send, another Tin Can takes: control characters are left out. */
  length = tincan_announce_encode (key, 2323, 4, "Ada\nLove\x1blace\xc2\x85", buffer);
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_OK);
  g_assert_cmpstr (announcement.name, ==, "AdaLovelace");

  /* And what others send with them is refused. */
  length = tincan_announce_encode (key, 2323, 4, "Ada!", buffer);
  buffer[length - 1] = '\n';
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_NAME);
  buffer[length - 1] = '\0';
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_NAME);
  buffer[length - 1] = 0x7f;
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_NAME);
  buffer[length - 1] = 0xff;
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_NAME);
  /* A C1 control, U+0085, in valid UTF-8. */
  length = tincan_announce_encode (key, 2323, 4, "Ada!!", buffer);
  buffer[length - 2] = 0xc2;
  buffer[length - 1] = 0x85;
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_NAME);
  /* Cut in the middle of a character. */
  buffer[length - 1] = 'x';
  g_assert_cmpint (tincan_announce_decode (buffer, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_NAME);
}

static void
test_refused (void)
{
  guint8 key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint8 good[TINCAN_ANNOUNCE_MAX_SIZE + 8];
  guint8 buffer[TINCAN_ANNOUNCE_MAX_SIZE + 8];
  TincanAnnouncement announcement;
  gsize length;

  fill_key (key, 3);
  length = tincan_announce_encode (key, 2323, 4, "Bob", good);

#define REFUSED(expected, size) \
  g_assert_cmpint (tincan_announce_decode (buffer, (size), &announcement), ==, (expected))
#define RESET() memcpy (buffer, good, sizeof good)

  RESET ();
  REFUSED (TINCAN_ANNOUNCE_OK, length);
  REFUSED (TINCAN_ANNOUNCE_NOT_DISCOVERY, 0);
  REFUSED (TINCAN_ANNOUNCE_NOT_DISCOVERY, 3);
  REFUSED (TINCAN_ANNOUNCE_BAD_SIZE, 6);
  /* Every size but the right one. */
  for (gsize size = TINCAN_ANNOUNCE_HEADER_SIZE; size < length + 8; size++)
    if (size != length)
      REFUSED (TINCAN_ANNOUNCE_BAD_SIZE, size);

  buffer[0] = 'X';
  REFUSED (TINCAN_ANNOUNCE_NOT_DISCOVERY, length);
  /* A chat packet's magic is not ours. */
  RESET (); buffer[2] = TINCAN_WIRE_VERSION;
  REFUSED (TINCAN_ANNOUNCE_NOT_DISCOVERY, length);
  RESET (); buffer[4] = 2;
  REFUSED (TINCAN_ANNOUNCE_BAD_VERSION, length);
  RESET (); buffer[5] = 3;
  REFUSED (TINCAN_ANNOUNCE_BAD_KIND, length);
  RESET (); buffer[5] = 0;
  REFUSED (TINCAN_ANNOUNCE_BAD_KIND, length);
  RESET (); buffer[6] = 1;
  REFUSED (TINCAN_ANNOUNCE_BAD_FLAGS, length);
  RESET (); buffer[7] = 0x80;
  REFUSED (TINCAN_ANNOUNCE_BAD_FLAGS, length);
  RESET (); memset (buffer + 8, 0, TINCAN_ANNOUNCE_KEY_SIZE);
  REFUSED (TINCAN_ANNOUNCE_BAD_KEY, length);
  RESET (); buffer[40] = buffer[41] = 0;
  REFUSED (TINCAN_ANNOUNCE_BAD_PORT, length);
  RESET (); buffer[42] = 0;
  REFUSED (TINCAN_ANNOUNCE_BAD_PROTOCOL, length);
  /* A name length past the cap, even with the bytes there. */
  RESET (); buffer[43] = TINCAN_ANNOUNCE_MAX_NAME + 1;
  REFUSED (TINCAN_ANNOUNCE_BAD_SIZE, TINCAN_ANNOUNCE_MAX_SIZE + 1);

#undef REFUSED
#undef RESET
}

static void
test_query (void)
{
  guint8 query[TINCAN_ANNOUNCE_QUERY_SIZE + 1];
  guint8 key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint8 answer[TINCAN_ANNOUNCE_MAX_SIZE];
  g_autoptr(GString) name = g_string_new (NULL);
  TincanAnnouncement announcement;
  gsize length;

  length = tincan_announce_encode_query (query);
  g_assert_cmpuint (length, ==, TINCAN_ANNOUNCE_QUERY_SIZE);
  g_assert_cmpint (tincan_announce_decode (query, length, &announcement), ==, TINCAN_ANNOUNCE_OK);
  g_assert_cmpint (announcement.kind, ==, TINCAN_ANNOUNCE_KIND_QUERY);

  /* The amplification rule: the biggest answer there is, a name of
   * 64 bytes and more, is no bigger than the query.
   */
  fill_key (key, 9);
  for (guint i = 0; i < 200; i++)
    g_string_append_c (name, 'n');
  g_assert_cmpuint (tincan_announce_encode (key, 2323, 4, name->str, answer), <=, length);
  g_assert_cmpuint (TINCAN_ANNOUNCE_MAX_SIZE, <=, TINCAN_ANNOUNCE_QUERY_SIZE);

  /* Only the padding's size and zeros are a query. */
  g_assert_cmpint (tincan_announce_decode (query, length - 1, &announcement), ==, TINCAN_ANNOUNCE_BAD_SIZE);
  query[length] = 0;
  g_assert_cmpint (tincan_announce_decode (query, length + 1, &announcement), ==, TINCAN_ANNOUNCE_BAD_SIZE);
  g_assert_cmpint (tincan_announce_decode (query, TINCAN_ANNOUNCE_HEADER_SIZE, &announcement), ==,
                   TINCAN_ANNOUNCE_BAD_SIZE);
  query[length - 1] = 1;
  g_assert_cmpint (tincan_announce_decode (query, length, &announcement), ==, TINCAN_ANNOUNCE_BAD_PADDING);
}

/* Random bytes after a valid header never crash the decoder, and what
 * it takes is always within the rules.
 */
static void
test_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2324);
  guint8 key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint8 good[TINCAN_ANNOUNCE_MAX_SIZE];
  gsize length;
  guint taken = 0;

  fill_key (key, 5);
  length = tincan_announce_encode (key, 2323, 4, "Carol", good);

  for (guint round = 0; round < 20000; round++)
    {
      guint8 buffer[TINCAN_ANNOUNCE_MAX_SIZE];
      TincanAnnouncement announcement;
      gsize size = length;

      memcpy (buffer, good, sizeof buffer);
      for (guint flips = g_rand_int_range (rand, 1, 4); flips > 0; flips--)
        buffer[g_rand_int_range (rand, 0, sizeof buffer)] = g_rand_int_range (rand, 0, 256);
      if (g_rand_boolean (rand))
        size = g_rand_int_range (rand, 0, sizeof buffer + 1);

      if (tincan_announce_decode (buffer, size, &announcement) != TINCAN_ANNOUNCE_OK)
        continue;

      taken++;
      if (announcement.kind == TINCAN_ANNOUNCE_KIND_ANNOUNCE)
        {
          g_assert_cmpuint (announcement.chat_port, !=, 0);
          g_assert_cmpuint (strlen (announcement.name), <=, TINCAN_ANNOUNCE_MAX_NAME);
          g_assert_true (g_utf8_validate (announcement.name, -1, NULL));
        }
    }

  /* Flips outside the fields that are checked leave it valid. */
  g_assert_cmpuint (taken, >, 0);
}

static GInetAddress *
address (const char *text)
{
  return g_inet_address_new_from_string (text);
}

static void
test_answer_limit_per_address (void)
{
  g_autoptr(TincanAnswerLimit) limit = tincan_answer_limit_new ();
  g_autoptr(GInetAddress) a = address ("10.23.0.1");
  g_autoptr(GInetAddress) b = address ("fe80::1");
  gint64 now = 1000 * SECOND;

  g_assert_true (tincan_answer_limit_allow (limit, a, now));
  /* Once a second to one address. */
  g_assert_false (tincan_answer_limit_allow (limit, a, now + 1));
  g_assert_false (tincan_answer_limit_allow (limit, a, now + SECOND - 1));
  g_assert_true (tincan_answer_limit_allow (limit, b, now + 10));
  g_assert_true (tincan_answer_limit_allow (limit, a, now + SECOND));
  g_assert_false (tincan_answer_limit_allow (limit, b, now + SECOND));
  g_assert_true (tincan_answer_limit_allow (limit, b, now + SECOND + 10));
}

static void
test_answer_limit_overall (void)
{
  g_autoptr(TincanAnswerLimit) limit = tincan_answer_limit_new ();
  gint64 now = 50 * SECOND;
  guint allowed = 0;

  /* A flood from 1,000 forged sources within one second: ten answers. */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *text = g_strdup_printf ("10.%u.%u.%u", i >> 16, (i >> 8) & 0xff, i & 0xff);
      g_autoptr(GInetAddress) source = address (text);

      if (tincan_answer_limit_allow (limit, source, now + i * 500))
        allowed++;
    }
  g_assert_cmpuint (allowed, ==, TINCAN_ANSWER_LIMIT_PER_SECOND);

  /* Over five seconds, ten a second, however many ask. */
  allowed = 0;
  now += 10 * SECOND;
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *text = g_strdup_printf ("fd23::%x", i);
      g_autoptr(GInetAddress) source = address (text);

      if (tincan_answer_limit_allow (limit, source, now + i * (SECOND / 1000)))
        allowed++;
    }
  g_assert_cmpuint (allowed, >=, 4 * TINCAN_ANSWER_LIMIT_PER_SECOND);
  g_assert_cmpuint (allowed, <=, 5 * TINCAN_ANSWER_LIMIT_PER_SECOND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/announce/round-trip", test_round_trip);
  g_test_add_func ("/announce/name", test_name_rules);
  g_test_add_func ("/announce/refused", test_refused);
  g_test_add_func ("/announce/query", test_query);
  g_test_add_func ("/announce/mutations", test_mutations);
  g_test_add_func ("/announce/answer-limit/per-address", test_answer_limit_per_address);
  g_test_add_func ("/announce/answer-limit/overall", test_answer_limit_overall);

  return g_test_run ();
}
