/* test-port.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One socket for many peers: several links on one TincanPort, each with
 * a peer of its own on loopback, encrypted, both ways at once; what the
 * port does with a stranger's first handshake message; a flood from one
 * peer while another's messages still get through; roaming, which only
 * an authenticated packet may cause; and tincan_link_move(), which keeps
 * the conversation when the peer turns up elsewhere.
 */

#include "config.h"

#include <string.h>

#include "tincan-link-pair.h"
#include "tincan-noise.h"
#include "tincan-port.h"
#include "tincan-port-private.h"
#include "tincan-raw-peer.h"

static TincanLink *
open_on_port (TincanPort  *port,
              End         *end,
              const char  *name,
              guint8      *public_key)
{
  guint8 private_key[TINCAN_NOISE_KEY_SIZE], public[TINCAN_NOISE_KEY_SIZE];

  end->link = tincan_link_new_on_port (port, TINCAN_MODE_RELIABLE);
  end->received = g_ptr_array_new_with_free_func (g_object_unref);
  tincan_link_set_display_name (end->link, name);
  g_signal_connect (end->link, "message-received", G_CALLBACK (on_received_cb), end);

  tincan_noise_generate_keypair (private_key, public);
  tincan_link_set_static_key (end->link, private_key);
  if (public_key != NULL)
    memcpy (public_key, public, sizeof public);

  return end->link;
}

static void
end_free (End *end)
{
  end_close (end);
  g_clear_pointer (&end->received, g_ptr_array_unref);
}

static void
send_text (TincanLink *link,
           const char *text)
{
  g_autoptr(TincanMessage) message = tincan_link_send (link, text, NULL);

  g_assert_nonnull (message);
}

static gboolean
all_encrypted (gpointer data)
{
  End **ends = data;

  for (guint i = 0; ends[i] != NULL; i++)
    if (!tincan_link_get_encrypted (ends[i]->link))
      return FALSE;

  return TRUE;
}

static void
assert_received (End        *end,
                 const char *prefix,
                 guint       n)
{
  wait_received (end, n);
  g_assert_cmpuint (end->received->len, ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%s %u", prefix, i);

      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (end->received, i)), ==, expected);
    }
}

/* Three links on one port, each talking to its own peer, all on
 * 127.0.0.1: the peers differ by port alone, so routing by address needs
 * the port too.  One peer is a link on a shared port of its own, with
 * another link beside it (an address and port is one person: two peers
 * behind one port could not be told apart by their first handshake
 * message).
 */
static void
test_many_peers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanPort) port = tincan_port_new (0, &error);
  g_autoptr(TincanPort) other_port = NULL;
  End a[3] = { 0 }, b[3] = { 0 }, beside = { 0 };
  guint8 a_keys[3][TINCAN_NOISE_KEY_SIZE], b_keys[3][TINCAN_NOISE_KEY_SIZE];
  End *ends[7] = { &a[0], &a[1], &a[2], &b[0], &b[1], &b[2], NULL };
  const char *names[3] = { "Ada", "Grace", "Edsger" };
  guint8 key[TINCAN_NOISE_KEY_SIZE], public[TINCAN_NOISE_KEY_SIZE];

  g_assert_no_error (error);
  g_assert_cmpuint (tincan_port_get_local_port (port), >, 0);
  other_port = tincan_port_new (0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    open_on_port (port, &a[i], "Me", a_keys[i]);
  g_assert_cmpuint (tincan_port_get_n_links (port), ==, 3);

  /* b[0] and b[2] with a port each, made by tincan_link_new(); b[1] on
   * a shared one, beside a link to somebody else.
   */
  for (guint i = 0; i < 3; i += 2)
    {
      end_open (&b[i], 0, names[i]);
      tincan_noise_generate_keypair (key, public);
      tincan_link_set_static_key (b[i].link, key);
      memcpy (b_keys[i], public, sizeof public);
    }
  open_on_port (other_port, &b[1], names[1], b_keys[1]);
  open_on_port (other_port, &beside, "Me", NULL);
  tincan_link_set_peer (beside.link, "127.0.0.2", 9);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (tincan_link_get_local_port (a[i].link), ==, tincan_port_get_local_port (port));
      connect_ends (&a[i], &b[i]);
      connect_ends (&b[i], &a[i]);
    }

  g_assert_true (tincan_test_wait_for (all_encrypted, ends));

  /* Both ways, on every link at once. */
  for (guint n = 0; n < 5; n++)
    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *to_b = g_strdup_printf ("to %s %u", names[i], n);
        g_autofree char *to_a = g_strdup_printf ("from %s %u", names[i], n);

        send_text (a[i].link, to_b);
        send_text (b[i].link, to_a);
      }

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *to_b = g_strdup_printf ("to %s", names[i]);
      g_autofree char *to_a = g_strdup_printf ("from %s", names[i]);

      assert_received (&b[i], to_b, 5);
      assert_received (&a[i], to_a, 5);

      /* Each with the key of its own peer. */
      g_assert_cmpmem (tincan_link_get_peer_key (a[i].link), TINCAN_NOISE_KEY_SIZE,
                       b_keys[i], TINCAN_NOISE_KEY_SIZE);
      g_assert_cmpmem (tincan_link_get_peer_key (b[i].link), TINCAN_NOISE_KEY_SIZE,
                       a_keys[i], TINCAN_NOISE_KEY_SIZE);
      g_assert_cmpstr (tincan_link_get_peer_name (a[i].link), ==, names[i]);
      g_assert_cmpuint (tincan_link_get_stats (a[i].link)->foreign, ==, 0);
    }

  g_assert_cmpuint (tincan_port_get_stats (port)->unknown, ==, 0);

  /* A link gone is off the port; the others go on. */
  end_free (&a[1]);
  g_assert_cmpuint (tincan_port_get_n_links (port), ==, 2);
  send_text (b[2].link, "from Edsger 5");
  assert_received (&a[2], "from Edsger", 6);

  g_assert_cmpuint (tincan_link_get_stats (beside.link)->datagrams_received, ==, 0);

  for (guint i = 0; i < 3; i++)
    {
      end_free (&a[i]);
      end_free (&b[i]);
    }
  end_free (&beside);
}

/* Strangers */

typedef struct
{
  TincanPort *port;
  GPtrArray  *from;        /* GInetSocketAddress */
  End         made;        /* the link made for the first one */
} Strangers;

static void
on_stranger_cb (TincanPort         *port,
                GInetSocketAddress *from,
                Strangers          *strangers)
{
  g_autofree char *host = NULL;

  g_ptr_array_add (strangers->from, g_object_ref (from));

  if (strangers->made.link != NULL)
    return;

  /* What a people hub would do: a link for that address. */
  host = g_inet_address_to_string (g_inet_socket_address_get_address (from));
  open_on_port (port, &strangers->made, "Me", NULL);
  tincan_link_set_peer (strangers->made.link, host, g_inet_socket_address_get_port (from));
}

static void
test_stranger (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanPort) port = tincan_port_new (0, &error);
  g_autoptr(TincanRawPeer) stranger = tincan_raw_peer_new ("127.0.0.2");
  g_autoptr(TincanRawPeer) flooder = tincan_raw_peer_new ("127.0.0.3");
  g_autoptr(GPtrArray) replies = NULL;
  Strangers strangers = { port, g_ptr_array_new_with_free_func (g_object_unref), { 0 } };
  guint16 local_port;
  guint8 init[TINCAN_WIRE_BASE_DATAGRAM];
  gboolean keys = FALSE;
  GInetSocketAddress *from;
  g_autofree char *host = NULL;
  gsize init_length;

  g_assert_no_error (error);
  local_port = tincan_port_get_local_port (port);
  g_signal_connect (port, "stranger", G_CALLBACK (on_stranger_cb), &strangers);

  /* Text from nobody's address: dropped and counted, not signalled. */
  tincan_raw_peer_send (stranger, local_port, (const guint8 *) "let me in\n", 10);
  replies = tincan_raw_peer_collect (stranger, 200);
  g_assert_cmpuint (replies->len, ==, 0);
  g_assert_cmpuint (strangers.from->len, ==, 0);
  g_assert_cmpuint (tincan_port_get_stats (port)->unknown, ==, 1);
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* A first handshake message: the address is signalled, and the link
   * the handler makes starts a handshake of its own with it, which
   * finishes.
   */
  init_length = tincan_raw_peer_make_init (stranger, init);
  tincan_raw_peer_send (stranger, local_port, init, init_length);

  for (guint round = 0; round < 100 && !keys; round++)
    {
      g_autoptr(GPtrArray) datagrams = tincan_raw_peer_collect (stranger, 20);

      for (guint i = 0; i < datagrams->len; i++)
        {
          gsize length;
          const guint8 *data = g_bytes_get_data (g_ptr_array_index (datagrams, i), &length);

          /* Nothing answers the INIT itself: what comes is the new link's. */
          g_assert_cmpuint (data[3], !=, TINCAN_PACKET_HANDSHAKE_REPLY);
          keys |= tincan_raw_peer_answer (stranger, local_port, data, length);
        }
    }

  g_assert_true (keys);
  g_assert_cmpuint (strangers.from->len, ==, 1);
  from = g_ptr_array_index (strangers.from, 0);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (from));
  g_assert_cmpstr (host, ==, "127.0.0.2");
  g_assert_cmpuint (g_inet_socket_address_get_port (from), ==, tincan_raw_peer_get_port (stranger));
  g_assert_cmpuint (tincan_port_get_stats (port)->strangers, ==, 1);
  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) tincan_link_get_encrypted,
                                       strangers.made.link));
  g_assert_cmpmem (tincan_link_get_peer_key (strangers.made.link), TINCAN_NOISE_KEY_SIZE,
                   tincan_raw_peer_get_public_key (stranger), TINCAN_NOISE_KEY_SIZE);

  /* A flood of them: at most 10 a second are signalled. */
  for (guint i = 0; i < 200; i++)
    {
      init_length = tincan_raw_peer_make_init (flooder, init);
      tincan_raw_peer_send (flooder, local_port, init, init_length);
    }
  replies = tincan_raw_peer_collect (flooder, 300);
  g_assert_cmpuint (replies->len, ==, 0);
  g_assert_cmpuint (strangers.from->len, >=, 2);
  g_assert_cmpuint (strangers.from->len, <=, 1 + 10 + 5);
  g_assert_cmpuint (tincan_port_get_stats (port)->strangers_limited, >=, 150);
  g_assert_cmpuint (tincan_port_get_stats (port)->strangers + tincan_port_get_stats (port)->strangers_limited,
                    <=, 201);

  end_free (&strangers.made);
  g_ptr_array_unref (strangers.from);
}

/* A flood from one peer */

#define FLOOD_MAX      2000000
#define FLOOD_SECONDS  6
#define FLOOD_MESSAGES 20

typedef struct
{
  guint16       port;
  guint16       from_port;
  gint          stop;
  gint          done;
  gint          sent;
} Flood;

/* Another thread: the flooder must not wait for the main loop it is
 * flooding.  Garbage and copies of one first handshake message, from the
 * address of a link's peer, as fast as it goes, until told to stop.
 */
static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  g_autoptr(GInetAddress) from = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (from, flood->from_port);
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, flood->port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(TincanRawPeer) raw = tincan_raw_peer_new ("127.0.0.2");
  guint8 init[TINCAN_WIRE_BASE_DATAGRAM];
  gsize init_length = tincan_raw_peer_make_init (raw, init);
  gint64 end = g_get_monotonic_time () + FLOOD_SECONDS * G_USEC_PER_SEC;
  guint8 garbage[100];

  memset (garbage, 'x', sizeof garbage);
  g_assert_true (g_socket_bind (socket, bind_address, FALSE, NULL));

  while (!g_atomic_int_get (&flood->stop) && g_atomic_int_get (&flood->sent) < FLOOD_MAX
         && g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < 64; i++)
        {
          if (i % 8 == 0)
            g_socket_send_to (socket, to, (const char *) init, init_length, NULL, NULL);
          else
            g_socket_send_to (socket, to, (const char *) garbage, sizeof garbage, NULL, NULL);
        }
      g_atomic_int_add (&flood->sent, 64);
    }

  g_atomic_int_set (&flood->done, 1);

  return NULL;
}

static gboolean
flooded_a_while (gpointer data)
{
  Flood *flood = data;

  return g_atomic_int_get (&flood->sent) > 100000 || g_atomic_int_get (&flood->done);
}

static void
test_flood (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanPort) port = tincan_port_new (0, &error);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  Flood flood = { 0 };
  End a = { 0 }, b = { 0 }, flooded = { 0 };
  GThread *thread;
  gint64 start, took;

  g_assert_no_error (error);
  open_on_port (port, &a, "Ada", NULL);
  open_on_port (port, &flooded, "Ada", NULL);
  end_open (&b, 0, "Grace");
  connect_ends (&a, &b);
  connect_ends (&b, &a);
  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) tincan_link_get_encrypted, b.link));

  /* The flooder is the second link's peer: its datagrams are that
   * link's to handle, up to its share.
   */
  flood.from_port = tincan_test_unused_port ();
  tincan_link_set_peer (flooded.link, "127.0.0.2", flood.from_port);
  flood.port = tincan_port_get_local_port (port);
  thread = g_thread_new ("flood", flood_thread, &flood);
  g_assert_true (tincan_test_wait_for (flooded_a_while, &flood));
  g_assert_false (g_atomic_int_get (&flood.done));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < FLOOD_MESSAGES; i++)
    {
      g_autofree char *text = g_strdup_printf ("from Grace %u", i);

      g_ptr_array_add (sent, tincan_link_send (b.link, text, NULL));
    }

  assert_received (&a, "from Grace", FLOOD_MESSAGES);
  took = g_get_monotonic_time () - start;

  /* Delivered while the flood still went on, and promptly. */
  g_assert_false (g_atomic_int_get (&flood.done));
  g_atomic_int_set (&flood.stop, 1);
  g_thread_join (thread);

  g_test_message ("%u messages in %.0f ms under a flood of %d datagrams; "
                  "the port dropped %" G_GUINT64_FORMAT " past the flooded link's share",
                  FLOOD_MESSAGES, took / 1000.0, flood.sent, tincan_port_get_stats (port)->over_share);
  g_assert_cmpint (took, <, 3 * G_USEC_PER_SEC);
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  for (guint i = 0; i < sent->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, i)), ==, TINCAN_MESSAGE_DELIVERED);

  /* The flood reached the flooded link, within its share, and no
   * handshake came of it beyond the rate limit.
   */
  g_assert_cmpuint (tincan_port_get_stats (port)->over_share, >, 0);
  g_assert_cmpuint (tincan_link_get_stats (flooded.link)->not_tincan, >, 0);
  g_assert_cmpuint (tincan_link_get_stats (flooded.link)->handshakes, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->not_tincan, ==, 0);

  end_free (&a);
  end_free (&b);
  end_free (&flooded);
}

/* Roaming */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n)
{
  (*n)++;
}

static void
assert_peer_address (TincanLink *link,
                     const char *host,
                     guint16     port)
{
  g_autoptr(GInetSocketAddress) address = tincan_link_dup_peer_address (link);
  g_autofree char *text = NULL;

  g_assert_nonnull (address);
  text = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  g_assert_cmpstr (text, ==, host);
  g_assert_cmpuint (g_inet_socket_address_get_port (address), ==, port);
}

/* A sealed PING from the raw peer, for sending from anywhere. */
static GBytes *
seal_ping (TincanRawPeer *peer,
           guint64        token)
{
  TincanPacket packet = { 0 };
  guint8 datagram[TINCAN_WIRE_BASE_DATAGRAM];
  gsize length;

  packet.type = TINCAN_PACKET_PING;
  packet.ping.token = token;
  length = tincan_raw_peer_seal (peer, &packet, datagram, sizeof datagram);
  g_assert_cmpuint (length, >, 0);

  return g_bytes_new (datagram, length);
}

static void
send_bytes (TincanRawPeer *from,
            guint16        port,
            GBytes        *bytes)
{
  tincan_raw_peer_send (from, port, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Whether one of @datagrams opens as @peer's PONG to @token. */
static gboolean
has_pong (TincanRawPeer *peer,
          GPtrArray     *datagrams,
          guint64        token)
{
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);

  for (guint i = 0; i < datagrams->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (datagrams, i);
      TincanPacket inner;

      if (tincan_raw_peer_open (peer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                buffer, &inner)
          && inner.type == TINCAN_PACKET_PONG && inner.ping.token == token)
        return TRUE;
    }

  return FALSE;
}

static void
test_roaming (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanPort) port = tincan_port_new (0, &error);
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.2");
  g_autoptr(TincanRawPeer) moved = tincan_raw_peer_new ("127.0.0.3");
  g_autoptr(TincanRawPeer) spoofer = tincan_raw_peer_new ("127.0.0.4");
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) third = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GPtrArray) spoofer_got = NULL;
  End a = { 0 }, other = { 0 };
  const TincanLinkStats *stats;
  guint8 init[TINCAN_WIRE_BASE_DATAGRAM];
  guint16 local_port;
  guint n_notified = 0;
  guint8 *bytes;
  gsize length;

  g_assert_no_error (error);
  local_port = tincan_port_get_local_port (port);
  /* Another link on the port, whose peer is nobody here. */
  open_on_port (port, &other, "Me", NULL);
  tincan_link_set_peer (other.link, "127.0.0.5", 9);
  open_on_port (port, &a, "Me", NULL);
  stats = tincan_link_get_stats (a.link);
  tincan_link_set_peer (a.link, "127.0.0.2", tincan_raw_peer_get_port (peer));
  g_signal_connect (a.link, "notify::peer-address", G_CALLBACK (count_notify_cb), &n_notified);
  g_assert_true (tincan_raw_peer_connect (peer, local_port, 2000));
  assert_peer_address (a.link, "127.0.0.2", tincan_raw_peer_get_port (peer));

  /* From where it is: answered there, nothing moves. */
  first = seal_ping (peer, 1);
  send_bytes (peer, local_port, first);
  got = tincan_raw_peer_collect (peer, 200);
  g_assert_true (has_pong (peer, got, 1));
  g_clear_pointer (&got, g_ptr_array_unref);

  /* A spoofer replays it, tampers with another, and starts a handshake:
   * none of it moves the link, and nothing is sent to the spoofer.
   */
  send_bytes (spoofer, local_port, first);
  second = seal_ping (peer, 2);
  bytes = g_bytes_unref_to_data (g_steal_pointer (&second), &length);
  bytes[length - 1] ^= 1;
  tampered = g_bytes_new_take (bytes, length);
  send_bytes (spoofer, local_port, tampered);
  tincan_raw_peer_send (spoofer, local_port, init, tincan_raw_peer_make_init (spoofer, init));
  spoofer_got = tincan_raw_peer_collect (spoofer, 300);
  g_assert_cmpuint (spoofer_got->len, ==, 0);
  g_assert_cmpuint (stats->replayed, ==, 1);
  g_assert_cmpuint (stats->forged, ==, 1);
  g_assert_cmpuint (stats->roamed, ==, 0);
  g_assert_cmpuint (n_notified, ==, 0);
  assert_peer_address (a.link, "127.0.0.2", tincan_raw_peer_get_port (peer));

  /* The peer itself, from another address: the link follows it. */
  third = seal_ping (peer, 3);
  send_bytes (moved, local_port, third);
  got = tincan_raw_peer_collect (moved, 300);
  g_assert_true (has_pong (peer, got, 3));
  g_clear_pointer (&got, g_ptr_array_unref);
  g_assert_cmpuint (stats->roamed, ==, 1);
  g_assert_cmpuint (n_notified, ==, 1);
  assert_peer_address (a.link, "127.0.0.3", tincan_raw_peer_get_port (moved));

  /* Its packet again, now from the spoofer: a replay, so nothing. */
  send_bytes (spoofer, local_port, third);
  spoofer_got = (g_ptr_array_unref (spoofer_got), tincan_raw_peer_collect (spoofer, 200));
  g_assert_cmpuint (spoofer_got->len, ==, 0);
  g_assert_cmpuint (stats->replayed, ==, 2);
  assert_peer_address (a.link, "127.0.0.3", tincan_raw_peer_get_port (moved));

  /* The old address is still let in, and a packet from it that
   * authenticates takes the link back.
   */
  g_clear_pointer (&first, g_bytes_unref);
  first = seal_ping (peer, 4);
  send_bytes (peer, local_port, first);
  got = tincan_raw_peer_collect (peer, 300);
  g_assert_true (has_pong (peer, got, 4));
  g_assert_cmpuint (stats->roamed, ==, 2);
  assert_peer_address (a.link, "127.0.0.2", tincan_raw_peer_get_port (peer));

  g_assert_cmpuint (tincan_link_get_stats (other.link)->datagrams_received, ==, 0);

  end_free (&a);
  end_free (&other);
}

/* Moving on purpose */

/* The store's exactly-once, across the peer's two runs: by sender and
 * message ID.
 */
static TincanKeepResult
keep_once_cb (TincanLink    *link,
              TincanMessage *message,
              gpointer       user_data)
{
  GHashTable *seen = user_data;
  char *key = g_strdup_printf ("%s/%" G_GUINT64_FORMAT, tincan_message_get_sender (message),
                               tincan_message_get_uid (message));

  if (!g_hash_table_add (seen, key))
    return TINCAN_KEEP_DUPLICATE;

  return TINCAN_KEEP_NEW;
}

static void
open_moving_peer (End          *end,
                  const guint8 *private_key,
                  const guint8 *identity,
                  GHashTable   *seen)
{
  end_open (end, 0, "Grace");
  tincan_link_set_static_key (end->link, private_key);
  tincan_link_set_identity (end->link, identity);
  tincan_link_set_keep_func (end->link, keep_once_cb, seen);
}

static void
test_move (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) new_address = NULL;
  End a = { 0 }, b = { 0 }, b_moved = { 0 };
  guint8 key[TINCAN_NOISE_KEY_SIZE], public[TINCAN_NOISE_KEY_SIZE];
  guint8 identity[TINCAN_WIRE_IDENTITY_SIZE];
  guint n_notified = 0;
  guint16 new_port;

  tincan_noise_generate_keypair (key, public);
  memset (identity, 0x42, sizeof identity);

  end_open (&a, 0, "Ada");
  open_moving_peer (&b, key, identity, seen);
  connect_ends (&a, &b);
  connect_ends (&b, &a);
  g_ptr_array_add (sent, tincan_link_send (a.link, "to Grace 0", NULL));
  wait_received (&b, 1);
  g_assert_true (tincan_test_wait_for (all_finished, sent));

  /* Grace's computer goes; Ada writes on. */
  end_close (&b);
  for (guint i = 1; i < 6; i++)
    {
      g_autofree char *text = g_strdup_printf ("to Grace %u", i);

      g_ptr_array_add (sent, tincan_link_send (a.link, text, NULL));
    }
  tincan_test_run_for (300);
  g_assert_cmpuint (tincan_link_get_n_pending (a.link), ==, 5);

  /* It comes back elsewhere (another port here), the same key and
   * identity, a new run: told so, Ada's link follows it there.
   */
  open_moving_peer (&b_moved, key, identity, seen);
  tincan_link_set_peer (b_moved.link, "127.0.0.1", tincan_link_get_local_port (a.link));
  new_port = tincan_link_get_local_port (b_moved.link);
  new_address = g_inet_socket_address_new (loopback, new_port);
  g_signal_connect (a.link, "notify::peer-address", G_CALLBACK (count_notify_cb), &n_notified);
  tincan_link_move (a.link, G_INET_SOCKET_ADDRESS (new_address));
  g_assert_cmpuint (n_notified, ==, 1);
  assert_peer_address (a.link, "127.0.0.1", new_port);

  g_assert_true (tincan_test_wait_for (all_finished, sent));
  for (guint i = 0; i < sent->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, i)), ==, TINCAN_MESSAGE_DELIVERED);

  /* All of them, once each, in order, and the rest of the link as it was. */
  wait_received (&b_moved, 5);
  tincan_test_run_for (200);
  g_assert_cmpuint (b_moved.received->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *expected = g_strdup_printf ("to Grace %u", i + 1);

      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (b_moved.received, i)), ==, expected);
    }
  g_assert_cmpuint (b.received->len, ==, 1);
  g_assert_cmpmem (tincan_link_get_peer_key (a.link), TINCAN_NOISE_KEY_SIZE, public, TINCAN_NOISE_KEY_SIZE);
  g_assert_cmpstr (tincan_link_get_peer_name (a.link), ==, "Grace");

  end_free (&a);
  end_free (&b);
  end_free (&b_moved);
}

/* The peek func */

typedef struct
{
  guint       seen;
  gboolean    make_link;
  End         made;
} Peeker;

static gboolean
peek_cb (TincanPort           *port,
         const TincanDatagram *datagram,
         gpointer              user_data)
{
  Peeker *peeker = user_data;
  g_autoptr(GInetSocketAddress) from = NULL;
  TincanUdpEndpoint endpoint;
  g_autofree char *host = NULL;

  peeker->seen++;

  if (datagram->length >= 4 && memcmp (datagram->data, "drop", 4) == 0)
    return FALSE;

  g_assert_true (tincan_udp_endpoint_from_sockaddr (&endpoint, datagram->from, datagram->from_length));
  from = tincan_udp_endpoint_to_address (&endpoint);
  g_assert_false (tincan_port_has_link_at (port, from));

  if (!peeker->make_link || peeker->made.link != NULL)
    return TRUE;

  /* What the IP Messenger hub's handler does: a link there, at once. */
  host = g_inet_address_to_string (g_inet_socket_address_get_address (from));
  peeker->made.link = tincan_link_new_on_port (port, TINCAN_MODE_PLAIN);
  g_signal_connect (peeker->made.link, "message-received", G_CALLBACK (on_received_cb), &peeker->made);
  tincan_link_set_peer (peeker->made.link, host, g_inet_socket_address_get_port (from));
  g_assert_true (tincan_port_has_link_at (port, from));

  return TRUE;
}

/* Every datagram is shown to the peek func first: what it drops goes
 * nowhere, and a link it makes for the sender gets the datagram that
 * made it.
 */
static void
test_peek (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanPort) port = tincan_port_new (0, &error);
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.2");
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GInetSocketAddress) elsewhere = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.2");
  Peeker peeker = { 0 };
  guint16 local_port;

  g_assert_no_error (error);
  local_port = tincan_port_get_local_port (port);
  tincan_port_set_peek_func (port, peek_cb, &peeker);

  /* Dropped by the func: the port does not even count it as unknown. */
  tincan_raw_peer_send (peer, local_port, (const guint8 *) "drop me\n", 8);
  replies = tincan_raw_peer_collect (peer, 100);
  g_assert_cmpuint (peeker.seen, ==, 1);
  g_assert_cmpuint (tincan_port_get_stats (port)->unknown, ==, 0);
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* Let through with no link: unknown, as before. */
  tincan_raw_peer_send (peer, local_port, (const guint8 *) "hello\n", 6);
  replies = tincan_raw_peer_collect (peer, 100);
  g_assert_cmpuint (peeker.seen, ==, 2);
  g_assert_cmpuint (tincan_port_get_stats (port)->unknown, ==, 1);
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* The func makes a link: it gets this very datagram. */
  peeker.make_link = TRUE;
  peeker.made.received = g_ptr_array_new_with_free_func (g_object_unref);
  tincan_raw_peer_send (peer, local_port, (const guint8 *) "first words\n", 12);
  g_assert_true (tincan_test_wait_for_length (peeker.made.received, 1));
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (peeker.made.received, 0)), ==,
                   "first words");
  g_assert_cmpuint (peeker.seen, ==, 3);
  g_assert_cmpuint (tincan_port_get_stats (port)->unknown, ==, 1);

  /* Another port of that address is not the link's peer... */
  elsewhere = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (loopback, tincan_raw_peer_get_port (peer) + 1));
  g_assert_true (tincan_port_has_link_at (port, elsewhere) ==
                 (tincan_link_get_mode (peeker.made.link) == TINCAN_MODE_PLAIN));

  /* ...and the link gone, nobody is there. */
  end_close (&peeker.made);
  g_clear_object (&elsewhere);
  elsewhere = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (loopback, tincan_raw_peer_get_port (peer)));
  g_assert_false (tincan_port_has_link_at (port, elsewhere));
  g_clear_pointer (&peeker.made.received, g_ptr_array_unref);
}

/* The IP Messenger hub's port: IPv4 only, and it sends to anyone. */
static void
test_broadcast_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanPort) port = tincan_port_new_broadcast (NULL, 0, &error);
  g_autoptr(TincanRawPeer) peer = tincan_raw_peer_new ("127.0.0.3");
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("127.0.0.3");
  g_autoptr(GInetSocketAddress) destination = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autofree guint8 *big = g_malloc0 (8192);
  gsize length;
  const guint8 *data;

  g_assert_no_error (error);
  g_assert_cmpuint (tincan_port_get_local_port (port), >, 0);
  g_assert_cmpint (g_socket_get_family (tincan_udp_socket_get_gsocket (tincan_port_get_socket (port))), ==,
                   G_SOCKET_FAMILY_IPV4);
  g_assert_true (g_socket_get_broadcast (tincan_udp_socket_get_gsocket (tincan_port_get_socket (port))));

  destination = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, tincan_raw_peer_get_port (peer)));
  g_assert_true (tincan_port_send_to (port, destination, (const guint8 *) "hi", 2, &error));
  g_assert_no_error (error);
  /* An IPMsg datagram bigger than loopback's path would be on Ethernet:
   * IP fragments it.
   */
  g_assert_true (tincan_port_send_to (port, destination, big, 8192, &error));
  g_assert_no_error (error);

  received = tincan_raw_peer_collect (peer, 200);
  g_assert_cmpuint (received->len, ==, 2);
  data = g_bytes_get_data (g_ptr_array_index (received, 0), &length);
  g_assert_cmpmem (data, length, "hi", 2);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (received, 1)), ==, 8192);

  /* Its port in use: a clear error. */
  {
    g_autoptr(TincanPort) again = tincan_port_new_broadcast (NULL, tincan_port_get_local_port (port), &error);

    g_assert_null (again);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/port/many-peers", test_many_peers);
  g_test_add_func ("/port/stranger", test_stranger);
  g_test_add_func ("/port/flood", test_flood);
  g_test_add_func ("/port/roaming", test_roaming);
  g_test_add_func ("/port/move", test_move);
  g_test_add_func ("/port/peek", test_peek);
  g_test_add_func ("/port/broadcast-port", test_broadcast_port);

  return g_test_run ();
}
