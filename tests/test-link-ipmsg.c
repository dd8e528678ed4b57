/* test-link-ipmsg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanLink in IP Messenger mode, on loopback: two links, each on its
 * own port at 127.0.0.1 (an IP Messenger link knows its peer by address
 * alone), and plain sockets at 127.0.0.2 and 127.0.0.3 standing in for
 * odd peers: one that never answers, one that sends CP932 and repeats
 * itself, one that acknowledges the wrong number, one that leaves, one
 * that sends garbage.  Every wait is bounded.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tincan-files.h"
#include "tincan-ipmsg-packet.h"
#include "tincan-ipmsg-sender.h"
#include "tincan-link-private.h"
#include "tincan-test-utils.h"

typedef struct
{
  TincanLink *link;
  GPtrArray  *received;   /* TincanMessage */
  guint       ignored;
} End;

/* A socket at 127.0.0.2 (or .3) that speaks IP Messenger by hand. */
typedef struct
{
  GSocket *socket;
  guint16  port;
} Raw;

typedef struct
{
  GBytes *bytes;
  gint64  time;
  TincanIpmsgPacket packet;
} Heard;

static void
on_received_cb (TincanLink    *link,
                TincanMessage *message,
                End           *end)
{
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_RECEIVED);
  g_ptr_array_add (end->received, g_object_ref (message));
}

static void
on_ignored_cb (TincanLink          *link,
               TincanIgnoredReason  reason,
               guint                length,
               End                 *end)
{
  end->ignored++;
}

static void
end_open (End        *end,
          const char *name)
{
  g_autoptr(GError) error = NULL;

  end->link = tincan_link_new (0, TINCAN_MODE_IPMSG, &error);
  g_assert_no_error (error);
  end->received = g_ptr_array_new_with_free_func (g_object_unref);
  tincan_link_set_display_name (end->link, name);
  g_signal_connect (end->link, "message-received", G_CALLBACK (on_received_cb), end);
  g_signal_connect (end->link, "datagram-ignored", G_CALLBACK (on_ignored_cb), end);
}

static void
end_close (End *end)
{
  g_assert_finalize_object (g_steal_pointer (&end->link));
  g_clear_pointer (&end->received, g_ptr_array_unref);
}

static void
raw_open (Raw        *raw,
          const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) local = NULL;

  raw->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (raw->socket, bind_address, FALSE, &error));
  g_socket_set_blocking (raw->socket, FALSE);
  local = g_socket_get_local_address (raw->socket, &error);
  g_assert_no_error (error);
  raw->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

static void
raw_close (Raw *raw)
{
  g_clear_object (&raw->socket);
}

static void
raw_send (Raw          *raw,
          TincanLink   *link,
          const guint8 *datagram,
          gsize         length)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, tincan_link_get_local_port (link));

  g_assert_cmpint (g_socket_send_to (raw->socket, address, (const char *) datagram, length, NULL, NULL),
                   ==, (gssize) length);
}

static void
raw_send_text (Raw        *raw,
               TincanLink *link,
               const char *datagram)
{
  raw_send (raw, link, (const guint8 *) datagram, strlen (datagram) + 1);
}

static void
heard_free (Heard *heard)
{
  g_bytes_unref (heard->bytes);
  tincan_ipmsg_packet_clear (&heard->packet);
  g_free (heard);
}

/* What the raw socket gets within @ms (the main loop running), each
 * parsed (it must parse), with when it came.  Stops early once @stop
 * datagrams of @command came, if @stop.
 */
static GPtrArray *
raw_collect (Raw     *raw,
             guint    ms,
             guint32  command,
             guint    stop)
{
  GPtrArray *heard = g_ptr_array_new_with_free_func ((GDestroyNotify) heard_free);
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  g_autofree guint8 *buffer = g_malloc (65536);
  guint n = 0;

  while (g_get_monotonic_time () < end && (stop == 0 || n < stop))
    {
      gssize length;

      g_main_context_iteration (NULL, FALSE);
      length = g_socket_receive (raw->socket, (char *) buffer, 65536, NULL, NULL);
      if (length > 0)
        {
          Heard *one = g_new0 (Heard, 1);

          one->bytes = g_bytes_new (buffer, length);
          one->time = g_get_monotonic_time ();
          g_assert_cmpint (length, <=, TINCAN_IPMSG_MAX_DATAGRAM);
          g_assert_cmpint (tincan_ipmsg_packet_parse (buffer, length, &one->packet), ==, TINCAN_IPMSG_PARSE_OK);
          g_assert_true (g_str_has_prefix (one->packet.version, TINCAN_IPMSG_VERSION_PREFIX " "));
          if ((one->packet.command & TINCAN_IPMSG_COMMAND_MASK) == command)
            n++;
          g_ptr_array_add (heard, one);
        }
      else
        g_usleep (1000);
    }

  return heard;
}

/* The datagrams of @command among @heard, in order. */
static GPtrArray *
only (GPtrArray *heard,
      guint32    command)
{
  GPtrArray *some = g_ptr_array_new ();

  for (guint i = 0; i < heard->len; i++)
    {
      Heard *one = g_ptr_array_index (heard, i);

      if ((one->packet.command & TINCAN_IPMSG_COMMAND_MASK) == command)
        g_ptr_array_add (some, one);
    }

  return some;
}

static void
set_peer_raw (TincanLink *link,
              Raw        *raw,
              const char *address)
{
  tincan_link_set_peer (link, address, raw->port);
}

static gboolean
state_is (TincanMessage      *message,
          TincanMessageState  state)
{
  return tincan_message_get_state (message) == state;
}

static gboolean
delivered (gpointer data)
{
  return state_is (data, TINCAN_MESSAGE_DELIVERED);
}

static gboolean
failed (gpointer data)
{
  return state_is (data, TINCAN_MESSAGE_FAILED);
}

static char *
extra_text (const Heard *one)
{
  gsize length;
  const char *extra = g_bytes_get_data (one->packet.extra, &length);

  return g_strndup (extra, length);
}

/* Two links on loopback */

typedef struct
{
  End a;
  End b;
} Pair;

static void
pair_open (Pair *pair)
{
  end_open (&pair->a, "Ada");
  end_open (&pair->b, "Grace");
  tincan_link_set_peer (pair->a.link, "127.0.0.1", tincan_link_get_local_port (pair->b.link));
  tincan_link_set_peer (pair->b.link, "127.0.0.1", tincan_link_get_local_port (pair->a.link));
}

static void
pair_close (Pair *pair)
{
  end_close (&pair->a);
  end_close (&pair->b);
}

static gboolean
both_online (gpointer data)
{
  Pair *pair = data;

  return tincan_link_get_presence (pair->a.link) == TINCAN_PRESENCE_ONLINE
         && tincan_link_get_presence (pair->b.link) == TINCAN_PRESENCE_ONLINE;
}

static void
test_both_ways (void)
{
  Pair pair = { 0 };
  g_autoptr(TincanMessage) hello = NULL;
  g_autoptr(TincanMessage) answer = NULL;
  g_autoptr(GBytes) record = g_bytes_new_static ("\0\1record", 8);
  TincanMessage *got;

  pair_open (&pair);
  g_assert_cmpint (tincan_link_get_mode (pair.a.link), ==, TINCAN_MODE_IPMSG);

  /* The BR_ENTRY each sent at start: presence and names. */
  g_assert_true (tincan_test_wait_for (both_online, &pair));
  g_assert_cmpstr (tincan_link_get_peer_name (pair.a.link), ==, "Grace");
  g_assert_cmpstr (tincan_link_get_peer_name (pair.b.link), ==, "Ada");
  g_assert_false (tincan_link_get_encrypted (pair.a.link));
  g_assert_false (tincan_link_get_peer_takes_records (pair.a.link));
  g_assert_null (tincan_link_send_record (pair.a.link, record));

  hello = tincan_link_send (pair.a.link, "hello", NULL);
  answer = tincan_link_send (pair.b.link, "ça va ? 日本語 😀\nline two", NULL);
  g_assert_cmpuint (tincan_message_get_n_parts (hello), ==, 1);
  g_assert_false (tincan_message_get_plain (hello));
  g_assert_true (tincan_test_wait_for (delivered, hello));
  g_assert_true (tincan_test_wait_for (delivered, answer));

  g_assert_true (tincan_test_wait_for_length (pair.b.received, 1));
  g_assert_true (tincan_test_wait_for_length (pair.a.received, 1));
  got = g_ptr_array_index (pair.b.received, 0);
  g_assert_cmpstr (tincan_message_get_text (got), ==, "hello");
  g_assert_true (tincan_message_get_plain (got));
  g_assert_true (g_str_has_prefix (tincan_message_get_id (got), "ipmsg-"));
  got = g_ptr_array_index (pair.a.received, 0);
  g_assert_cmpstr (tincan_message_get_text (got), ==, "ça va ? 日本語 😀\nline two");

  /* More than one: each with its own ID. */
  {
    g_autoptr(TincanMessage) again = tincan_link_send (pair.a.link, "hello", NULL);

    g_assert_true (tincan_test_wait_for (delivered, again));
    g_assert_true (tincan_test_wait_for_length (pair.b.received, 2));
    g_assert_cmpstr (tincan_message_get_id (g_ptr_array_index (pair.b.received, 0)), !=,
                     tincan_message_get_id (g_ptr_array_index (pair.b.received, 1)));
  }

  g_assert_cmpuint (tincan_link_get_n_pending (pair.a.link), ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (pair.a.link)->malformed, ==, 0);
  pair_close (&pair);
}

typedef struct
{
  guint sendmsg;
  gsize largest;
} Count;

static gboolean
count_filter (TincanLink   *link,
              const guint8 *datagram,
              gsize         length,
              gpointer      user_data)
{
  Count *count = user_data;
  TincanIpmsgPacket packet;

  g_assert_cmpint (tincan_ipmsg_packet_parse (datagram, length, &packet), ==, TINCAN_IPMSG_PARSE_OK);
  if ((packet.command & TINCAN_IPMSG_COMMAND_MASK) == TINCAN_IPMSG_SENDMSG)
    {
      count->sendmsg++;
      count->largest = MAX (count->largest, g_bytes_get_size (packet.extra));
      g_assert_true (g_utf8_validate (g_bytes_get_data (packet.extra, NULL), g_bytes_get_size (packet.extra), NULL));
    }
  tincan_ipmsg_packet_clear (&packet);

  return TRUE;
}

static void
test_long (void)
{
  Pair pair = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(TincanMessage) message = NULL;
  Count count = { 0 };

  pair_open (&pair);
  tincan_link_set_filter (pair.a.link, count_filter, &count);

  /* 12,000 characters of two bytes: three parts of 8,000 bytes. */
  for (guint i = 0; i < 12000; i++)
    g_string_append (text, i % 100 == 99 ? "\n" : (i % 2 ? "é" : "ü"));
  message = tincan_link_send (pair.a.link, text->str, NULL);
  g_assert_cmpuint (tincan_message_get_n_parts (message), ==, 3);

  g_assert_true (tincan_test_wait_for (delivered, message));
  g_assert_true (tincan_test_wait_for_length (pair.b.received, 3));
  tincan_test_run_for (200);
  g_assert_cmpuint (pair.b.received->len, ==, 3);

  /* In order, and whole once joined. */
  {
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; i < 3; i++)
      g_string_append (joined, tincan_message_get_text (g_ptr_array_index (pair.b.received, i)));
    g_assert_cmpstr (joined->str, ==, text->str);
  }

  g_assert_cmpuint (count.sendmsg, ==, 3);
  g_assert_cmpuint (count.largest, <=, TINCAN_IPMSG_MAX_PART);
  pair_close (&pair);
}

static void
test_no_answer (void)
{
  End end = { 0 };
  Raw raw = { 0 };
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(TincanMessage) behind = NULL;
  g_autoptr(GPtrArray) heard = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  guint32 number;
  Heard *first;

  end_open (&end, "Ada");
  raw_open (&raw, "127.0.0.2");
  set_peer_raw (end.link, &raw, "127.0.0.2");
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_UNKNOWN);

  message = tincan_link_send (end.link, "anyone?", NULL);
  behind = tincan_link_send (end.link, "still there?", NULL);
  heard = raw_collect (&raw, 7000, TINCAN_IPMSG_SENDMSG, 0);

  /* The BR_ENTRY at start, then five tries a second apart with one
   * number, and nothing of the message behind.
   */
  first = g_ptr_array_index (heard, 0);
  g_assert_cmpuint (first->packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_BR_ENTRY);
  g_assert_true (first->packet.command & TINCAN_IPMSG_CAPUTF8OPT);
  sends = only (heard, TINCAN_IPMSG_SENDMSG);
  g_assert_cmpuint (sends->len, ==, TINCAN_IPMSG_TRIES);
  number = ((Heard *) g_ptr_array_index (sends, 0))->packet.packet_number;
  for (guint i = 0; i < sends->len; i++)
    {
      Heard *one = g_ptr_array_index (sends, i);
      g_autofree char *text = extra_text (one);

      g_assert_cmpuint (one->packet.packet_number, ==, number);
      g_assert_cmpstr (text, ==, "anyone?");
      g_assert_true (one->packet.command & TINCAN_IPMSG_SENDCHECKOPT);
      g_assert_true (one->packet.command & TINCAN_IPMSG_UTF8OPT);
      if (i > 0)
        {
          gint64 gap = one->time - ((Heard *) g_ptr_array_index (sends, i - 1))->time;

          g_assert_cmpint (gap, >=, 900 * G_TIME_SPAN_MILLISECOND);
          g_assert_cmpint (gap, <=, 1500 * G_TIME_SPAN_MILLISECOND);
        }
    }

  g_assert_true (tincan_test_wait_for (failed, message));
  g_assert_true (strstr (tincan_message_get_failure_reason (message), "did not answer") != NULL);
  g_assert_true (failed (behind));
  g_assert_cmpstr (tincan_message_get_failure_reason (behind), ==, tincan_message_get_failure_reason (message));
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_OFFLINE);
  g_assert_cmpuint (tincan_link_get_stats (end.link)->retransmissions, ==, TINCAN_IPMSG_TRIES - 1);

  /* Retry: a new number, and this time an answer. */
  g_assert_true (tincan_link_retry (end.link, message, &error));
  g_assert_no_error (error);
  again = raw_collect (&raw, 2000, TINCAN_IPMSG_SENDMSG, 1);
  g_clear_pointer (&sends, g_ptr_array_unref);
  sends = only (again, TINCAN_IPMSG_SENDMSG);
  g_assert_cmpuint (sends->len, ==, 1);
  first = g_ptr_array_index (sends, 0);
  g_assert_cmpuint (first->packet.packet_number, >, number);
  {
    g_autofree char *recvmsg = g_strdup_printf ("1:3:raw:box:33:%u", first->packet.packet_number);

    raw_send_text (&raw, end.link, recvmsg);
  }
  g_assert_true (tincan_test_wait_for (delivered, message));
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_ONLINE);

  end_close (&end);
  raw_close (&raw);
}

static void
test_duplicate_and_cp932 (void)
{
  End end = { 0 };
  Raw raw = { 0 };
  g_autoptr(GPtrArray) heard = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  /* SENDCHECKOPT | SENDMSG, as iptux sends it; "日本語" in CP932. */
  static const char sendmsg[] = "1_iptux 0.8.3:7:raw:box:288:hello";
  static const char cp932[] = "1:8:raw:box:288:\x93\xfa\x96\x7b\x8c\xea";

  end_open (&end, "Ada");
  raw_open (&raw, "127.0.0.2");
  set_peer_raw (end.link, &raw, "127.0.0.2");

  raw_send_text (&raw, end.link, sendmsg);
  raw_send_text (&raw, end.link, sendmsg);
  raw_send_text (&raw, end.link, cp932);
  heard = raw_collect (&raw, 1000, TINCAN_IPMSG_RECVMSG, 3);

  /* Shown once, acknowledged twice. */
  g_assert_cmpuint (end.received->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (end.received, 0)), ==, "hello");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (end.received, 1)), ==, "日本語");
  answers = only (heard, TINCAN_IPMSG_RECVMSG);
  g_assert_cmpuint (answers->len, ==, 3);
  for (guint i = 0; i < answers->len; i++)
    {
      g_autofree char *number = extra_text (g_ptr_array_index (answers, i));

      g_assert_cmpstr (number, ==, i < 2 ? "7" : "8");
    }
  g_assert_cmpuint (tincan_link_get_stats (end.link)->duplicates, ==, 1);
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_ONLINE);

  /* A broadcast message is shown, never acknowledged; a new BR_ENTRY
   * (the peer restarted) lets its numbers start again.
   */
  raw_send_text (&raw, end.link, "1:9:raw:box:1312:to everyone");
  {
    /* As iptux sends it: nickname, group, icon, encoding. */
    static const char entry[] = "1_iptux 0.8.3:1:raw:box:257:Raw\0A group with a long name\0icon-tux.png\0utf-8";

    raw_send (&raw, end.link, (const guint8 *) entry, sizeof entry);
  }
  raw_send_text (&raw, end.link, sendmsg);
  g_clear_pointer (&heard, g_ptr_array_unref);
  heard = raw_collect (&raw, 1000, TINCAN_IPMSG_RECVMSG, 1);
  g_clear_pointer (&answers, g_ptr_array_unref);
  answers = only (heard, TINCAN_IPMSG_RECVMSG);
  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_cmpuint (end.received->len, ==, 4);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (end.received, 2)), ==, "to everyone");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (end.received, 3)), ==, "hello");
  g_assert_cmpstr (tincan_link_get_peer_name (end.link), ==, "Raw");
  g_clear_pointer (&answers, g_ptr_array_unref);
  answers = only (heard, TINCAN_IPMSG_ANSENTRY);
  g_assert_cmpuint (answers->len, ==, 1);

  end_close (&end);
  raw_close (&raw);
}

static void
test_wrong_recvmsg_and_cancel (void)
{
  End end = { 0 };
  Raw raw = { 0 };
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(TincanMessage) cancelled = NULL;
  g_autoptr(GPtrArray) heard = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *right = NULL;
  guint32 number;

  end_open (&end, "Ada");
  raw_open (&raw, "127.0.0.2");
  set_peer_raw (end.link, &raw, "127.0.0.2");

  message = tincan_link_send (end.link, "one", NULL);
  heard = raw_collect (&raw, 2000, TINCAN_IPMSG_SENDMSG, 1);
  sends = only (heard, TINCAN_IPMSG_SENDMSG);
  g_assert_cmpuint (sends->len, ==, 1);
  number = ((Heard *) g_ptr_array_index (sends, 0))->packet.packet_number;

  wrong = g_strdup_printf ("1:4:raw:box:33:%u", number + 1);
  raw_send_text (&raw, end.link, wrong);
  tincan_test_run_for (200);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);

  right = g_strdup_printf ("1:5:raw:box:33:%u", number);
  raw_send_text (&raw, end.link, right);
  g_assert_true (tincan_test_wait_for (delivered, message));

  /* Cancelled while being sent: failed, and not sent again. */
  cancelled = tincan_link_send (end.link, "two", NULL);
  g_assert_true (tincan_link_cancel (end.link, cancelled, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tincan_message_get_failure_reason (cancelled), ==, "Cancelled");
  g_assert_false (tincan_link_cancel (end.link, cancelled, NULL));

  /* Taken back while queued. */
  g_clear_object (&message);
  message = tincan_link_send (end.link, "three", NULL);
  pending = tincan_link_take_pending (end.link);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_true (g_ptr_array_index (pending, 0) == message);
  g_assert_cmpuint (tincan_link_get_n_pending (end.link), ==, 0);

  end_close (&end);
  raw_close (&raw);
}

static void
test_exit (void)
{
  End end = { 0 };
  Raw raw = { 0 };
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GPtrArray) heard = NULL;

  end_open (&end, "Ada");
  raw_open (&raw, "127.0.0.2");
  set_peer_raw (end.link, &raw, "127.0.0.2");

  /* IP Messenger's entry, with the extension. */
  {
    static const char entry[] = "1:100:raw:box:16777217:R\0A group with a long name\0"
      "\nUN:raw\nHN:box\nNN:Raw \xc3\x89\nGN:A group with a long name";

    raw_send (&raw, end.link, (const guint8 *) entry, sizeof entry);
  }
  heard = raw_collect (&raw, 1000, TINCAN_IPMSG_ANSENTRY, 1);
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_ONLINE);
  g_assert_cmpstr (tincan_link_get_peer_name (end.link), ==, "Raw É");
  {
    g_autoptr(GPtrArray) answers = only (heard, TINCAN_IPMSG_ANSENTRY);
    TincanIpmsgEntry entry;

    g_assert_cmpuint (answers->len, ==, 1);
    g_assert_true (tincan_ipmsg_entry_parse (&((Heard *) g_ptr_array_index (answers, 0))->packet, &entry));
    g_assert_cmpstr (entry.nickname, ==, "Ada");
    tincan_ipmsg_entry_clear (&entry);
  }

  raw_send_text (&raw, end.link, "1:101:raw:box:2:");
  tincan_test_run_for (200);
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_OFFLINE);

  /* Known gone: fails at once, saying so. */
  message = tincan_link_send (end.link, "still there?", NULL);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (message), ==, "Raw É is offline");

  /* Back: BR_ABSENCE (a new name) says so. */
  raw_send_text (&raw, end.link, "1:102:raw:box:4:Raw again");
  tincan_test_run_for (200);
  g_assert_cmpint (tincan_link_get_presence (end.link), ==, TINCAN_PRESENCE_ONLINE);
  g_assert_cmpstr (tincan_link_get_peer_name (end.link), ==, "Raw again");

  end_close (&end);
  raw_close (&raw);
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (tincan_link_close_finish (TINCAN_LINK (object), result, NULL));
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_close (void)
{
  End end = { 0 };
  Raw raw = { 0 };
  g_autoptr(GPtrArray) heard = NULL;
  g_autoptr(GPtrArray) exits = NULL;
  gboolean done = FALSE;

  end_open (&end, "Ada");
  raw_open (&raw, "127.0.0.2");
  set_peer_raw (end.link, &raw, "127.0.0.2");

  tincan_link_close_async (end.link, TINCAN_LINK_LINGER_MS, NULL, on_closed_cb, &done);
  g_assert_true (tincan_test_wait_for (is_true, &done));
  heard = raw_collect (&raw, 300, TINCAN_IPMSG_BR_EXIT, 1);
  exits = only (heard, TINCAN_IPMSG_BR_EXIT);
  g_assert_cmpuint (exits->len, ==, 1);

  end_close (&end);
  raw_close (&raw);
}

static void
test_malformed (void)
{
  End end = { 0 };
  Raw raw = { 0 };
  Raw stranger = { 0 };
  g_autoptr(GPtrArray) heard = NULL;
  GRand *rand = g_rand_new_with_seed (15);
  const TincanLinkStats *stats;
  guint answers = 0;

  end_open (&end, "Ada");
  raw_open (&raw, "127.0.0.2");
  raw_open (&stranger, "127.0.0.3");
  set_peer_raw (end.link, &raw, "127.0.0.2");

  /* 1,000 datagrams that are not IP Messenger: random bytes, and
   * headers broken one way or another.
   */
  for (guint i = 0; i < 1000; i++)
    {
      guint8 datagram[200];
      gsize length = 1 + g_rand_int_range (rand, 0, sizeof datagram);

      for (gsize j = 0; j < length; j++)
        datagram[j] = g_rand_int_range (rand, 0, 256);
      /* At most four ':', so never a header. */
      for (gsize j = 0, colons = 0; j < length; j++)
        if (datagram[j] == ':' && ++colons > 4)
          datagram[j] = '.';
      if (i % 4 == 1)
        {
          static const char *const broken[] = { "1:x:u:h:32:hi", "1:1:u:h:0x20:hi", "1:99999999999:u:h:32:hi" };
          const char *text = broken[i % 3];

          length = strlen (text);
          memcpy (datagram, text, length);
        }
      raw_send (&raw, end.link, datagram, length);
      if (i % 100 == 99)
        tincan_test_run_for (20);
    }
  raw_send_text (&stranger, end.link, "1:1:s:h:288:not from the peer");
  heard = raw_collect (&raw, 1000, 0, 0);

  stats = tincan_link_get_stats (end.link);
  g_assert_cmpuint (stats->malformed, ==, 1000);
  g_assert_cmpuint (end.ignored, ==, 1000);
  g_assert_cmpuint (stats->foreign, ==, 1);
  g_assert_cmpuint (end.received->len, ==, 0);
  for (guint i = 0; i < heard->len; i++)
    if ((((Heard *) g_ptr_array_index (heard, i))->packet.command & TINCAN_IPMSG_COMMAND_MASK)
        != TINCAN_IPMSG_BR_ENTRY)
      answers++;
  /* Nothing answers garbage (the one datagram is the BR_ENTRY at start). */
  g_assert_cmpuint (answers, ==, 0);

  /* Still works. */
  raw_send_text (&raw, end.link, "1:2:raw:box:288:after all that");
  g_clear_pointer (&heard, g_ptr_array_unref);
  heard = raw_collect (&raw, 1000, TINCAN_IPMSG_RECVMSG, 1);
  g_assert_cmpuint (end.received->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (end.received, 0)), ==, "after all that");

  /* Text that is neither UTF-8 nor CP932, or has control characters:
   * dropped, not acknowledged.
   */
  raw_send_text (&raw, end.link, "1:3:raw:box:288:\xff\xfe");
  raw_send_text (&raw, end.link, "1:4:raw:box:288:bell\a");
  g_clear_pointer (&heard, g_ptr_array_unref);
  heard = raw_collect (&raw, 300, 0, 0);
  g_assert_cmpuint (heard->len, ==, 0);
  g_assert_cmpuint (end.received->len, ==, 1);
  g_assert_cmpuint (end.ignored, ==, 1002);

  g_rand_free (rand);
  end_close (&end);
  raw_close (&raw);
  raw_close (&stranger);
}

/* Files are Tin Can's own: refused, in words, before anything is sent. */
static void
test_no_files (void)
{
  End end = { 0 };
  g_autoptr(TincanFiles) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  int fd;

  end_open (&end, "Ada");
  fd = g_file_open_tmp ("tincan-ipmsg-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, "data", 4), ==, 4);
  close (fd);
  file = g_file_new_for_path (path);

  files = tincan_files_new (end.link);
  g_assert_null (tincan_files_send (files, file, NULL, &error));
  g_assert_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_PLAIN);
  g_assert_cmpstr (error->message, ==, "IP Messenger users cannot be sent files by Tin Can");
  g_assert_cmpuint (tincan_link_get_n_pending (end.link), ==, 0);

  g_clear_object (&files);
  g_unlink (path);
  end_close (&end);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/link-ipmsg/both-ways", test_both_ways);
  g_test_add_func ("/link-ipmsg/long", test_long);
  g_test_add_func ("/link-ipmsg/no-answer", test_no_answer);
  g_test_add_func ("/link-ipmsg/duplicate-and-cp932", test_duplicate_and_cp932);
  g_test_add_func ("/link-ipmsg/wrong-recvmsg-and-cancel", test_wrong_recvmsg_and_cancel);
  g_test_add_func ("/link-ipmsg/exit", test_exit);
  g_test_add_func ("/link-ipmsg/close", test_close);
  g_test_add_func ("/link-ipmsg/malformed", test_malformed);
  g_test_add_func ("/link-ipmsg/no-files", test_no_files);

  return g_test_run ();
}
