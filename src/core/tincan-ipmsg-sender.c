/* tincan-ipmsg-sender.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending to IP Messenger and iptux (docs/IPMSG.md): the queue of
 * outgoing messages, each cut into parts of at most
 * TINCAN_IPMSG_MAX_PART bytes, one SENDMSG each.  Like tincan-sender.c
 * it owns no socket and reads no clock: the link hands it the time and
 * the RECVMSGs, and asks it what to send.
 *
 * One part is in flight at a time, to the one peer: iptux keeps a
 * single "packet awaiting its answer" per peer, and drops a SENDMSG
 * whose number is not above the last it saw from us, so parts go in
 * order, each after the one before was acknowledged.  A part gets its
 * packet number when it is first sent, and keeps it on every resend, a
 * second apart, five tries in all: the peer acknowledges a repeat it
 * already showed without showing it again.  A message is delivered
 * when its last part is acknowledged.
 *
 * A part that got no answer after its fifth try fails its message, and
 * the ones queued behind it with the same reason: the peer is not
 * answering, and each would otherwise take its own five seconds to
 * learn it.  Retry sends them again, from their first part.  While the
 * peer is known gone (it said BR_EXIT), a message fails as soon as it
 * is queued, saying so.
 */

#define G_LOG_DOMAIN "tincan-ipmsg"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-ipmsg-packet.h"
#include "tincan-ipmsg-sender.h"

typedef struct
{
  TincanMessage *message;
  const char    *part;      /* where the next part to send starts */
  const char    *end;       /* of the text */
  guint          index;     /* of that part */
} Outgoing;

struct _TincanIpmsgSender
{
  GQueue      outgoing;     /* Outgoing, oldest first */
  gboolean    in_flight;    /* the head's part has a number and was sent */
  const char *part_end;
  guint32     packet_number;
  guint       tries;
  gint64      next_try;     /* a resend, or after the last try, the failure */
  char       *gone;         /* why anything queued fails at once, or NULL */
};

static void
outgoing_free (Outgoing *out)
{
  g_clear_object (&out->message);
  g_free (out);
}

TincanIpmsgSender *
tincan_ipmsg_sender_new (void)
{
  TincanIpmsgSender *self = g_new0 (TincanIpmsgSender, 1);

  g_queue_init (&self->outgoing);

  return self;
}

void
tincan_ipmsg_sender_free (TincanIpmsgSender *self)
{
  if (self == NULL)
    return;

  g_queue_clear_full (&self->outgoing, (GDestroyNotify) outgoing_free);
  g_free (self->gone);
  g_free (self);
}

/* Queues @message (queued) for the peer, and sets its number of parts. */
void
tincan_ipmsg_sender_add (TincanIpmsgSender *self,
                         TincanMessage     *message)
{
  const char *text = tincan_message_get_text (message);
  Outgoing *out;

  tincan_message_set_n_parts (message, tincan_ipmsg_count_parts (text));

  if (self->gone != NULL)
    {
      tincan_message_set_state (message, TINCAN_MESSAGE_FAILED, self->gone);
      return;
    }

  out = g_new0 (Outgoing, 1);
  out->message = g_object_ref (message);
  out->part = text;
  out->end = text + strlen (text);
  g_queue_push_tail (&self->outgoing, out);
}

/* The part to send at @now, if any: the next one's first try, or a
 * resend of the one in flight.  The message is sent once its first part
 * first went.
 */
gboolean
tincan_ipmsg_sender_next (TincanIpmsgSender *self,
                          gint64             now,
                          TincanIpmsgPart   *part)
{
  Outgoing *out = g_queue_peek_head (&self->outgoing);

  if (out == NULL)
    return FALSE;

  if (!self->in_flight)
    {
      self->in_flight = TRUE;
      self->part_end = tincan_ipmsg_cut_part (out->part, out->end);
      self->packet_number = tincan_ipmsg_next_packet_number ();
      self->tries = 0;
      self->next_try = now;
    }

  if (self->tries >= TINCAN_IPMSG_TRIES || now < self->next_try)
    return FALSE;

  self->tries++;
  self->next_try = now + TINCAN_IPMSG_RESEND_INTERVAL;

  part->packet_number = self->packet_number;
  part->text = out->part;
  part->length = self->part_end - out->part;
  part->index = out->index;
  part->try = self->tries;

  if (tincan_message_get_state (out->message) == TINCAN_MESSAGE_QUEUED)
    tincan_message_set_state (out->message, TINCAN_MESSAGE_SENT, NULL);

  return TRUE;
}

/* A RECVMSG for @packet_number: the part in flight, if it has that
 * number, is delivered.  Returns %FALSE if it named anything else (a
 * part acknowledged before, one never sent).
 */
gboolean
tincan_ipmsg_sender_handle_recvmsg (TincanIpmsgSender *self,
                                    guint32            packet_number)
{
  Outgoing *out = g_queue_peek_head (&self->outgoing);

  if (out == NULL || !self->in_flight || packet_number != self->packet_number)
    return FALSE;

  self->in_flight = FALSE;
  out->part = self->part_end;
  out->index++;

  if (out->part == out->end)
    {
      g_queue_pop_head (&self->outgoing);
      tincan_message_set_state (out->message, TINCAN_MESSAGE_DELIVERED, NULL);
      outgoing_free (out);
    }

  return TRUE;
}

/* Fails every queued message with @reason, oldest first. */
void
tincan_ipmsg_sender_fail_all (TincanIpmsgSender *self,
                              const char        *reason)
{
  Outgoing *out;

  self->in_flight = FALSE;

  while ((out = g_queue_pop_head (&self->outgoing)) != NULL)
    {
      tincan_message_set_state (out->message, TINCAN_MESSAGE_FAILED, reason);
      outgoing_free (out);
    }
}

/* Returns %TRUE if the part in flight went unanswered after its last
 * try: then it failed, with everything queued, for @reason.
 */
gboolean
tincan_ipmsg_sender_check_timeout (TincanIpmsgSender *self,
                                   gint64             now,
                                   const char        *reason)
{
  if (!self->in_flight || self->tries < TINCAN_IPMSG_TRIES || now < self->next_try)
    return FALSE;

  tincan_ipmsg_sender_fail_all (self, reason);

  return TRUE;
}

/* When next to call in: 0 if a part waits for its first try,
 * G_MAXINT64 if nothing is queued.
 */
gint64
tincan_ipmsg_sender_get_deadline (TincanIpmsgSender *self)
{
  if (g_queue_is_empty (&self->outgoing))
    return G_MAXINT64;

  return self->in_flight ? self->next_try : 0;
}

/* While @reason is set (the peer said it left), what is queued fails at
 * once with it; %NULL when the peer is back.
 */
void
tincan_ipmsg_sender_set_gone (TincanIpmsgSender *self,
                              const char        *reason)
{
  g_free (self->gone);
  self->gone = g_strdup (reason);
}

/* Takes @message off the queue, failed ("Cancelled"), even in flight:
 * the peer may still show the parts it had.  %FALSE if it was not here.
 */
gboolean
tincan_ipmsg_sender_cancel (TincanIpmsgSender *self,
                            TincanMessage     *message)
{
  for (GList *l = self->outgoing.head; l != NULL; l = l->next)
    {
      Outgoing *out = l->data;

      if (out->message != message)
        continue;

      if (l == self->outgoing.head)
        self->in_flight = FALSE;
      g_queue_delete_link (&self->outgoing, l);
      tincan_message_set_state (out->message, TINCAN_MESSAGE_FAILED, _("Cancelled"));
      outgoing_free (out);
      return TRUE;
    }

  return FALSE;
}

/* Everything queued, oldest first, states untouched.  Sent again, a
 * message starts from its first part.
 */
GPtrArray *
tincan_ipmsg_sender_take_all (TincanIpmsgSender *self)
{
  GPtrArray *taken = g_ptr_array_new_with_free_func (g_object_unref);
  Outgoing *out;

  self->in_flight = FALSE;

  while ((out = g_queue_pop_head (&self->outgoing)) != NULL)
    {
      g_ptr_array_add (taken, g_steal_pointer (&out->message));
      outgoing_free (out);
    }

  return taken;
}

guint
tincan_ipmsg_sender_get_n_pending (TincanIpmsgSender *self)
{
  return g_queue_get_length (&self->outgoing);
}
