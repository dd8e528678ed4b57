/* test-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two TincanLinks in one process, talking over loopback: order, size
 * limits, duplicates, a restarted peer, presence, a port in use, give-up
 * and retry, strangers and garbage (in Tin Can mode, anything that is not
 * Tin Can; in plain mode, anything that is not text), the
 * no-amplification rule, and a keep
 * function that refuses, then dedupes across a restart.  The path-size
 * tests are in test-link-path.c.
 * Every wait is bounded.
 */

#include "config.h"

#include <gio/gio.h>
#include <libglib-testing/signal-logger.h>
#include <string.h>

#include "tincan-link-pair.h"
#include "tincan-link-private.h"
#include "tincan-raw-peer.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"

static void
test_hello_and_presence (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_assert_true (tincan_test_wait_for (both_online, fixture));
  g_assert_cmpstr (tincan_link_get_peer_name (fixture->a.link), ==, "Grace");
  g_assert_cmpstr (tincan_link_get_peer_name (fixture->b.link), ==, "Ada");
  g_assert_cmpuint (tincan_link_get_session_id (fixture->a.link), !=,
                    tincan_link_get_session_id (fixture->b.link));
}

static void
test_states_and_order (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  static const gsize sizes[] = { 1, 100, 1150, 1151, 3000, 20000, 5, 70000 };
  GParamSpec *pspec = NULL;
  TincanMessage *first;

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GError) error = NULL;
      char *text = make_text (i, sizes[i % G_N_ELEMENTS (sizes)]);
      TincanMessage *message = tincan_link_send (fixture->a.link, text, &error);

      g_assert_no_error (error);
      g_assert_true (tincan_message_get_outgoing (message));
      if (i == 0)
        gt_signal_logger_connect (logger, message, "notify::state");
      g_ptr_array_add (sent, message);
      g_ptr_array_add (texts, text);
    }

  first = g_ptr_array_index (sent, 0);
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  wait_received (&fixture->b, sent->len);

  /* queued → sent → delivered, each once. */
  gt_signal_logger_assert_emission_pop (logger, first, "notify::state", &pspec);
  gt_signal_logger_assert_emission_pop (logger, first, "notify::state", &pspec);
  gt_signal_logger_assert_no_emissions (logger);

  for (guint i = 0; i < sent->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (fixture->b.received, i);

      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, i)), ==,
                       TINCAN_MESSAGE_DELIVERED);
      g_assert_cmpstr (tincan_message_get_text (message), ==, g_ptr_array_index (texts, i));
      g_assert_false (tincan_message_get_plain (message));
      g_assert_false (tincan_message_get_outgoing (message));
    }

  /* Nothing more arrives later. */
  tincan_test_run_for (100);
  g_assert_cmpuint (fixture->b.received->len, ==, sent->len);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);
  g_assert_cmpint (tincan_link_get_rtt (fixture->a.link), >, 0);
}

static void
test_both_ways (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *ta = make_text (i, 2000);
      g_autofree char *tb = make_text (100 + i, 300);

      g_ptr_array_add (sent, tincan_link_send (fixture->a.link, ta, NULL));
      g_ptr_array_add (sent, tincan_link_send (fixture->b.link, tb, NULL));
    }

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  wait_received (&fixture->a, 20);
  wait_received (&fixture->b, 20);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *ta = make_text (i, 2000);
      g_autofree char *tb = make_text (100 + i, 300);

      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, i)), ==, ta);
      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->a.received, i)), ==, tb);
    }
}

static void
test_one_mebibyte (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_malloc (TINCAN_WIRE_MAX_MESSAGE + 2);
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(TincanMessage) too_big = NULL;
  g_autoptr(TincanMessage) empty = NULL;
  g_autoptr(TincanMessage) not_utf8 = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new ();

  /* Multi-byte characters, so fragments end in the middle of some. */
  for (gsize i = 0; i < TINCAN_WIRE_MAX_MESSAGE; i += 2)
    memcpy (text + i, "é", 2);
  text[TINCAN_WIRE_MAX_MESSAGE] = '\0';

  message = tincan_link_send (fixture->a.link, text, &error);
  g_assert_no_error (error);
  g_ptr_array_add (sent, message);
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==, text);

  /* One byte more is refused before anything is sent. */
  text[TINCAN_WIRE_MAX_MESSAGE] = 'x';
  text[TINCAN_WIRE_MAX_MESSAGE + 1] = '\0';
  too_big = tincan_link_send (fixture->a.link, text, &error);
  g_assert_null (too_big);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "1048577 bytes"));
  g_clear_error (&error);

  empty = tincan_link_send (fixture->a.link, "", &error);
  g_assert_null (empty);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_EMPTY);
  g_clear_error (&error);

  not_utf8 = tincan_link_send (fixture->a.link, "caf\xe9", &error);
  g_assert_null (not_utf8);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_NOT_UTF8);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);
}

static gboolean
duplicate_everything (TincanLink   *link,
                      const guint8 *datagram,
                      gsize         length,
                      gpointer      user_data)
{
  tincan_link_send_raw (link, datagram, length);

  return TRUE;
}

static void
test_duplicates_delivered_once (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);

  tincan_link_set_filter (fixture->a.link, duplicate_everything, NULL);
  tincan_link_set_filter (fixture->b.link, duplicate_everything, NULL);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *text = make_text (i, 50 + 400 * i);

      g_ptr_array_add (sent, tincan_link_send (fixture->a.link, text, NULL));
    }

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  tincan_test_run_for (200);

  g_assert_cmpuint (fixture->b.received->len, ==, 30);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *text = make_text (i, 50 + 400 * i);

      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, i)), ==,
                       TINCAN_MESSAGE_DELIVERED);
      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, i)), ==,
                       text);
    }

  g_assert_cmpuint (tincan_link_get_stats (fixture->b.link)->duplicates, >, 0);
}

static gboolean
is_presence (gpointer data)
{
  gpointer *args = data;

  return (int) tincan_link_get_presence (args[0]) == GPOINTER_TO_INT (args[1]);
}

static void
wait_presence (TincanLink     *link,
               TincanPresence  presence)
{
  gpointer args[2] = { link, GINT_TO_POINTER (presence) };

  g_assert_true (tincan_test_wait_for (is_presence, args));
}

static void
test_peer_restart (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port_b = tincan_link_get_local_port (fixture->b.link);
  guint64 old_session = tincan_link_get_session_id (fixture->b.link);

  g_ptr_array_add (sent, tincan_link_send (fixture->a.link, "before", NULL));
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  wait_received (&fixture->b, 1);

  /* B goes away; A's next message has nobody to go to. */
  end_close (&fixture->b);
  g_ptr_array_add (sent, tincan_link_send (fixture->a.link, "while away", NULL));
  wait_presence (fixture->a.link, TINCAN_PRESENCE_NOT_LISTENING);
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, 1)), !=,
                   TINCAN_MESSAGE_DELIVERED);

  /* B comes back on the same port as a new session, and gets it once. */
  end_open (&fixture->b, port_b, "Grace again");
  g_assert_cmpuint (tincan_link_get_session_id (fixture->b.link), !=, old_session);
  connect_ends (&fixture->b, &fixture->a);

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, 1)), ==,
                   TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 2);
  tincan_test_run_for (200);
  g_assert_cmpuint (fixture->b.received->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 1)), ==,
                   "while away");
  wait_presence (fixture->a.link, TINCAN_PRESENCE_ONLINE);
  g_assert_cmpstr (tincan_link_get_peer_name (fixture->a.link), ==, "Grace again");
}

/* Drops the first three handshake INITs a link sends: its hellos. */
static gboolean
drop_inits (TincanLink   *link,
            const guint8 *datagram,
            gsize         length,
            gpointer      user_data)
{
  guint *dropped = user_data;

  if (length > 3 && datagram[3] == TINCAN_PACKET_HANDSHAKE_INIT && *dropped < 3)
    {
      (*dropped)++;
      return FALSE;
    }

  return TRUE;
}

static gboolean
three_dropped (gpointer data)
{
  return *(guint *) data >= 3;
}

/* B restarts and its hellos are lost, so it stops saying hello (it has
 * nothing to send); A, which never noticed, still seals for B's run
 * before.  B answers the first such packet big enough with a hello of
 * its own, and A's message gets through.
 */
static void
test_peer_forgot_us (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = make_text (0, 2000);
  guint16 port_b = tincan_link_get_local_port (fixture->b.link);
  guint dropped = 0;

  g_assert_true (tincan_test_wait_for (both_online, fixture));

  end_close (&fixture->b);
  end_open (&fixture->b, port_b, "Grace again");
  tincan_link_set_filter (fixture->b.link, drop_inits, &dropped);
  connect_ends (&fixture->b, &fixture->a);
  g_assert_true (tincan_test_wait_for (three_dropped, &dropped));

  g_ptr_array_add (sent, tincan_link_send (fixture->a.link, text, NULL));
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, 0)), ==,
                   TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==, text);
  g_assert_cmpuint (tincan_link_get_stats (fixture->b.link)->stale, >=, 1);

  tincan_link_set_filter (fixture->b.link, NULL, NULL);
}

static void
test_not_listening_then_failed (void)
{
  End a = { 0 };
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  TincanMessage *message;

  end_open (&a, 0, "Ada");
  tincan_link_set_give_up_time (a.link, 1500 * G_TIME_SPAN_MILLISECOND);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_test_unused_port ());

  message = tincan_link_send (a.link, "anyone?", NULL);
  g_ptr_array_add (sent, message);
  wait_presence (a.link, TINCAN_PRESENCE_NOT_LISTENING);

  /* Not lost: failed, with the reason, after the give-up time. */
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (message), ==,
                   "The other computer is not listening on that port");
  g_assert_cmpuint (tincan_link_get_n_pending (a.link), ==, 0);

  end_close (&a);
  g_ptr_array_unref (a.received);
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint16 port = tincan_link_get_local_port (fixture->a.link);
  g_autoptr(TincanLink) second = tincan_link_new (port, TINCAN_MODE_RELIABLE, &error);

  g_assert_null (second);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  expected = g_strdup_printf ("UDP port %u is already in use by another program", port);
  g_assert_cmpstr (error->message, ==, expected);
}

static gboolean
drop_everything (TincanLink   *link,
                 const guint8 *datagram,
                 gsize         length,
                 gpointer      user_data)
{
  return FALSE;
}

static void
test_give_up_and_retry (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *big = make_text (0, 5000);
  GParamSpec *pspec = NULL;
  TincanMessage *lost;

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_link_set_give_up_time (fixture->a.link, 1 * G_USEC_PER_SEC);

  /* The link goes dark: a message half sent fails, and says why. */
  tincan_link_set_filter (fixture->a.link, drop_everything, NULL);
  lost = tincan_link_send (fixture->a.link, big, NULL);
  g_ptr_array_add (sent, lost);
  gt_signal_logger_connect (logger, lost, "notify::state");
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (lost), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (lost), ==,
                   "The other computer did not confirm the message in time");
  /* It was on the wire before the logger listened: sent → failed, by
   * way of being cut again in a new epoch if the path had been found to
   * carry big datagrams (which the dark link then seemed to swallow).
   */
  gt_signal_logger_assert_emission_pop (logger, lost, "notify::state", &pspec);
  for (guint i = 0; i < 2 && gt_signal_logger_get_n_emissions (logger) > 0; i++)
    gt_signal_logger_assert_emission_pop (logger, lost, "notify::state", &pspec);
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_cmpuint (fixture->b.received->len, ==, 0);

  /* Back up: the next message and the retried one both arrive, once. */
  tincan_link_set_filter (fixture->a.link, NULL, NULL);
  tincan_link_set_give_up_time (fixture->a.link, 20 * G_USEC_PER_SEC);
  g_ptr_array_add (sent, tincan_link_send (fixture->a.link, "after", NULL));
  g_assert_true (tincan_link_retry (fixture->a.link, lost, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_message_get_state (lost), !=, TINCAN_MESSAGE_FAILED);

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (lost), ==, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 2);
  tincan_test_run_for (200);
  g_assert_cmpuint (fixture->b.received->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==, "after");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 1)), ==, big);

  /* A delivered message cannot be retried. */
  g_assert_false (tincan_link_retry (fixture->a.link, lost, &error));
  g_assert_error (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_NOT_FAILED);
}

typedef struct
{
  TincanIgnoredReason reason;
  guint               length;
} Ignored;

static void
on_ignored_cb (TincanLink          *link,
               TincanIgnoredReason  reason,
               guint                length,
               GArray              *ignored)
{
  Ignored one = { reason, length };

  g_array_append_val (ignored, one);
}

static void
test_strangers_ignored (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(TincanRawPeer) stranger = tincan_raw_peer_new ("127.0.0.2");
  g_autoptr(GPtrArray) replies = NULL;
  guint16 port = tincan_link_get_local_port (fixture->a.link);
  guint8 init[TINCAN_WIRE_BASE_DATAGRAM];
  guint64 foreign;

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  foreign = tincan_link_get_stats (fixture->a.link)->foreign;

  /* Text and a first handshake message from an address that is not the
   * peer's.
   */
  tincan_raw_peer_send (stranger, port, (const guint8 *) "let me in\n", 10);
  tincan_raw_peer_send (stranger, port, init, tincan_raw_peer_make_init (stranger, init));

  replies = tincan_raw_peer_collect (stranger, 300);
  g_assert_cmpuint (replies->len, ==, 0);
  g_assert_cmpuint (fixture->a.received->len, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (fixture->a.link)->foreign - foreign, ==, 2);
  g_assert_cmpstr (tincan_link_get_peer_name (fixture->a.link), ==, "Grace");
}

static void
assert_replies_no_bigger (GPtrArray *replies,
                          gsize      sent)
{
  for (guint i = 0; i < replies->len; i++)
    g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (replies, i)), <=, sent);
}

/* Opens what came back and takes out the path probes (padded PINGs):
 * they answer nothing, and come only once the peer has shown it hears
 * us.  Every other datagram must be sealed, and open.
 */
static guint
take_probes (TincanRawPeer *peer,
             GPtrArray     *replies)
{
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  guint n = 0;

  for (guint i = replies->len; i-- > 0;)
    {
      GBytes *bytes = g_ptr_array_index (replies, i);
      TincanPacket packet;

      g_assert_true (tincan_raw_peer_open (peer, g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), buffer, &packet));
      if (packet.type == TINCAN_PACKET_PING && packet.ping.size > TINCAN_WIRE_PING_SIZE)
        {
          g_ptr_array_remove_index (replies, i);
          n++;
        }
    }

  return n;
}

static void
test_garbage_and_amplification (void)
{
  End a = { 0 };
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(GPtrArray) replies = NULL;
  TincanPacket packet = { 0 }, reply;
  guint8 datagram[TINCAN_WIRE_BASE_DATAGRAM];
  guint16 port;
  guint n_probes = 0;
  gsize length;
  GRand *rand = g_rand_new_with_seed (7);

  end_open (&a, 0, "Ada");
  port = tincan_link_get_local_port (a.link);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_raw_peer_get_port (peer));

  /* A's own first handshake messages arrive first; read them away. */
  g_ptr_array_unref (tincan_raw_peer_collect (peer, 100));

  /* A first message is answered with a second no bigger than it. */
  length = tincan_raw_peer_make_init (peer, datagram);
  tincan_raw_peer_send (peer, port, datagram, length);
  replies = tincan_raw_peer_collect (peer, 200);
  g_assert_cmpuint (replies->len, >=, 1);
  assert_replies_no_bigger (replies, length);
  for (guint i = 0; i < replies->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (replies, i);

      g_assert_cmpint (tincan_wire_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                           &reply), ==, TINCAN_WIRE_OK);
      g_assert_cmpint (reply.type, ==, TINCAN_PACKET_HANDSHAKE_REPLY);
    }
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* Now a whole handshake, and the link confirms the keys. */
  g_assert_true (tincan_raw_peer_connect (peer, port, 2000));
  g_ptr_array_unref (tincan_raw_peer_collect (peer, 100));

  /* The smallest sealed DATA there is, with pieces missing before it so
   * the ACK would like to list ranges: the sealed ACK still fits in what
   * came in.
   */
  for (guint pn = 2; pn < 40; pn += 2)
    {
      length = tincan_raw_peer_make_data (peer, pn, "x", datagram, sizeof datagram);
      tincan_raw_peer_send (peer, port, datagram, length);

      replies = tincan_raw_peer_collect (peer, 20);
      n_probes += take_probes (peer, replies);
      g_assert_cmpuint (replies->len, >=, 1);
      assert_replies_no_bigger (replies, length);
      g_clear_pointer (&replies, g_ptr_array_unref);
    }

  /* The sealed packets showed that this peer hears A, so A began to
   * probe the path, which this peer never answers.
   */
  g_assert_cmpuint (n_probes, >=, 1);

  /* Nothing was complete in order, so nothing was delivered. */
  g_assert_cmpuint (a.received->len, ==, 0);

  /* A ping gets a pong of its size. */
  memset (&packet, 0, sizeof packet);
  packet.type = TINCAN_PACKET_PING;
  length = tincan_raw_peer_seal (peer, &packet, datagram, sizeof datagram);
  tincan_raw_peer_send (peer, port, datagram, length);
  replies = tincan_raw_peer_collect (peer, 100);
  n_probes += take_probes (peer, replies);
  g_assert_cmpuint (replies->len, ==, 1);
  assert_replies_no_bigger (replies, length);
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* A DATA in the clear, as version 3 sent it: dropped and counted. */
  memset (&packet, 0, sizeof packet);
  packet.type = TINCAN_PACKET_DATA;
  packet.sender_session = tincan_raw_peer_get_session (peer);
  packet.receiver_session = tincan_raw_peer_get_peer_session (peer);
  packet.data.epoch = 1;
  packet.data.packet_number = 1;
  packet.data.message_seq = 1;
  packet.data.message_id = 1;
  packet.data.fragment_count = 1;
  packet.data.fragment_size = TINCAN_WIRE_MIN_FRAGMENT;
  packet.data.message_length = 5;
  packet.data.payload = (const guint8 *) "plain";
  packet.data.payload_length = 5;
  length = tincan_wire_encode (&packet, datagram, sizeof datagram);
  tincan_raw_peer_send (peer, port, datagram, length);
  replies = tincan_raw_peer_collect (peer, 100);
  n_probes += take_probes (peer, replies);
  g_assert_cmpuint (replies->len, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->unsealed, ==, 1);
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* Random bytes behind a valid-looking header, sealed or not: dropped
   * and counted, never answered, never a crash.
   */
  for (guint i = 0; i < 500; i++)
    {
      gsize n = g_rand_int_range (rand, 3, sizeof datagram);

      for (gsize j = 0; j < n; j++)
        datagram[j] = g_rand_int_range (rand, 0, 256);
      datagram[0] = 'T';
      datagram[1] = 'C';
      datagram[2] = TINCAN_WIRE_VERSION;
      if (i % 2 == 0 && n > TINCAN_WIRE_HEADER_SIZE)
        {
          /* Sealed, to A's session, so that it gets as far as opening. */
          guint64 session = tincan_raw_peer_get_peer_session (peer);

          datagram[3] = TINCAN_PACKET_SEALED;
          datagram[4] = i % 4 == 0;
          datagram[5] = 0;
          for (guint k = 0; k < 8; k++)
            datagram[6 + k] = session >> (56 - 8 * k);
        }
      tincan_raw_peer_send (peer, port, datagram, n);
      if (i % 50 == 0)
        g_main_context_iteration (NULL, FALSE);
    }

  replies = tincan_raw_peer_collect (peer, 300);
  n_probes += take_probes (peer, replies);
  g_assert_cmpuint (replies->len, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->malformed + tincan_link_get_stats (a.link)->stale
                    + tincan_link_get_stats (a.link)->forged
                    + tincan_link_get_stats (a.link)->unsealed, >=, 450);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->forged, >=, 200);
  g_assert_cmpuint (a.received->len, ==, 0);

  /* Never answered: each size tried three times, then no more. */
  g_assert_cmpuint (n_probes, <=, 3 * 3);
  g_assert_cmpuint (tincan_link_get_datagram_size (a.link), ==, TINCAN_WIRE_BASE_DATAGRAM);

  g_rand_free (rand);
  end_close (&a);
  g_ptr_array_unref (a.received);
}

static void
on_peer_error_cb (TincanLink   *link,
                  const GError *error,
                  GPtrArray    *errors)
{
  g_ptr_array_add (errors, g_strdup (error->message));
}

/* A peer that speaks another version of the protocol is named as such,
 * once per version, and so is the reason a message to it fails.
 */
static void
test_other_version (void)
{
  End a = { 0 };
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *older = NULL;
  TincanPacket packet = { 0 };
  guint8 datagram[TINCAN_WIRE_BASE_DATAGRAM];
  guint16 port;
  gsize length;

  end_open (&a, 0, "Ada");
  port = tincan_link_get_local_port (a.link);
  g_signal_connect (a.link, "peer-error", G_CALLBACK (on_peer_error_cb), errors);
  tincan_link_set_give_up_time (a.link, 300 * G_TIME_SPAN_MILLISECOND);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_raw_peer_get_port (peer));
  g_ptr_array_add (sent, tincan_link_send (a.link, "are you there?", NULL));

  /* Its hellos, as an older and then a newer Tin Can would send them. */
  packet.type = TINCAN_PACKET_HELLO;
  packet.sender_session = 0x01d;
  packet.hello.identity[0] = 0x01;
  packet.hello.receive_window = 65536;
  length = tincan_wire_encode (&packet, datagram, sizeof datagram);
  datagram[2] = TINCAN_WIRE_VERSION - 1;
  tincan_raw_peer_send (peer, port, datagram, length);
  tincan_raw_peer_send (peer, port, datagram, length);
  g_ptr_array_unref (tincan_raw_peer_collect (peer, 100));
  g_assert_cmpuint (errors->len, ==, 1);
  older = g_strdup_printf ("older Tin Can (protocol %u, this one speaks %u)",
                           TINCAN_WIRE_VERSION - 1, TINCAN_WIRE_VERSION);
  g_assert_nonnull (strstr (g_ptr_array_index (errors, 0), older));

  datagram[2] = TINCAN_WIRE_VERSION + 1;
  tincan_raw_peer_send (peer, port, datagram, length);
  g_ptr_array_unref (tincan_raw_peer_collect (peer, 100));
  g_assert_cmpuint (errors->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (errors, 1), "newer Tin Can"));

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, 0)), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (g_ptr_array_index (sent, 0)), ==,
                   "The other computer runs a version of Tin Can that this one cannot talk to");
  g_assert_cmpuint (a.received->len, ==, 0);

  end_close (&a);
  g_ptr_array_unref (a.received);
}

static void
test_plain_mode (void)
{
  static const char *plain[] = {
    "hello\n", "caf\xe9 is latin-1\n", "ring \a the bell", "two lines\n\tkept\r\n",
  };
  g_autoptr(GArray) ignored = g_array_new (FALSE, FALSE, sizeof (Ignored));
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(GPtrArray) datagrams = NULL;
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) joined = g_string_new (NULL);
  End a = { 0 };

  a.received = g_ptr_array_new_with_free_func (g_object_unref);
  a.link = tincan_link_new (0, TINCAN_MODE_PLAIN, &error);
  g_assert_no_error (error);
  g_signal_connect (a.link, "message-received", G_CALLBACK (on_received_cb), &a);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_raw_peer_get_port (peer));

  /* 3000 bytes of two-byte characters with a three-byte one placed so a
   * naive cut at 1024 would split it.
   */
  g_string_append (text, "a");
  while (text->len < 1022)
    g_string_append (text, "ß");
  g_string_append (text, "€");
  while (text->len < 3000)
    g_string_append_c (text, 'z');

  message = tincan_link_send (a.link, text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
  g_assert_true (tincan_message_get_plain (message));

  datagrams = tincan_raw_peer_collect (peer, 200);
  g_assert_cmpuint (datagrams->len, ==, 3);
  for (guint i = 0; i < datagrams->len; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (g_ptr_array_index (datagrams, i), &size);

      g_assert_cmpuint (size, <=, 1024);
      g_assert_true (g_utf8_validate (data, size, NULL));
      g_string_append_len (joined, data, size);
    }
  g_assert_cmpstr (joined->str, ==, text->str);

  /* Received: one newline stripped, never answered.  What is not text
   * is not shown at all, with or without replacement characters.
   */
  g_signal_connect (a.link, "datagram-ignored", G_CALLBACK (on_ignored_cb), ignored);
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    tincan_raw_peer_send (peer, tincan_link_get_local_port (a.link), (const guint8 *) plain[i], strlen (plain[i]));
  g_clear_pointer (&datagrams, g_ptr_array_unref);
  datagrams = tincan_raw_peer_collect (peer, 200);
  g_assert_cmpuint (datagrams->len, ==, 0);
  g_assert_cmpuint (a.received->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (a.received, 0)), ==, "hello");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (a.received, 1)), ==,
                   "two lines\n\tkept");
  g_assert_true (tincan_message_get_plain (g_ptr_array_index (a.received, 0)));
  g_assert_cmpuint (ignored->len, ==, 2);
  g_assert_cmpuint (g_array_index (ignored, Ignored, 0).reason, ==, TINCAN_IGNORED_NOT_UTF8);
  g_assert_cmpuint (g_array_index (ignored, Ignored, 0).length, ==, strlen (plain[1]));
  g_assert_cmpuint (g_array_index (ignored, Ignored, 1).reason, ==, TINCAN_IGNORED_CONTROL);
  g_assert_cmpuint (g_array_index (ignored, Ignored, 1).length, ==, strlen (plain[2]));
  g_assert_cmpuint (tincan_link_get_stats (a.link)->not_text, ==, 2);

  end_close (&a);
  g_ptr_array_unref (a.received);
}

/* Drops the first two handshake FINISH messages a link sends. */
static gboolean
drop_finish (TincanLink   *link,
             const guint8 *datagram,
             gsize         length,
             gpointer      user_data)
{
  guint *dropped = user_data;

  if (length > 3 && datagram[3] == TINCAN_PACKET_HANDSHAKE_FINISH && *dropped < 2)
    {
      (*dropped)++;
      return FALSE;
    }

  return TRUE;
}

/* The handshake's last message lost: the initiator already seals with
 * the new keys, which the other side cannot open yet; it sends the
 * FINISH again until something sealed with them comes back, and what it
 * sent meanwhile goes again.
 */
static void
test_finish_lost (void)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  End a = { 0 }, b = { 0 };
  guint dropped = 0;

  end_open (&a, 0, "Ada");
  end_open (&b, 0, "Grace");
  tincan_link_set_filter (a.link, drop_finish, &dropped);
  tincan_link_set_filter (b.link, drop_finish, &dropped);
  connect_ends (&a, &b);
  connect_ends (&b, &a);
  g_ptr_array_add (sent, tincan_link_send (a.link, "from Ada", NULL));
  g_ptr_array_add (sent, tincan_link_send (b.link, "from Grace", NULL));

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpuint (dropped, ==, 2);
  for (guint i = 0; i < sent->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, i)), ==,
                     TINCAN_MESSAGE_DELIVERED);
  wait_received (&a, 1);
  wait_received (&b, 1);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->handshakes + tincan_link_get_stats (b.link)->handshakes,
                    ==, 2);

  tincan_link_set_filter (a.link, NULL, NULL);
  tincan_link_set_filter (b.link, NULL, NULL);
  end_close (&a);
  end_close (&b);
  g_ptr_array_unref (a.received);
  g_ptr_array_unref (b.received);
}

/* Whether @data, once a line ending is taken off, is what plain mode
 * shows: UTF-8 with no control character but tab, CR and LF.  Written
 * apart from the receiver's own check, a character at a time.
 */
static gboolean
is_plain_text (const char *data,
               gsize       length)
{
  if (!g_utf8_validate_len (data, length, NULL))
    return FALSE;

  for (const char *p = data; p < data + length; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f))
        return FALSE;
    }

  return TRUE;
}

/* Text of every kind: ASCII, accents, CJK, emoji (four bytes each). */
static void
append_text (GString *text,
             GRand   *rand,
             guint    n)
{
  static const char *pieces[] = { "a", "z", " ", "\t", "ß", "é", "€", "漢", "🥫", "👍🏽", "\n" };

  for (guint i = 0; i < n; i++)
    g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
}

/* A datagram for the plain-mode test: random bytes, text spoilt by one
 * bad byte or control character, or good text.
 */
static GString *
random_datagram (GRand *rand)
{
  static const char *spoilers[] = { "\xff", "\xc3", "\xe2\x82", "\x80", "\xed\xa0\x80",
                                    "\x01", "\x1b[31m", "\x7f", "\xc2\x85", "\xc2\x9f", "\0" };
  GString *datagram = g_string_new (NULL);
  guint kind = g_rand_int_range (rand, 0, 4);

  if (kind < 2)
    {
      guint n = g_rand_int_range (rand, 0, 200);

      for (guint i = 0; i < n; i++)
        g_string_append_c (datagram, g_rand_int_range (rand, 0, 256));
    }
  else
    {
      append_text (datagram, rand, g_rand_int_range (rand, 1, 60));
      if (kind == 2)
        {
          const char *spoiler = spoilers[g_rand_int_range (rand, 0, G_N_ELEMENTS (spoilers))];

          g_string_insert_len (datagram, g_rand_int_range (rand, 0, datagram->len + 1),
                               spoiler, MAX (strlen (spoiler), 1));
        }
      if (g_rand_boolean (rand))
        g_string_append (datagram, "\n");
    }

  /* Not Tin Can, and no replacement character of its own. */
  if (datagram->len >= 2 && datagram->str[0] == 'T' && datagram->str[1] == 'C')
    datagram->str[0] = 't';
  for (gsize i = 0; i + 3 <= datagram->len; i++)
    if (memcmp (datagram->str + i, "\xef\xbf\xbd", 3) == 0)
      g_string_truncate (datagram, 0);

  return datagram;
}

static gboolean
has_control_or_replacement (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0xfffd || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f))
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  TincanLink *link;
  guint64     n;
} Received;

static gboolean
has_received (gpointer data)
{
  Received *received = data;

  return tincan_link_get_stats (received->link)->datagrams_received >= received->n;
}

/* Thousands of random datagrams in plain mode: none shown holds a
 * replacement character or a control character, every one that is text
 * arrives, whatever its script, and the rest are ignored and counted.
 */
static void
test_plain_mode_random (void)
{
  g_autoptr(GArray) ignored = g_array_new (FALSE, FALSE, sizeof (Ignored));
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261201);
  guint n_not_text = 0, n_multibyte = 0;
  Received received = { 0 };
  End a = { 0 };

  a.received = g_ptr_array_new_with_free_func (g_object_unref);
  a.link = tincan_link_new (0, TINCAN_MODE_PLAIN, &error);
  g_assert_no_error (error);
  g_signal_connect (a.link, "message-received", G_CALLBACK (on_received_cb), &a);
  g_signal_connect (a.link, "datagram-ignored", G_CALLBACK (on_ignored_cb), ignored);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_raw_peer_get_port (peer));
  received.link = a.link;

  for (guint i = 0; i < 4000; i++)
    {
      g_autoptr(GString) datagram = random_datagram (rand);
      gsize length = datagram->len;

      tincan_raw_peer_send (peer, tincan_link_get_local_port (a.link), (const guint8 *) datagram->str, datagram->len);
      received.n++;

      if (length > 0 && datagram->str[length - 1] == '\n')
        length--;
      if (length > 0 && datagram->str[length - 1] == '\r')
        length--;
      if (length == 0)
        ;
      else if (is_plain_text (datagram->str, length))
        {
          g_ptr_array_add (expected, g_strndup (datagram->str, length));
          n_multibyte += !g_str_is_ascii (g_ptr_array_index (expected, expected->len - 1));
        }
      else
        n_not_text++;

      /* A few at a time, so none is lost to a full socket buffer. */
      if (i % 50 == 49)
        g_assert_true (tincan_test_wait_for (has_received, &received));
    }
  g_assert_true (tincan_test_wait_for (has_received, &received));

  g_test_message ("%u shown, %u of them not ASCII; %u ignored", expected->len, n_multibyte,
                  n_not_text);
  g_assert_cmpuint (a.received->len, ==, expected->len);
  for (guint i = 0; i < a.received->len; i++)
    {
      const char *text = tincan_message_get_text (g_ptr_array_index (a.received, i));

      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_false (has_control_or_replacement (text));
      g_assert_cmpstr (text, ==, g_ptr_array_index (expected, i));
    }
  g_assert_cmpuint (ignored->len, ==, n_not_text);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->not_text, ==, n_not_text);

  /* The test covered what it is about. */
  g_assert_cmpuint (n_multibyte, >, 500);
  g_assert_cmpuint (n_not_text, >, 1000);

  end_close (&a);
  g_ptr_array_unref (a.received);
}

/* In Tin Can mode a datagram that is not Tin Can is not a message:
 * nothing vouches for it.  It is ignored, counted and reported, and the
 * conversation goes on.
 */
static void
test_not_tincan_ignored_in_reliable_mode (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(GArray) ignored = g_array_new (FALSE, FALSE, sizeof (Ignored));
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.1");
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  static const guint8 garbage[] = { 0x00, 0xff, 'T', 0x01, 0x80 };

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  g_signal_connect (fixture->a.link, "datagram-ignored", G_CALLBACK (on_ignored_cb), ignored);

  /* The peer's address, any port: that is how nc -u sends. */
  tincan_raw_peer_send (peer, tincan_link_get_local_port (fixture->a.link), (const guint8 *) "from netcat\n", 12);
  tincan_raw_peer_send (peer, tincan_link_get_local_port (fixture->a.link), garbage, sizeof garbage);
  tincan_raw_peer_send (peer, tincan_link_get_local_port (fixture->a.link), (const guint8 *) "", 0);

  g_ptr_array_add (sent, tincan_link_send (fixture->b.link, "from Tin Can", NULL));
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  wait_received (&fixture->a, 1);
  tincan_test_run_for (100);

  g_assert_cmpuint (fixture->a.received->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->a.received, 0)), ==,
                   "from Tin Can");
  g_assert_false (tincan_message_get_plain (g_ptr_array_index (fixture->a.received, 0)));

  g_assert_cmpuint (ignored->len, ==, 3);
  for (guint i = 0; i < ignored->len; i++)
    g_assert_cmpuint (g_array_index (ignored, Ignored, i).reason, ==, TINCAN_IGNORED_NOT_TINCAN);
  g_assert_cmpuint (g_array_index (ignored, Ignored, 0).length, ==, 12);
  g_assert_cmpuint (g_array_index (ignored, Ignored, 1).length, ==, sizeof garbage);
  g_assert_cmpuint (g_array_index (ignored, Ignored, 2).length, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (fixture->a.link)->not_tincan, ==, 3);
  g_assert_cmpuint (tincan_link_get_stats (fixture->a.link)->plain_received, ==, 0);
}

typedef struct
{
  guint          refusals_left;
  guint          calls;
  TincanMessage *watched;      /* the sender's copy */
  GHashTable    *seen;         /* "sender-uid" */
} Keeper;

static TincanKeepResult
keep_cb (TincanLink    *link,
         TincanMessage *message,
         gpointer       user_data)
{
  Keeper *keeper = user_data;
  g_autofree char *key = NULL;

  keeper->calls++;

  /* Whatever the keeper says, nothing is acknowledged before it says it. */
  if (keeper->watched != NULL)
    g_assert_cmpint (tincan_message_get_state (keeper->watched), !=, TINCAN_MESSAGE_DELIVERED);

  if (keeper->refusals_left > 0)
    {
      keeper->refusals_left--;
      return TINCAN_KEEP_REFUSED;
    }

  key = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, tincan_message_get_sender (message),
                         tincan_message_get_uid (message));
  if (!g_hash_table_add (keeper->seen, g_steal_pointer (&key)))
    return TINCAN_KEEP_DUPLICATE;

  return TINCAN_KEEP_NEW;
}

static void
test_keep_refused_then_kept (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Keeper keeper = { 3, 0, NULL, seen };
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new ();

  tincan_link_set_keep_func (fixture->b.link, keep_cb, &keeper);
  g_assert_true (tincan_test_wait_for (both_online, fixture));

  message = tincan_link_send (fixture->a.link, "kept on the fourth try", NULL);
  keeper.watched = message;
  g_ptr_array_add (sent, message);
  g_assert_true (tincan_test_wait_for (all_finished, sent));

  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpuint (keeper.calls, ==, 4);
  g_assert_cmpuint (tincan_link_get_stats (fixture->b.link)->not_kept, ==, 3);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==,
                   "kept on the fourth try");
  g_assert_cmpuint (tincan_message_get_uid (g_ptr_array_index (fixture->b.received, 0)), ==,
                    tincan_message_get_uid (message));
}

/* What a store makes possible: the sender restarts with the same identity
 * and sends a message again with the same ID; the receiver acknowledges it
 * and shows nothing new.  Another identity with the same ID is new.
 */
static void
test_same_id_after_restart (Fixture       *fixture,
                            gconstpointer  user_data)
{
  static const guint8 identity[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  static const guint8 other[16] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Keeper keeper = { 0, 0, NULL, seen };
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  guint64 uid;

  tincan_link_set_keep_func (fixture->b.link, keep_cb, &keeper);

  /* The identity goes in the first hello: set before the peer is. */
  end_close (&fixture->a);
  end_open (&fixture->a, 0, "Ada");
  tincan_link_set_identity (fixture->a.link, identity);
  connect_ends (&fixture->a, &fixture->b);
  tincan_link_set_peer (fixture->b.link, "127.0.0.1", tincan_link_get_local_port (fixture->a.link));
  first = tincan_link_send (fixture->a.link, "only once", NULL);
  uid = tincan_message_get_uid (first);
  g_ptr_array_add (sent, g_object_ref (first));
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);

  for (guint round = 0; round < 2; round++)
    {
      guint16 port = tincan_link_get_local_port (fixture->a.link);
      TincanMessage *again = tincan_message_new_stored (1, uid, NULL, "only once", TRUE, FALSE,
                                                        0, TINCAN_MESSAGE_SENT, NULL);

      end_close (&fixture->a);
      end_open (&fixture->a, port, "Ada");
      tincan_link_set_identity (fixture->a.link, round == 0 ? identity : other);
      connect_ends (&fixture->a, &fixture->b);
      tincan_link_send_message (fixture->a.link, again);
      g_ptr_array_set_size (sent, 0);
      g_ptr_array_add (sent, again);
      g_assert_true (tincan_test_wait_for (all_finished, sent));
      g_assert_cmpint (tincan_message_get_state (again), ==, TINCAN_MESSAGE_DELIVERED);
    }

  /* Once from the first identity, once from the other. */
  g_assert_cmpuint (keeper.calls, ==, 3);
  g_assert_cmpuint (fixture->b.received->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_sender (g_ptr_array_index (fixture->b.received, 0)), !=,
                   tincan_message_get_sender (g_ptr_array_index (fixture->b.received, 1)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/link/hello-and-presence", test_hello_and_presence);
  ADD ("/link/states-and-order", test_states_and_order);
  ADD ("/link/both-ways", test_both_ways);
  ADD ("/link/one-mebibyte", test_one_mebibyte);
  ADD ("/link/duplicates-delivered-once", test_duplicates_delivered_once);
  ADD ("/link/peer-restart", test_peer_restart);
  ADD ("/link/peer-forgot-us", test_peer_forgot_us);
  ADD ("/link/port-in-use", test_port_in_use);
  ADD ("/link/give-up-and-retry", test_give_up_and_retry);
  ADD ("/link/strangers-ignored", test_strangers_ignored);
  ADD ("/link/not-tincan-ignored-in-reliable-mode", test_not_tincan_ignored_in_reliable_mode);
  ADD ("/link/keep-refused-then-kept", test_keep_refused_then_kept);
  ADD ("/link/same-id-after-restart", test_same_id_after_restart);
  g_test_add_func ("/link/not-listening-then-failed", test_not_listening_then_failed);
  g_test_add_func ("/link/garbage-and-amplification", test_garbage_and_amplification);
  g_test_add_func ("/link/plain-mode", test_plain_mode);
  g_test_add_func ("/link/plain-mode/random", test_plain_mode_random);
  g_test_add_func ("/link/other-version", test_other_version);
  g_test_add_func ("/link/finish-lost", test_finish_lost);

#undef ADD

  return g_test_run ();
}
