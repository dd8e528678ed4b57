/* test-ipmsg-sender.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending to IP Messenger, with a fake clock and no socket: one part in
 * flight, sent again with the same number a second apart, five tries,
 * then the message fails with those behind it; parts in order, the
 * message delivered once every part is acknowledged; RECVMSGs for other
 * numbers, and repeated ones, change nothing.
 */

#include "config.h"

#include <string.h>

#include "tincan-ipmsg-packet.h"
#include "tincan-ipmsg-sender.h"

#define SECOND G_USEC_PER_SEC
#define REASON "Bob did not answer"

typedef struct
{
  TincanIpmsgSender *sender;
  gint64             now;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->sender = tincan_ipmsg_sender_new ();
  f->now = 1000 * SECOND;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->sender, tincan_ipmsg_sender_free);
}

static TincanMessage *
queue (Fixture    *f,
       const char *text)
{
  TincanMessage *message = tincan_message_new_outgoing (text, TRUE);

  tincan_ipmsg_sender_add (f->sender, message);
  return message;
}

static void
test_one_part (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TincanMessage) message = queue (f, "hello");
  TincanIpmsgPart part;
  guint32 now_seconds = (guint32) (g_get_real_time () / G_USEC_PER_SEC);

  g_assert_cmpuint (tincan_message_get_n_parts (message), ==, 1);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_cmpint (tincan_ipmsg_sender_get_deadline (f->sender), ==, 0);

  g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
  g_assert_cmpuint (part.packet_number, >=, now_seconds);
  g_assert_cmpmem (part.text, part.length, "hello", 5);
  g_assert_cmpuint (part.index, ==, 0);
  g_assert_cmpuint (part.try, ==, 1);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);

  /* Nothing more until the resend. */
  g_assert_false (tincan_ipmsg_sender_next (f->sender, f->now + SECOND - 1, &part));
  g_assert_cmpint (tincan_ipmsg_sender_get_deadline (f->sender), ==, f->now + SECOND);

  /* A RECVMSG for another number, then the right one, then again. */
  g_assert_false (tincan_ipmsg_sender_handle_recvmsg (f->sender, part.packet_number + 1));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
  g_assert_true (tincan_ipmsg_sender_handle_recvmsg (f->sender, part.packet_number));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_false (tincan_ipmsg_sender_handle_recvmsg (f->sender, part.packet_number));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpuint (tincan_ipmsg_sender_get_n_pending (f->sender), ==, 0);
  g_assert_cmpint (tincan_ipmsg_sender_get_deadline (f->sender), ==, G_MAXINT64);
  g_assert_false (tincan_ipmsg_sender_next (f->sender, f->now + 10 * SECOND, &part));
}

static void
test_resends (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TincanMessage) first = queue (f, "first");
  g_autoptr(TincanMessage) second = queue (f, "second");
  TincanIpmsgPart part;
  guint32 number = 0;
  guint sent = 0;
  gint64 start = f->now;

  /* Every 100 ms for ten seconds: five sends, a second apart, the same
   * number; the second message never goes.
   */
  for (gint64 t = start; t <= start + 10 * SECOND; t += SECOND / 10)
    {
      g_assert_false (tincan_ipmsg_sender_check_timeout (f->sender, t, REASON)
                      && t < start + 5 * SECOND);
      if (tincan_ipmsg_sender_next (f->sender, t, &part))
        {
          g_assert_cmpint (t, ==, start + sent * SECOND);
          if (sent == 0)
            number = part.packet_number;
          g_assert_cmpuint (part.packet_number, ==, number);
          g_assert_cmpmem (part.text, part.length, "first", 5);
          g_assert_cmpuint (part.try, ==, sent + 1);
          sent++;
        }
    }

  g_assert_cmpuint (sent, ==, TINCAN_IPMSG_TRIES);
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (first), ==, REASON);
  g_assert_cmpint (tincan_message_get_state (second), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (second), ==, REASON);
  g_assert_cmpuint (tincan_ipmsg_sender_get_n_pending (f->sender), ==, 0);

  /* A late RECVMSG changes nothing. */
  g_assert_false (tincan_ipmsg_sender_handle_recvmsg (f->sender, number));
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_FAILED);
}

static void
test_timeout_exact (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TincanMessage) message = queue (f, "x");
  TincanIpmsgPart part;

  for (guint i = 0; i < TINCAN_IPMSG_TRIES; i++)
    {
      g_assert_false (tincan_ipmsg_sender_check_timeout (f->sender, f->now + i * SECOND, REASON));
      g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now + i * SECOND, &part));
    }

  /* A second after the fifth try, not before. */
  g_assert_false (tincan_ipmsg_sender_next (f->sender, f->now + 5 * SECOND, &part));
  g_assert_cmpint (tincan_ipmsg_sender_get_deadline (f->sender), ==, f->now + 5 * SECOND);
  g_assert_false (tincan_ipmsg_sender_check_timeout (f->sender, f->now + 5 * SECOND - 1, REASON));
  g_assert_true (tincan_ipmsg_sender_check_timeout (f->sender, f->now + 5 * SECOND, REASON));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);

  /* Queued again (Retry): it goes with a new number. */
  tincan_message_set_state (message, TINCAN_MESSAGE_QUEUED, NULL);
  tincan_ipmsg_sender_add (f->sender, message);
  {
    TincanIpmsgPart again;

    g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now + 6 * SECOND, &again));
    g_assert_cmpuint (again.packet_number, >, part.packet_number);
    g_assert_cmpuint (again.try, ==, 1);
    g_assert_true (tincan_ipmsg_sender_handle_recvmsg (f->sender, again.packet_number));
    g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  }
}

static void
test_parts (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(TincanMessage) after = NULL;
  TincanIpmsgPart part;
  guint32 last = 0;

  /* 12,000 two-byte characters: three parts of 8,000 bytes. */
  for (guint i = 0; i < 12000; i++)
    g_string_append (text, "é");
  message = queue (f, text->str);
  after = queue (f, "after");
  g_assert_cmpuint (tincan_message_get_n_parts (message), ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
      g_assert_cmpuint (part.index, ==, i);
      g_assert_cmpuint (part.length, <=, TINCAN_IPMSG_MAX_PART);
      g_assert_cmpuint (part.packet_number, >, last);
      last = part.packet_number;
      g_string_append_len (joined, part.text, part.length);

      /* One in flight: nothing else goes until it is acknowledged,
       * and its resend has its number.
       */
      g_assert_false (tincan_ipmsg_sender_next (f->sender, f->now + SECOND / 2, &part));
      f->now += SECOND;
      g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
      g_assert_cmpuint (part.packet_number, ==, last);
      g_assert_cmpuint (part.index, ==, i);

      /* Delivered only with the last part. */
      g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
      g_assert_true (tincan_ipmsg_sender_handle_recvmsg (f->sender, part.packet_number));
      /* A duplicate RECVMSG does not acknowledge the next part. */
      g_assert_false (tincan_ipmsg_sender_handle_recvmsg (f->sender, part.packet_number));
    }

  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpstr (joined->str, ==, text->str);

  g_assert_cmpint (tincan_message_get_state (after), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
  g_assert_cmpmem (part.text, part.length, "after", 5);
  g_assert_cmpuint (part.packet_number, >, last);
}

static void
test_parts_fail (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(TincanMessage) message = NULL;
  TincanIpmsgPart part;

  for (guint i = 0; i < 9000; i++)
    g_string_append_c (text, 'a');
  message = queue (f, text->str);

  /* The first part acknowledged, the second never: failed. */
  g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
  g_assert_true (tincan_ipmsg_sender_handle_recvmsg (f->sender, part.packet_number));
  for (guint i = 0; i < TINCAN_IPMSG_TRIES; i++)
    g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now + i * SECOND, &part));
  g_assert_cmpuint (part.index, ==, 1);
  g_assert_true (tincan_ipmsg_sender_check_timeout (f->sender, f->now + 5 * SECOND, REASON));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);
}

static void
test_gone (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(TincanMessage) later = NULL;
  TincanIpmsgPart part;

  tincan_ipmsg_sender_set_gone (f->sender, "Bob is offline");
  message = queue (f, "anyone?");
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (message), ==, "Bob is offline");
  g_assert_false (tincan_ipmsg_sender_next (f->sender, f->now, &part));

  tincan_ipmsg_sender_set_gone (f->sender, NULL);
  later = queue (f, "back?");
  g_assert_cmpint (tincan_message_get_state (later), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
}

static void
test_cancel_and_take (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TincanMessage) first = queue (f, "first");
  g_autoptr(TincanMessage) second = queue (f, "second");
  g_autoptr(TincanMessage) third = queue (f, "third");
  g_autoptr(TincanMessage) other = tincan_message_new_outgoing ("other", TRUE);
  g_autoptr(GPtrArray) taken = NULL;
  TincanIpmsgPart part;
  guint32 number;

  g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
  number = part.packet_number;

  /* The one in flight: its RECVMSG then means nothing. */
  g_assert_true (tincan_ipmsg_sender_cancel (f->sender, first));
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_FAILED);
  g_assert_false (tincan_ipmsg_sender_cancel (f->sender, first));
  g_assert_false (tincan_ipmsg_sender_cancel (f->sender, other));
  g_assert_false (tincan_ipmsg_sender_handle_recvmsg (f->sender, number));

  g_assert_true (tincan_ipmsg_sender_next (f->sender, f->now, &part));
  g_assert_cmpmem (part.text, part.length, "second", 6);
  g_assert_cmpuint (part.packet_number, >, number);

  taken = tincan_ipmsg_sender_take_all (f->sender);
  g_assert_cmpuint (taken->len, ==, 2);
  g_assert_true (g_ptr_array_index (taken, 0) == second);
  g_assert_true (g_ptr_array_index (taken, 1) == third);
  g_assert_cmpint (tincan_message_get_state (second), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpuint (tincan_ipmsg_sender_get_n_pending (f->sender), ==, 0);
  g_assert_false (tincan_ipmsg_sender_next (f->sender, f->now, &part));

  tincan_ipmsg_sender_add (f->sender, third);
  tincan_ipmsg_sender_fail_all (f->sender, "Stopped");
  g_assert_cmpint (tincan_message_get_state (third), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (third), ==, "Stopped");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/ipmsg-sender/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("one-part", test_one_part);
  ADD ("resends", test_resends);
  ADD ("timeout-exact", test_timeout_exact);
  ADD ("parts", test_parts);
  ADD ("parts-fail", test_parts_fail);
  ADD ("gone", test_gone);
  ADD ("cancel-and-take", test_cancel_and_take);

  return g_test_run ();
}
