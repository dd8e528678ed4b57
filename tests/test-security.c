/* test-security.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What protocol version 4 promises, checked on the wire: two links talk
 * through a UDP proxy in this process that sees every datagram as it
 * really goes (the link's test filter sees packets before they are
 * sealed, so it is no use here).  No text travels in the clear; what
 * the proxy replays or changes is never delivered; a middle-man with
 * keys of its own is refused by a link that pins its peer's key; a
 * flood of first handshake messages is rate-limited; and new keys in
 * the middle of a stream lose and repeat nothing.  Every wait is
 * bounded.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tincan-link-pair.h"
#include "tincan-link-private.h"
#include "tincan-raw-peer.h"
#include "tincan-seal.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"

/* The proxy */

enum
{
  FROM_A,
  FROM_B,
};

typedef struct
{
  GSocket   *socket[2];     /* [FROM_A] is the peer A sees; [FROM_B], B's */
  GSource   *source[2];
  guint16    port[2];       /* A's and B's own ports */
  GPtrArray *captured[2];   /* GBytes: every datagram, by where it came from */
  gboolean   hold[2];       /* sealed datagrams from that side kept back */
  GPtrArray *held[2];
} Proxy;

typedef struct
{
  End    a;
  End    b;
  Proxy  proxy;
} ProxyFixture;

static GSocket *
loopback_socket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);

  return socket;
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/* From the proxy's socket that faces @to's peer, so that the link takes
 * it for its peer's.
 */
static void
proxy_send (Proxy        *proxy,
            guint         from,
            const guint8 *datagram,
            gsize         length)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, proxy->port[!from]);

  /* Loopback may refuse for a moment when its buffers are full: lost,
   * as on any network.
   */
  g_socket_send_to (proxy->socket[!from], address, (const char *) datagram, length, NULL, NULL);
}

static gboolean
on_proxy_readable_cb (GSocket      *socket,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  Proxy *proxy = user_data;
  guint from = socket == proxy->socket[FROM_A] ? FROM_A : FROM_B;
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  gssize n;

  while ((n = g_socket_receive (socket, (char *) buffer, TINCAN_WIRE_MAX_DATAGRAM, NULL, NULL)) > 0)
    {
      GBytes *bytes = g_bytes_new (buffer, n);

      g_ptr_array_add (proxy->captured[from], g_bytes_ref (bytes));
      if (proxy->hold[from] && n > 3 && buffer[3] == TINCAN_PACKET_SEALED)
        g_ptr_array_add (proxy->held[from], bytes);
      else
        {
          proxy_send (proxy, from, buffer, n);
          g_bytes_unref (bytes);
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
proxy_release (Proxy *proxy,
               guint  from)
{
  proxy->hold[from] = FALSE;
  for (guint i = 0; i < proxy->held[from]->len; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (proxy->held[from], i), &length);

      proxy_send (proxy, from, data, length);
    }
  g_ptr_array_set_size (proxy->held[from], 0);
}

static void
proxy_fixture_set_up (ProxyFixture  *fixture,
                      gconstpointer  user_data)
{
  Proxy *proxy = &fixture->proxy;

  end_open (&fixture->a, 0, "Ada");
  end_open (&fixture->b, 0, "Grace");
  proxy->port[FROM_A] = tincan_link_get_local_port (fixture->a.link);
  proxy->port[FROM_B] = tincan_link_get_local_port (fixture->b.link);

  for (guint i = 0; i < 2; i++)
    {
      proxy->socket[i] = loopback_socket ();
      proxy->captured[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      proxy->held[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      proxy->source[i] = g_socket_create_source (proxy->socket[i], G_IO_IN, NULL);
      g_source_set_callback (proxy->source[i], G_SOURCE_FUNC (on_proxy_readable_cb), proxy, NULL);
      g_source_attach (proxy->source[i], NULL);
    }

  tincan_link_set_peer (fixture->a.link, "127.0.0.1", socket_port (proxy->socket[FROM_A]));
  tincan_link_set_peer (fixture->b.link, "127.0.0.1", socket_port (proxy->socket[FROM_B]));
}

static void
proxy_fixture_tear_down (ProxyFixture  *fixture,
                         gconstpointer  user_data)
{
  Proxy *proxy = &fixture->proxy;

  end_close (&fixture->a);
  end_close (&fixture->b);
  g_clear_pointer (&fixture->a.received, g_ptr_array_unref);
  g_clear_pointer (&fixture->b.received, g_ptr_array_unref);

  for (guint i = 0; i < 2; i++)
    {
      g_source_destroy (proxy->source[i]);
      g_clear_pointer (&proxy->source[i], g_source_unref);
      g_clear_object (&proxy->socket[i]);
      g_clear_pointer (&proxy->captured[i], g_ptr_array_unref);
      g_clear_pointer (&proxy->held[i], g_ptr_array_unref);
    }
}

static gboolean
proxy_both_online (gpointer data)
{
  ProxyFixture *fixture = data;

  return tincan_link_get_presence (fixture->a.link) == TINCAN_PRESENCE_ONLINE
         && tincan_link_get_presence (fixture->b.link) == TINCAN_PRESENCE_ONLINE;
}

static void
wait_all_finished (GPtrArray *messages)
{
  g_assert_true (tincan_test_wait_for (all_finished, messages));
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, i)), ==,
                     TINCAN_MESSAGE_DELIVERED);
}

static void
send_all (TincanLink *link,
          GPtrArray  *texts,
          GPtrArray  *sent)
{
  for (guint i = 0; i < texts->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (sent, tincan_link_send (link, g_ptr_array_index (texts, i), &error));
      g_assert_no_error (error);
    }
}

/* Letters no one would guess, so that no 8 bytes of them turn up in
 * ciphertext by chance.
 */
static char *
distinctive_text (GRand *rand,
                  gsize  length)
{
  char *text = g_malloc (length + 1);

  for (gsize i = 0; i < length; i++)
    text[i] = 'A' + g_rand_int_range (rand, 0, 58);
  text[length] = '\0';

  return text;
}

/* No text on the wire */

#define WINDOW 8

static guint64
window_at (const guint8 *bytes)
{
  guint64 value;

  memcpy (&value, bytes, sizeof value);
  return value;
}

static void
test_no_text_on_wire (ProxyFixture  *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) on_wire = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GRand *rand = g_rand_new_with_seed (42);
  gsize n_bytes = 0;

  g_assert_true (tincan_test_wait_for (proxy_both_online, fixture));

  g_ptr_array_add (texts, g_strdup ("the eagle lands at midnight, tell no one"));
  g_ptr_array_add (texts, distinctive_text (rand, 64));
  /* Several fragments, whatever size the path probing found. */
  g_ptr_array_add (texts, distinctive_text (rand, 200 * 1024));
  g_ptr_array_add (replies, distinctive_text (rand, 3000));
  send_all (fixture->a.link, texts, sent);
  send_all (fixture->b.link, replies, sent);
  wait_all_finished (sent);
  wait_received (&fixture->b, texts->len);
  wait_received (&fixture->a, replies->len);
  g_ptr_array_extend_and_steal (texts, g_steal_pointer (&replies));

  /* Every 8 bytes of every datagram, either way. */
  for (guint from = 0; from < 2; from++)
    for (guint i = 0; i < fixture->proxy.captured[from]->len; i++)
      {
        gsize length;
        const guint8 *data = g_bytes_get_data (g_ptr_array_index (fixture->proxy.captured[from], i),
                                               &length);

        n_bytes += length;
        for (gsize j = 0; j + WINDOW <= length; j++)
          {
            gint64 *key = g_new (gint64, 1);

            *key = window_at (data + j);
            g_hash_table_add (on_wire, key);
          }
      }
  g_assert_cmpuint (n_bytes, >, 200 * 1024);

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      gsize length = strlen (text);

      for (gsize j = 0; j + WINDOW <= length; j++)
        {
          gint64 key = window_at ((const guint8 *) text + j);

          if (g_hash_table_contains (on_wire, &key))
            g_error ("Text %u, bytes %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT " travelled in the clear",
                     i, j, j + WINDOW);
        }
    }

  g_rand_free (rand);
}

/* Replayed and forged */

static guint64
refused_total (const TincanLinkStats *stats)
{
  return stats->replayed + stats->forged + stats->stale + stats->no_key + stats->malformed;
}

/* Changes one byte of @datagram, sends it to B as if from A, and
 * checks that it is refused, counted as @what says, and not delivered.
 */
static void
send_changed (ProxyFixture *fixture,
              GBytes       *datagram,
              gsize         offset,
              guint8        mask,
              const char   *what)
{
  const TincanLinkStats *stats = tincan_link_get_stats (fixture->b.link);
  gsize length;
  const guint8 *data = g_bytes_get_data (datagram, &length);
  g_autofree guint8 *changed = g_memdup2 (data, length);
  TincanLinkStats before = *stats;
  guint received = fixture->b.received->len;

  changed[offset] ^= mask;
  proxy_send (&fixture->proxy, FROM_A, changed, length);
  tincan_test_run_for (100);

  g_assert_cmpuint (fixture->b.received->len, ==, received);
  g_assert_cmpuint (refused_total (stats), ==, refused_total (&before) + 1);
  if (g_str_equal (what, "forged"))
    g_assert_cmpuint (stats->forged, ==, before.forged + 1);
  else if (g_str_equal (what, "stale"))
    g_assert_cmpuint (stats->stale, ==, before.stale + 1);
}

static gpointer
copy_bytes (gconstpointer bytes,
            gpointer      user_data)
{
  return g_bytes_ref ((GBytes *) bytes);
}

static void
test_replay_and_forge (ProxyFixture  *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  const TincanLinkStats *stats = tincan_link_get_stats (fixture->b.link);
  GPtrArray *from_a = fixture->proxy.captured[FROM_A];
  GBytes *biggest = NULL;
  guint64 replayed;
  guint n_sealed = 0;
  guint received;

  g_assert_true (tincan_test_wait_for (proxy_both_online, fixture));
  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (texts, make_text (i, i == 7 ? 5000 : 40));
  send_all (fixture->a.link, texts, sent);
  wait_all_finished (sent);
  wait_received (&fixture->b, texts->len);
  /* Quiet, so that what follows is only the replay. */
  tincan_test_run_for (100);

  /* Every datagram A sent, again, from A's address. */
  received = fixture->b.received->len;
  replayed = stats->replayed;
  from_a = g_ptr_array_copy (from_a, copy_bytes, NULL);
  for (guint i = 0; i < from_a->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (from_a, i);
      gsize length;
      const guint8 *data = g_bytes_get_data (bytes, &length);

      if (data[3] == TINCAN_PACKET_SEALED)
        n_sealed++;
      proxy_send (&fixture->proxy, FROM_A, data, length);
      if (i % 32 == 31)
        tincan_test_run_for (5);
    }
  tincan_test_run_for (300);

  g_assert_cmpuint (n_sealed, >=, texts->len);
  g_assert_cmpuint (fixture->b.received->len, ==, received);
  g_assert_cmpuint (stats->replayed - replayed, ==, n_sealed);

  /* A message B has not seen yet, kept back: one of its datagrams with
   * its ciphertext, its tag, its counter, its key phase or the session
   * it is for changed.  (Changed copies of what B has seen are refused
   * as replays before they are opened.)
   */
  fixture->proxy.hold[FROM_A] = TRUE;
  g_ptr_array_add (sent, tincan_link_send (fixture->a.link, "not yet seen", NULL));
  tincan_test_run_for (50);
  g_assert_cmpuint (fixture->proxy.held[FROM_A]->len, >=, 1);
  for (guint i = 0; i < fixture->proxy.held[FROM_A]->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (fixture->proxy.held[FROM_A], i);

      if (biggest == NULL || g_bytes_get_size (bytes) > g_bytes_get_size (biggest))
        biggest = bytes;
    }
  biggest = g_bytes_ref (biggest);

  send_changed (fixture, biggest, g_bytes_get_size (biggest) / 2, 0x01, "forged");
  send_changed (fixture, biggest, g_bytes_get_size (biggest) - 1, 0x80, "forged");
  /* A counter far ahead: new to the window, so it must fail to open. */
  send_changed (fixture, biggest, 15, 0x40, "forged");
  send_changed (fixture, biggest, 4, 0x01, "any");
  send_changed (fixture, biggest, 13, 0x01, "stale");
  g_bytes_unref (biggest);

  /* None of them moved the window: the real ones still open, once. */
  proxy_release (&fixture->proxy, FROM_A);
  wait_received (&fixture->b, received + 1);
  wait_all_finished (sent);
  tincan_test_run_for (100);
  g_assert_cmpuint (fixture->b.received->len, ==, received + 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, received)), ==,
                   "not yet seen");

  g_ptr_array_unref (from_a);
}

/* A middle-man */

static gboolean
pinned_cb (TincanLink   *link,
           const guint8 *key,
           gpointer      user_data)
{
  return memcmp (key, user_data, TINCAN_NOISE_KEY_SIZE) == 0;
}

/* The middle-man's side facing one link: it answers that link's
 * handshakes with its own key, and starts some of its own.
 */
static void
play_middle_man (TincanRawPeer *middle,
                 TincanLink    *link,
                 guint          ms)
{
  g_autoptr(GPtrArray) datagrams = tincan_raw_peer_collect (middle, ms);
  guint16 port = tincan_link_get_local_port (link);

  for (guint i = 0; i < datagrams->len; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (datagrams, i), &length);

      tincan_raw_peer_answer (middle, port, data, length);
    }
}

static void
test_middle_man (void)
{
  End a = { 0 }, b = { 0 };
  g_autoptr(TincanRawPeer) facing_a = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(TincanRawPeer) facing_b = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(TincanMessage) message = NULL;
  guint8 a_key[TINCAN_NOISE_KEY_SIZE], b_key[TINCAN_NOISE_KEY_SIZE];

  end_open (&a, 0, "Ada");
  end_open (&b, 0, "Grace");
  memcpy (a_key, tincan_link_get_public_key (a.link), sizeof a_key);
  memcpy (b_key, tincan_link_get_public_key (b.link), sizeof b_key);
  tincan_link_set_trust_func (a.link, pinned_cb, b_key, NULL);
  tincan_link_set_trust_func (b.link, pinned_cb, a_key, NULL);
  tincan_link_set_give_up_time (a.link, 300 * G_TIME_SPAN_MILLISECOND);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_raw_peer_get_port (facing_a));
  tincan_link_set_peer (b.link, "127.0.0.1", tincan_raw_peer_get_port (facing_b));

  message = tincan_link_send (a.link, "for Grace only", NULL);

  /* It answers their handshakes, and starts its own with each. */
  for (guint round = 0; round < 4; round++)
    {
      play_middle_man (facing_a, a.link, 100);
      play_middle_man (facing_b, b.link, 100);
    }
  g_assert_false (tincan_raw_peer_connect (facing_a, tincan_link_get_local_port (a.link), 300));
  g_assert_false (tincan_raw_peer_connect (facing_b, tincan_link_get_local_port (b.link), 300));
  for (guint round = 0; round < 4; round++)
    {
      play_middle_man (facing_a, a.link, 100);
      play_middle_man (facing_b, b.link, 100);
    }

  g_assert_nonnull (tincan_link_get_refused_key (a.link));
  g_assert_cmpmem (tincan_link_get_refused_key (a.link), TINCAN_NOISE_KEY_SIZE,
                   tincan_raw_peer_get_public_key (facing_a), TINCAN_NOISE_KEY_SIZE);
  g_assert_nonnull (tincan_link_get_refused_key (b.link));
  g_assert_cmpmem (tincan_link_get_refused_key (b.link), TINCAN_NOISE_KEY_SIZE,
                   tincan_raw_peer_get_public_key (facing_b), TINCAN_NOISE_KEY_SIZE);
  g_assert_null (tincan_link_get_peer_key (a.link));
  g_assert_null (tincan_link_get_peer_key (b.link));
  g_assert_false (tincan_link_get_encrypted (a.link));
  g_assert_cmpuint (tincan_link_get_stats (a.link)->keys_refused, >=, 1);
  g_assert_cmpuint (tincan_link_get_stats (b.link)->keys_refused, >=, 1);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->handshakes, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (b.link)->handshakes, ==, 0);

  /* Past its give-up time, the message waits for the user's word on
   * the key: neither delivered nor failed.
   */
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_cmpuint (b.received->len, ==, 0);

  end_close (&a);
  end_close (&b);
  g_ptr_array_unref (a.received);
  g_ptr_array_unref (b.received);
}

/* A flood of first messages */

#define FLOOD          2000
#define FLOOD_RATE     5.0
#define FLOOD_BURST    10.0

static gboolean
count_replies_cb (TincanLink   *link,
                  const guint8 *datagram,
                  gsize         length,
                  gpointer      user_data)
{
  guint *n = user_data;

  if (length > 3 && datagram[3] == TINCAN_PACKET_HANDSHAKE_REPLY)
    (*n)++;

  return TRUE;
}

static gboolean
handshakes_rose (gpointer data)
{
  gpointer *args = data;

  return tincan_link_get_stats (args[0])->handshakes > *(guint64 *) args[1];
}

static void
test_handshake_flood (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const TincanLinkStats *stats = tincan_link_get_stats (fixture->a.link);
  GRand *rand = g_rand_new_with_seed (2000);
  guint8 private_key[TINCAN_NOISE_KEY_SIZE], public_key[TINCAN_NOISE_KEY_SIZE];
  guint64 limited, forged, handshakes;
  gpointer args[2];
  guint n_replies = 0;
  gint64 start, elapsed;

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_test_run_for (300);
  limited = stats->handshakes_limited;
  forged = stats->forged;
  tincan_link_set_filter (fixture->a.link, count_replies_cb, &n_replies);

  /* From B's socket, so from the peer's address: half of them real first
   * messages, each of a handshake of its own, half random bytes of the
   * right size.  In bursts small enough for the socket's buffer.
   */
  tincan_noise_generate_keypair (private_key, public_key);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < FLOOD; i++)
    {
      g_autoptr(TincanHandshake) handshake = NULL;
      guint8 datagram[TINCAN_WIRE_HANDSHAKE_INIT_SIZE];
      const guint8 *init;
      gsize length;

      handshake = tincan_handshake_new_initiator (private_key, g_rand_int (rand) | 1, 0);
      init = tincan_handshake_get_datagram (handshake, &length);
      memcpy (datagram, init, length);
      if (i % 2 == 1)
        for (gsize j = TINCAN_WIRE_HEADER_SIZE; j < length; j++)
          datagram[j] = g_rand_int_range (rand, 0, 256);

      tincan_link_send_raw (fixture->b.link, datagram, length);
      if (i % 100 == 99)
        {
          g_main_context_iteration (NULL, FALSE);
          g_main_context_iteration (NULL, FALSE);
        }
    }
  tincan_test_run_for (200);
  elapsed = g_get_monotonic_time () - start;
  tincan_link_set_filter (fixture->a.link, NULL, NULL);

  /* Answered at most as fast as the bucket fills; the rest counted. */
  g_test_message ("%u replies, %" G_GUINT64_FORMAT " limited, %" G_GUINT64_FORMAT " forged in %"
                  G_GINT64_FORMAT " µs", n_replies, stats->handshakes_limited - limited,
                  stats->forged - forged, elapsed);
  g_assert_cmpuint (n_replies, >=, 1);
  g_assert_cmpfloat (n_replies + (stats->forged - forged), <=,
                     FLOOD_BURST + FLOOD_RATE * elapsed / G_USEC_PER_SEC + 1);
  g_assert_cmpuint (stats->handshakes_limited - limited, >=,
                    FLOOD / 2 - FLOOD_BURST - FLOOD_RATE * elapsed / G_USEC_PER_SEC);

  /* The link still talks both ways, and takes new keys once the bucket
   * has filled again.
   */
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (texts, make_text (i, 100));
  send_all (fixture->a.link, texts, sent);
  send_all (fixture->b.link, texts, sent);
  wait_all_finished (sent);
  wait_received (&fixture->a, 3);
  wait_received (&fixture->b, 3);

  tincan_test_run_for (1000);
  handshakes = stats->handshakes;
  args[0] = fixture->a.link;
  args[1] = &handshakes;
  tincan_link_renew_handshake (fixture->a.link);
  g_assert_true (tincan_test_wait_for (handshakes_rose, args));

  g_rand_free (rand);
}

/* New keys in the middle of a stream */

static guint64
sealed_counter (GBytes *bytes)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  guint64 counter = 0;

  for (guint i = 0; i < 8; i++)
    counter = counter << 8 | data[14 + i];

  return counter;
}

static void
test_rekey_mid_stream (ProxyFixture  *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  const TincanLinkStats *a_stats = tincan_link_get_stats (fixture->a.link);
  const TincanLinkStats *b_stats = tincan_link_get_stats (fixture->b.link);
  GPtrArray *from_a = fixture->proxy.captured[FROM_A];
  guint64 a_handshakes, b_handshakes, highest = 0, lowest_after = G_MAXUINT64;
  guint renewed_at, held;
  gpointer args[2];

  g_assert_true (tincan_test_wait_for (proxy_both_online, fixture));
  tincan_test_run_for (200);
  a_handshakes = a_stats->handshakes;
  b_handshakes = b_stats->handshakes;

  /* Messages under the old keys, kept back by the proxy... */
  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (texts, make_text (i, i % 5 == 0 ? 3000 : 50));
  fixture->proxy.hold[FROM_A] = TRUE;
  send_all (fixture->a.link, texts, sent);
  tincan_test_run_for (50);
  held = fixture->proxy.held[FROM_A]->len;
  g_assert_cmpuint (held, >=, 1);
  for (guint i = 0; i < from_a->len; i++)
    if (((const guint8 *) g_bytes_get_data (g_ptr_array_index (from_a, i), NULL))[3]
        == TINCAN_PACKET_SEALED)
      highest = MAX (highest, sealed_counter (g_ptr_array_index (from_a, i)));
  renewed_at = from_a->len;

  /* ...while new keys are made (handshake messages pass)... */
  tincan_link_renew_handshake (fixture->a.link);
  args[0] = fixture->b.link;
  args[1] = &b_handshakes;
  g_assert_true (tincan_test_wait_for (handshakes_rose, args));
  g_assert_cmpuint (a_stats->handshakes, >, a_handshakes);

  /* ...then let through, late, and more after them. */
  proxy_release (&fixture->proxy, FROM_A);
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (more, make_text (100 + i, 80));
  send_all (fixture->a.link, more, sent);
  g_ptr_array_extend_and_steal (texts, g_steal_pointer (&more));

  wait_all_finished (sent);
  wait_received (&fixture->b, texts->len);
  tincan_test_run_for (100);

  /* Each once, in order. */
  g_assert_cmpuint (fixture->b.received->len, ==, texts->len);
  for (guint i = 0; i < texts->len; i++)
    g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, i)), ==,
                     g_ptr_array_index (texts, i));

  /* The old keys opened what was in flight: nothing failed to open. */
  g_assert_cmpuint (b_stats->forged, ==, 0);
  g_assert_cmpuint (b_stats->no_key, ==, 0);

  /* New keys: their counters start again from zero. */
  for (guint i = renewed_at; i < from_a->len; i++)
    if (((const guint8 *) g_bytes_get_data (g_ptr_array_index (from_a, i), NULL))[3]
        == TINCAN_PACKET_SEALED)
      lowest_after = MIN (lowest_after, sealed_counter (g_ptr_array_index (from_a, i)));
  g_assert_cmpuint (lowest_after, <, highest);
}

/* The seal alone: the keys before the newest open what was in flight,
 * once, until they are wiped.
 */
static void
random_cipher (TincanNoiseCipher *cipher)
{
  memset (cipher, 0, sizeof *cipher);
  for (guint i = 0; i < TINCAN_NOISE_KEY_SIZE; i++)
    cipher->key[i] = g_random_int_range (0, 256);
  cipher->has_key = TRUE;
}

static gsize
seal_ping (TincanSeal *seal,
           guint8     *out)
{
  TincanPacket packet = { 0 };
  guint8 inner[TINCAN_WIRE_BASE_DATAGRAM];
  gsize length;

  packet.type = TINCAN_PACKET_PING;
  packet.sender_session = 1;
  packet.receiver_session = 2;
  length = tincan_wire_encode (&packet, inner, sizeof inner);

  return tincan_seal_seal (seal, 2, inner, length, NULL, 0, out, TINCAN_WIRE_BASE_DATAGRAM);
}

static TincanSealResult
open_datagram (TincanSeal   *seal,
               const guint8 *datagram,
               gsize         length)
{
  guint8 out[TINCAN_WIRE_BASE_DATAGRAM];
  TincanPacket packet;
  gsize out_length;

  g_assert_cmpint (tincan_wire_decode (datagram, length, &packet), ==, TINCAN_WIRE_OK);

  return tincan_seal_open (seal, &packet, datagram, out, &out_length);
}

static void
test_seal_previous_keys (void)
{
  g_autoptr(TincanSeal) sender = tincan_seal_new ();
  g_autoptr(TincanSeal) receiver = tincan_seal_new ();
  guint8 old1[TINCAN_WIRE_BASE_DATAGRAM], old2[TINCAN_WIRE_BASE_DATAGRAM], new[TINCAN_WIRE_BASE_DATAGRAM];
  gsize old1_length = 0, old2_length = 0, new_length = 0;
  gint64 now = 1000;

  for (guint phase = 0; phase < 2; phase++)
    {
      TincanNoiseCipher send, receive, sender_send, sender_receive;

      random_cipher (&send);
      random_cipher (&receive);
      sender_send = send;
      sender_receive = receive;
      tincan_seal_install (sender, &sender_send, &sender_receive, phase, now);
      tincan_seal_install (receiver, &receive, &send, phase, now);

      if (phase == 0)
        {
          old1_length = seal_ping (sender, old1);
          old2_length = seal_ping (sender, old2);
        }
    }
  new_length = seal_ping (sender, new);

  g_assert_cmpint (open_datagram (receiver, new, new_length), ==, TINCAN_SEAL_OPENED);
  g_assert_cmpint (open_datagram (receiver, old1, old1_length), ==, TINCAN_SEAL_OPENED);
  g_assert_cmpint (open_datagram (receiver, old1, old1_length), ==, TINCAN_SEAL_REPLAYED);
  g_assert_cmpint (open_datagram (receiver, new, new_length), ==, TINCAN_SEAL_REPLAYED);

  /* Wiped after a while: the second one in flight comes too late. */
  tincan_seal_expire (receiver, now + TINCAN_SEAL_KEEP_PREVIOUS);
  g_assert_cmpint (open_datagram (receiver, old2, old2_length), !=, TINCAN_SEAL_OPENED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_PROXY(path, func) \
  g_test_add (path, ProxyFixture, NULL, proxy_fixture_set_up, func, proxy_fixture_tear_down)

  ADD_PROXY ("/security/no-text-on-wire", test_no_text_on_wire);
  ADD_PROXY ("/security/replay-and-forge", test_replay_and_forge);
  ADD_PROXY ("/security/rekey-mid-stream", test_rekey_mid_stream);
  g_test_add ("/security/handshake-flood", Fixture, NULL, fixture_set_up, test_handshake_flood,
              fixture_tear_down);
  g_test_add_func ("/security/middle-man", test_middle_man);
  g_test_add_func ("/security/seal-previous-keys", test_seal_previous_keys);

#undef ADD_PROXY

  return g_test_run ();
}
