/* test-ipmsg-hub.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IP Messenger hub on loopback: hubs on 127.0.0.1 and 127.0.0.2,
 * sharing a port number that is not 2425, and plain sockets as IPMsg
 * peers.  Loopback has no broadcast address, so a hub's "broadcasts" go
 * to the unicast addresses a test names (tincan-ipmsg-private.h), and
 * its local network is a fixed 127.0.0.0/29: 127.0.0.9 plays a computer
 * off the subnet (a spoofed source, as far as the hub can tell).
 */

#include "config.h"

#include <string.h>

#include "tincan-ipmsg-private.h"
#include "tincan-link.h"
#include "tincan-port-private.h"
#include "tincan-test-utils.h"

typedef struct
{
  GSocket      *socket;
  GInetAddress *address;
} Peer;

static Peer *
peer_new (const char *address)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GError) error = NULL;

  peer->address = g_inet_address_new_from_string (address);
  peer->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (peer->socket, FALSE);
  bind_address = g_inet_socket_address_new (peer->address, 0);
  g_assert_true (g_socket_bind (peer->socket, bind_address, FALSE, &error));
  g_assert_no_error (error);

  return peer;
}

static void
peer_free (Peer *peer)
{
  g_clear_object (&peer->socket);
  g_clear_object (&peer->address);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static GInetSocketAddress *
peer_dup_address (Peer *peer)
{
  return G_INET_SOCKET_ADDRESS (g_socket_get_local_address (peer->socket, NULL));
}

static void
peer_send (Peer         *peer,
           const char   *to,
           guint16       port,
           const guint8 *data,
           gsize         length)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (to);
  g_autoptr(GSocketAddress) destination = g_inet_socket_address_new (address, port);

  g_assert_cmpint (g_socket_send_to (peer->socket, destination, (const char *) data, length,
                                     NULL, NULL), ==, length);
}

static void
peer_send_bytes (Peer       *peer,
                 const char *to,
                 guint16     port,
                 GBytes     *datagram)
{
  peer_send (peer, to, port, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram));
}

/* Everything that came within @ms, the main loop running meanwhile. */
static GPtrArray *
peer_collect (Peer  *peer,
              guint  ms)
{
  GPtrArray *datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  guint8 buffer[TINCAN_IPMSG_MAX_DATAGRAM * 2];

  while (g_get_monotonic_time () < end)
    {
      gssize n;

      g_main_context_iteration (NULL, FALSE);
      n = g_socket_receive (peer->socket, (char *) buffer, sizeof buffer, NULL, NULL);
      if (n > 0)
        g_ptr_array_add (datagrams, g_bytes_new (buffer, n));
      else
        g_usleep (1000);
    }

  return datagrams;
}

/* An iptux entry: big enough for Tin Can's answer with everything. */
static GBytes *
make_entry (guint32     command,
            const char *user,
            const char *nickname)
{
  g_autoptr(GByteArray) extra = g_byte_array_new ();
  g_autoptr(GByteArray) extra2 = g_byte_array_new ();
  TincanIpmsgEntry entry = {
    .user = (char *) user,
    .host = (char *) "a-rather-long-host-name-for-an-office-computer.example",
    .nickname = (char *) nickname,
    .group = (char *) "The group with a long name, as offices have",
  };

  g_autoptr(GBytes) ours = NULL;
  g_autoptr(GByteArray) theirs = g_byte_array_new ();
  const char *data;
  gsize length;
  const char *colon;

  tincan_ipmsg_entry_format (&entry, extra, extra2);
  ours = tincan_ipmsg_packet_format (tincan_ipmsg_next_packet_number (), user, entry.host,
                                     command, extra->data, extra->len, extra2->data, extra2->len);

  /* The codec writes Tin Can's version, which the hub does not list. */
  data = g_bytes_get_data (ours, &length);
  colon = memchr (data, ':', length);
  g_assert_nonnull (colon);
  g_byte_array_append (theirs, (const guint8 *) "1_iptux 0.8.3", 13);
  g_byte_array_append (theirs, (const guint8 *) colon, length - (colon - data));

  return g_byte_array_free_to_bytes (g_steal_pointer (&theirs));
}

static void
parse (GBytes            *datagram,
       TincanIpmsgPacket *packet)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (datagram, &length);

  g_assert_cmpint (tincan_ipmsg_packet_parse (data, length, packet), ==, TINCAN_IPMSG_PARSE_OK);
}

static TincanLocalNet *
make_local_net (void)
{
  const TincanLocalInterface interfaces[] = { { "127.0.0.1", 29, NULL } };

  return tincan_local_net_new_for_interfaces (interfaces, G_N_ELEMENTS (interfaces));
}

static TincanIpmsg *
make_hub (const char *address,
          guint16     port,
          GPtrArray  *targets)
{
  g_autoptr(GInetAddress) bind_address = g_inet_address_new_from_string (address);
  g_autoptr(TincanLocalNet) net = make_local_net ();
  g_autoptr(GError) error = NULL;
  TincanIpmsg *hub = tincan_ipmsg_new_full (bind_address, port, net, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hub);
  /* Never the real 255.255.255.255: an empty list sends nothing. */
  if (targets == NULL)
    {
      g_autoptr(GPtrArray) none = g_ptr_array_new ();

      tincan_ipmsg_set_broadcast_targets (hub, none);
    }
  else
    tincan_ipmsg_set_broadcast_targets (hub, targets);

  return hub;
}

typedef struct
{
  GPtrArray *found;      /* TincanIpmsgUser */
  GPtrArray *changed;    /* TincanIpmsgUser */
  GPtrArray *left;       /* GInetSocketAddress */
  GPtrArray *strangers;  /* GInetSocketAddress */
  TincanLink *made;
} Signals;

static void
on_user_cb (TincanIpmsg     *hub,
            TincanIpmsgUser *user,
            GPtrArray       *array)
{
  g_ptr_array_add (array, tincan_ipmsg_user_copy (user));
}

static void
on_address_cb (TincanIpmsg        *hub,
               GInetSocketAddress *address,
               GPtrArray          *array)
{
  g_ptr_array_add (array, g_object_ref (address));
}

static void
signals_connect (Signals     *signals,
                 TincanIpmsg *hub)
{
  signals->found = g_ptr_array_new_with_free_func ((GDestroyNotify) tincan_ipmsg_user_free);
  signals->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) tincan_ipmsg_user_free);
  signals->left = g_ptr_array_new_with_free_func (g_object_unref);
  signals->strangers = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (hub, "user-found", G_CALLBACK (on_user_cb), signals->found);
  g_signal_connect (hub, "user-changed", G_CALLBACK (on_user_cb), signals->changed);
  g_signal_connect (hub, "user-left", G_CALLBACK (on_address_cb), signals->left);
  g_signal_connect (hub, "stranger-message", G_CALLBACK (on_address_cb), signals->strangers);
}

static void
signals_clear (Signals *signals)
{
  g_clear_pointer (&signals->found, g_ptr_array_unref);
  g_clear_pointer (&signals->changed, g_ptr_array_unref);
  g_clear_pointer (&signals->left, g_ptr_array_unref);
  g_clear_pointer (&signals->strangers, g_ptr_array_unref);
  g_clear_object (&signals->made);
}

/* A BR_ENTRY is answered with an ANSENTRY no bigger than it, and its
 * sender listed; a tiny one is not answered (and counted); BR_EXIT takes
 * the user off the list.
 */
static void
test_entry (void)
{
  guint16 port = tincan_test_unused_port ();
  g_autoptr(TincanIpmsg) hub = make_hub ("127.0.0.1", port, NULL);
  g_autoptr(Peer) peer = peer_new ("127.0.0.3");
  g_autoptr(Peer) tiny = peer_new ("127.0.0.4");
  g_autoptr(GBytes) entry = make_entry (TINCAN_IPMSG_BR_ENTRY, "bob", "Bob");
  g_autoptr(GBytes) exit = make_entry (TINCAN_IPMSG_BR_EXIT, "bob", "Bob");
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GInetSocketAddress) peer_address = peer_dup_address (peer);
  TincanIpmsgPacket packet = { 0 };
  TincanIpmsgEntry names = { 0 };
  Signals signals = { 0 };
  const TincanIpmsgUser *user;
  const guint8 small[] = "1:1:a:b:1:";

  signals_connect (&signals, hub);
  tincan_ipmsg_set_nickname (hub, "Ada");
  tincan_ipmsg_start (hub);

  peer_send_bytes (peer, "127.0.0.1", port, entry);
  received = peer_collect (peer, 300);
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (received, 0)), <=, g_bytes_get_size (entry));
  parse (g_ptr_array_index (received, 0), &packet);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_ANSENTRY);
  g_assert_true (packet.command & TINCAN_IPMSG_CAPUTF8OPT);
  g_assert_true (g_str_has_prefix (packet.version, "1_tincan "));
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &names));
  g_assert_cmpstr (names.nickname, ==, "Ada");
  g_assert_cmpstr (names.user, ==, g_get_user_name ());
  tincan_ipmsg_entry_clear (&names);
  tincan_ipmsg_packet_clear (&packet);
  g_assert_cmpuint (tincan_ipmsg_get_stats (hub)->entries_answered, ==, 1);

  /* Listed. */
  g_assert_cmpuint (signals.found->len, ==, 1);
  g_assert_cmpuint (tincan_ipmsg_list_users (hub)->len, ==, 1);
  user = g_ptr_array_index (tincan_ipmsg_list_users (hub), 0);
  g_assert_cmpstr (user->name, ==, "Bob");
  g_assert_cmpstr (user->user, ==, "bob");
  g_assert_cmpstr (user->version, ==, "1_iptux 0.8.3");
  g_assert_cmpuint (g_inet_socket_address_get_port (user->address), ==,
                    g_inet_socket_address_get_port (peer_address));
  g_clear_pointer (&received, g_ptr_array_unref);

  /* Too small for even the shortest answer: none, counted. */
  peer_send (tiny, "127.0.0.1", port, small, sizeof small - 1);
  received = peer_collect (tiny, 300);
  g_assert_cmpuint (received->len, ==, 0);
  g_assert_cmpuint (tincan_ipmsg_get_stats (hub)->answers_too_big, ==, 1);
  g_assert_cmpuint (tincan_ipmsg_get_stats (hub)->entries_answered, ==, 1);
  g_assert_cmpuint (tincan_ipmsg_list_users (hub)->len, ==, 2);
  user = g_ptr_array_index (tincan_ipmsg_list_users (hub), 0);
  g_assert_cmpstr (user->name, ==, "a@b");
  g_clear_pointer (&received, g_ptr_array_unref);

  /* BR_EXIT: gone. */
  peer_send_bytes (peer, "127.0.0.1", port, exit);
  g_assert_true (tincan_test_wait_for_length (signals.left, 1));
  g_assert_true (g_inet_socket_address_get_port (g_ptr_array_index (signals.left, 0))
                 == g_inet_socket_address_get_port (peer_address));
  g_assert_cmpuint (tincan_ipmsg_list_users (hub)->len, ==, 1);
  received = peer_collect (peer, 100);
  g_assert_cmpuint (received->len, ==, 0);

  signals_clear (&signals);
}

/* An iptux datagram by hand, its extra @nickname (or a message's text),
 * its extra2 @padding bytes long.
 */
static GBytes *
make_iptux_entry (guint32     command,
                  const char *nickname,
                  gsize       padding)
{
  g_autofree char *pad = g_strnfill (padding, 'g');
  g_autofree char *text = g_strdup_printf ("1_iptux 0.8.3:%u:carol:desk:%u:%s%c%s%c",
                                           tincan_ipmsg_next_packet_number (), command,
                                           nickname, 0, pad, 0);
  gsize length = strlen (text);

  /* The two NULs and what follows them. */
  length += 1 + strlen (text + length + 1) + 1;

  return g_bytes_new (text, length);
}

/* A flood of BR_ENTRY from one address is answered at most once a
 * second; 1,000 malformed datagrams change nothing.
 */
static void
test_flood (void)
{
  guint16 port = tincan_test_unused_port ();
  g_autoptr(TincanIpmsg) hub = make_hub ("127.0.0.1", port, NULL);
  g_autoptr(Peer) flooder = peer_new ("127.0.0.5");
  g_autoptr(Peer) garbage = peer_new ("127.0.0.6");
  g_autoptr(GBytes) entry = make_iptux_entry (TINCAN_IPMSG_BR_ENTRY, "Carol", 300);
  g_autoptr(GPtrArray) received = NULL;
  const TincanIpmsgStats *stats = tincan_ipmsg_get_stats (hub);
  Signals signals = { 0 };
  gint64 start;
  double seconds;

  signals_connect (&signals, hub);
  tincan_ipmsg_start (hub);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 1000; i++)
    {
      peer_send_bytes (flooder, "127.0.0.1", port, entry);
      if (i % 50 == 49)
        g_main_context_iteration (NULL, FALSE);
    }
  received = peer_collect (flooder, 500);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_assert_cmpuint (received->len, >=, 1);
  g_assert_cmpuint (received->len, <=, 1 + (guint) seconds);
  for (guint i = 0; i < received->len; i++)
    g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (received, i)), <=, g_bytes_get_size (entry));
  g_assert_cmpuint (stats->entries_answered, ==, received->len);
  /* The socket's buffer may have dropped some: what came is counted. */
  g_assert_cmpuint (stats->answers_limited + stats->entries_answered, ==, stats->datagrams);
  g_assert_cmpuint (stats->datagrams, >=, 500);
  g_assert_cmpuint (signals.found->len, ==, 1);
  g_assert_cmpuint (signals.changed->len, ==, 0);
  g_assert_cmpstr (((TincanIpmsgUser *) g_ptr_array_index (tincan_ipmsg_list_users (hub), 0))->name, ==,
                   "Carol");
  g_clear_pointer (&received, g_ptr_array_unref);

  /* Garbage: counted and dropped, never answered or listed. */
  {
    guint64 before = stats->datagrams;
    GRand *rand = g_rand_new_with_seed (15);

    for (guint i = 0; i < 1000; i++)
      {
        guint8 data[512];
        gsize length = 1 + g_rand_int_range (rand, 0, sizeof data);

        for (gsize j = 0; j < length; j++)
          data[j] = g_rand_int_range (rand, 0, 256);
        /* Some that look like a header, to the first colon or two. */
        if (i % 3 == 0)
          memcpy (data, "1:", MIN (length, 2));
        if (i % 5 == 0 && length > 8)
          memcpy (data, "1:x:y:z:", 8);
        peer_send (garbage, "127.0.0.1", port, data, length);
        if (i % 50 == 49)
          g_main_context_iteration (NULL, FALSE);
      }
    g_rand_free (rand);

    received = peer_collect (garbage, 500);
    g_assert_cmpuint (received->len, ==, 0);
    g_assert_cmpuint (stats->datagrams - before, >=, 500);
    g_assert_cmpuint (stats->malformed, ==, stats->datagrams - before);
    g_assert_cmpuint (tincan_ipmsg_list_users (hub)->len, ==, 1);
    g_assert_cmpuint (signals.found->len, ==, 1);
    g_assert_cmpuint (signals.strangers->len, ==, 0);
  }

  signals_clear (&signals);
}

/* From off the subnet: no answer, no user, no stranger. */
static void
test_off_subnet (void)
{
  guint16 port = tincan_test_unused_port ();
  g_autoptr(TincanIpmsg) hub = make_hub ("127.0.0.1", port, NULL);
  g_autoptr(Peer) far = peer_new ("127.0.0.9");
  g_autoptr(GBytes) entry = make_iptux_entry (TINCAN_IPMSG_BR_ENTRY, "Mallory", 300);
  g_autoptr(GBytes) message = make_iptux_entry (TINCAN_IPMSG_SENDMSG | TINCAN_IPMSG_SENDCHECKOPT,
                                                "hello", 0);
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GInetAddress) far_address = g_inet_address_new_from_string ("127.0.0.9");
  g_autoptr(GInetAddress) near_address = g_inet_address_new_from_string ("127.0.0.6");
  g_autoptr(GInetAddress) subnet_end = g_inet_address_new_from_string ("127.0.0.7");
  Signals signals = { 0 };

  signals_connect (&signals, hub);
  tincan_ipmsg_start (hub);

  g_assert_false (tincan_ipmsg_is_local (hub, far_address));
  g_assert_false (tincan_ipmsg_is_local (hub, subnet_end));
  g_assert_true (tincan_ipmsg_is_local (hub, near_address));

  for (guint i = 0; i < 20; i++)
    {
      peer_send_bytes (far, "127.0.0.1", port, entry);
      peer_send_bytes (far, "127.0.0.1", port, message);
    }
  received = peer_collect (far, 400);
  g_assert_cmpuint (received->len, ==, 0);
  g_assert_cmpuint (tincan_ipmsg_get_stats (hub)->off_subnet, ==, 40);
  g_assert_cmpuint (tincan_ipmsg_get_stats (hub)->entries_answered, ==, 0);
  g_assert_cmpuint (tincan_ipmsg_list_users (hub)->len, ==, 0);
  g_assert_cmpuint (signals.found->len, ==, 0);
  g_assert_cmpuint (signals.strangers->len, ==, 0);

  signals_clear (&signals);
}

/* Broadcasts: BR_ENTRY at start, BR_ABSENCE on a new nickname, BR_EXIT
 * at stop.  A second Tin Can's hub hears them and neither lists nor
 * answers them: Tin Cans find each other by their own discovery.
 */
static void
test_broadcasts (void)
{
  guint16 port = tincan_test_unused_port ();
  g_autoptr(Peer) listener = peer_new ("127.0.0.3");
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) other = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(TincanIpmsg) hub = NULL;
  g_autoptr(TincanIpmsg) second = NULL;
  g_autoptr(GPtrArray) received = NULL;
  TincanIpmsgPacket packet = { 0 };
  TincanIpmsgEntry names = { 0 };
  Signals signals = { 0 };

  g_ptr_array_add (targets, peer_dup_address (listener));
  g_ptr_array_add (targets, g_inet_socket_address_new (other, port));
  hub = make_hub ("127.0.0.1", port, targets);
  second = make_hub ("127.0.0.2", port, NULL);
  signals_connect (&signals, second);
  tincan_ipmsg_start (second);

  /* Not started: silent. */
  tincan_ipmsg_set_nickname (hub, "Ada");
  received = peer_collect (listener, 100);
  g_assert_cmpuint (received->len, ==, 0);
  g_clear_pointer (&received, g_ptr_array_unref);

  tincan_ipmsg_start (hub);
  received = peer_collect (listener, 300);
  g_assert_cmpuint (received->len, ==, 1);
  parse (g_ptr_array_index (received, 0), &packet);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_BR_ENTRY);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &names));
  g_assert_cmpstr (names.nickname, ==, "Ada");
  g_assert_cmpstr (names.group, ==, "");
  tincan_ipmsg_entry_clear (&names);
  tincan_ipmsg_packet_clear (&packet);
  g_clear_pointer (&received, g_ptr_array_unref);

  /* Asked again at once: at most once a second. */
  tincan_ipmsg_refresh (hub);
  received = peer_collect (listener, 300);
  g_assert_cmpuint (received->len, ==, 0);
  g_clear_pointer (&received, g_ptr_array_unref);
  received = peer_collect (listener, 1000);
  g_assert_cmpuint (received->len, ==, 1);
  g_clear_pointer (&received, g_ptr_array_unref);

  tincan_ipmsg_set_nickname (hub, "Grace");
  received = peer_collect (listener, 300);
  g_assert_cmpuint (received->len, ==, 1);
  parse (g_ptr_array_index (received, 0), &packet);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_BR_ABSENCE);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &names));
  g_assert_cmpstr (names.nickname, ==, "Grace");
  tincan_ipmsg_entry_clear (&names);
  tincan_ipmsg_packet_clear (&packet);
  g_clear_pointer (&received, g_ptr_array_unref);

  tincan_ipmsg_stop (hub);
  received = peer_collect (listener, 300);
  g_assert_cmpuint (received->len, ==, 1);
  parse (g_ptr_array_index (received, 0), &packet);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_BR_EXIT);
  tincan_ipmsg_packet_clear (&packet);

  /* The other Tin Can heard all four, and took none for a user. */
  g_assert_cmpuint (tincan_ipmsg_get_stats (second)->datagrams, ==, 4);
  g_assert_cmpuint (tincan_ipmsg_get_stats (second)->malformed, ==, 0);
  g_assert_cmpuint (tincan_ipmsg_get_stats (second)->entries_answered, ==, 0);
  g_assert_cmpuint (tincan_ipmsg_list_users (second)->len, ==, 0);
  g_assert_cmpuint (signals.found->len, ==, 0);

  signals_clear (&signals);
}

static void
on_stranger_make_link_cb (TincanIpmsg        *hub,
                          GInetSocketAddress *address,
                          Signals            *signals)
{
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (address));

  g_ptr_array_add (signals->strangers, g_object_ref (address));
  if (signals->made != NULL)
    return;

  /* Any link will do here: the port routes to it from now on. */
  signals->made = tincan_link_new_on_port (tincan_ipmsg_get_port (hub), TINCAN_MODE_PLAIN);
  tincan_link_set_peer (signals->made, host, g_inet_socket_address_get_port (address));
}

/* A SENDMSG from a stranger: signalled, and a link made by the handler
 * has it; from then on the link's address is nobody's business here.
 */
static void
test_stranger_message (void)
{
  guint16 port = tincan_test_unused_port ();
  g_autoptr(TincanIpmsg) hub = make_hub ("127.0.0.1", port, NULL);
  g_autoptr(Peer) peer = peer_new ("127.0.0.4");
  g_autoptr(GBytes) message = make_iptux_entry (TINCAN_IPMSG_SENDMSG, "hello", 0);
  g_autoptr(GBytes) entry = make_iptux_entry (TINCAN_IPMSG_BR_ENTRY, "Dave", 300);
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GInetSocketAddress) peer_address = peer_dup_address (peer);
  Signals signals = { 0 };

  signals.strangers = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (hub, "stranger-message", G_CALLBACK (on_stranger_make_link_cb), &signals);
  tincan_ipmsg_start (hub);

  peer_send_bytes (peer, "127.0.0.1", port, message);
  g_assert_true (tincan_test_wait_for_length (signals.strangers, 1));
  g_assert_nonnull (signals.made);
  g_assert_true (tincan_port_has_link_at (tincan_ipmsg_get_port (hub), peer_address));
  for (guint i = 0; i < 100 && tincan_link_get_stats (signals.made)->datagrams_received == 0; i++)
    tincan_test_run_for (10);
  g_assert_cmpuint (tincan_link_get_stats (signals.made)->datagrams_received, ==, 1);

  /* The link's now: no more signals, and its BR_ENTRY is its to answer. */
  peer_send_bytes (peer, "127.0.0.1", port, message);
  peer_send_bytes (peer, "127.0.0.1", port, entry);
  received = peer_collect (peer, 300);
  g_assert_cmpuint (signals.strangers->len, ==, 1);
  g_assert_cmpuint (tincan_ipmsg_get_stats (hub)->entries_answered, ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (signals.made)->datagrams_received, ==, 3);

  /* Another Tin Can's message (tincan-cli --ipmsg) is a message too,
   * though its entries are not an IPMsg user's.
   */
  {
    g_autoptr(Peer) tincan = peer_new ("127.0.0.5");
    g_autoptr(GBytes) theirs = tincan_ipmsg_packet_format (tincan_ipmsg_next_packet_number (),
                                                           "eve", "lab", TINCAN_IPMSG_SENDMSG,
                                                           (const guint8 *) "hi", 2, NULL, 0);

    peer_send_bytes (tincan, "127.0.0.1", port, theirs);
    g_assert_true (tincan_test_wait_for_length (signals.strangers, 2));
  }

  signals_clear (&signals);
}

/* The real port: a clear error when another IPMsg program has it. */
static void
test_port_in_use (void)
{
  guint16 port = tincan_test_unused_port ();
  g_autoptr(TincanIpmsg) first = make_hub ("127.0.0.1", port, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanIpmsg) second = tincan_ipmsg_new_full (address, port, NULL, &error);
  g_autofree char *expected = g_strdup_printf ("UDP port %u is in use by another program, "
                                               "such as iptux or IP Messenger", port);

  g_assert_null (second);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_cmpstr (error->message, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ipmsg-hub/entry", test_entry);
  g_test_add_func ("/ipmsg-hub/flood", test_flood);
  g_test_add_func ("/ipmsg-hub/off-subnet", test_off_subnet);
  g_test_add_func ("/ipmsg-hub/broadcasts", test_broadcasts);
  g_test_add_func ("/ipmsg-hub/stranger-message", test_stranger_message);
  g_test_add_func ("/ipmsg-hub/port-in-use", test_port_in_use);

  return g_test_run ();
}
