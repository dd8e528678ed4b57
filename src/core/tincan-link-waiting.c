/* tincan-link-waiting.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages that wait for a person who is away (docs/PROTOCOL.md,
 * *Waiting*).  With a waiting limit set, a message is not given up on
 * when the peer falls silent: at the give-up time the link takes back
 * everything it had not delivered and parks it, queued, each message
 * saying who it waits for.  When the peer is heard again the parked
 * messages go, oldest first, keeping their IDs, so the peer shows each
 * once even if it had some already.  A message fails only when it was
 * written longer than the limit ago, or when the person cancels it.
 *
 * Without a limit (tincan-cli, the tests of giving up) a silent peer
 * fails the messages at the give-up time, as before.
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-link-internal.h"

static const char *
waiting_for_name (TincanLink *self)
{
  return self->peer_name != NULL ? self->peer_name : self->peer_host;
}

/* The give-up time came with the peer silent.  Returns %TRUE if the
 * messages were parked, %FALSE if they are to fail as before.
 */
gboolean
tincan_link_park (TincanLink *self,
                  gint64      now)
{
  g_autoptr(GPtrArray) pending = NULL;

  if (self->waiting_limit == 0)
    return FALSE;

  pending = tincan_sender_take_all (self->sender);
  for (guint i = 0; i < pending->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (pending, i);

      /* The files engine offers again when the peer is back. */
      if (tincan_message_get_record (message) != NULL)
        {
          tincan_message_set_state (message, TINCAN_MESSAGE_FAILED,
                                    tincan_link_failure_reason (self));
          continue;
        }

      if (tincan_message_get_state (message) != TINCAN_MESSAGE_QUEUED)
        tincan_message_set_state (message, TINCAN_MESSAGE_QUEUED, NULL);
      tincan_message_set_waiting_for (message, waiting_for_name (self));
      g_ptr_array_add (self->parked, g_object_ref (message));
    }

  g_debug ("%u messages wait for the peer", self->parked->len);

  /* Parked messages keep the hellos going, at their slowest. */
  tincan_presence_tracker_hurry (self->presence, now);
  tincan_link_tick_waiting (self);

  return TRUE;
}

/* The peer is back, or somewhere new: what waited goes now. */
void
tincan_link_unpark (TincanLink *self)
{
  g_autoptr(GPtrArray) parked = NULL;

  if (self->parked->len == 0)
    return;

  g_debug ("Sending %u messages that waited", self->parked->len);

  parked = g_steal_pointer (&self->parked);
  self->parked = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < parked->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (parked, i);

      tincan_message_set_waiting_for (message, NULL);
      tincan_link_send_message (self, message);
    }
}

/* Fails what has waited longer than the limit, oldest first. */
void
tincan_link_tick_waiting (TincanLink *self)
{
  gint64 now = g_get_real_time ();
  guint days = (guint) (self->waiting_limit / (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400)));
  guint n_failed = 0;

  while (n_failed < self->parked->len)
    {
      TincanMessage *message = g_ptr_array_index (self->parked, n_failed);
      g_autofree char *reason = NULL;

      if (tincan_message_get_time (message) + self->waiting_limit > now)
        break;

      if (days > 0)
        reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%s was away for more than %u day",
                                               "%s was away for more than %u days", days),
                                  waiting_for_name (self), days);
      else
        reason = g_strdup_printf (_("%s was away for too long"), waiting_for_name (self));

      tincan_message_set_waiting_for (message, NULL);
      tincan_message_set_state (message, TINCAN_MESSAGE_FAILED, reason);
      n_failed++;
    }

  if (n_failed > 0)
    g_ptr_array_remove_range (self->parked, 0, n_failed);
}

/* When the oldest parked message reaches the limit, on the monotonic
 * clock; G_MAXINT64 for none.
 */
gint64
tincan_link_get_waiting_deadline (TincanLink *self,
                                  gint64      now)
{
  TincanMessage *oldest;
  gint64 left;

  if (self->parked->len == 0)
    return G_MAXINT64;

  oldest = g_ptr_array_index (self->parked, 0);
  left = tincan_message_get_time (oldest) + self->waiting_limit - g_get_real_time ();

  return now + MAX (left, 0);
}

/* Takes the parked messages back, as they are, for tincan_link_take_pending(). */
void
tincan_link_take_parked (TincanLink *self,
                         GPtrArray  *into)
{
  for (guint i = 0; i < self->parked->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (self->parked, i);

      tincan_message_set_waiting_for (message, NULL);
      g_ptr_array_add (into, g_object_ref (message));
    }

  g_ptr_array_set_size (self->parked, 0);
}

/**
 * tincan_link_set_waiting_limit:
 * @self: a #TincanLink
 * @usec: how long a message may wait for a peer who is away, from when
 *   it was written; 0 to give up on it at the give-up time instead
 *
 * With a limit, messages to a silent peer wait, queued, and go by
 * themselves when it is heard again.
 */
void
tincan_link_set_waiting_limit (TincanLink *self,
                               gint64      usec)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (usec >= 0);

  self->waiting_limit = usec;
  if (usec == 0)
    tincan_link_unpark (self);
  else
    tincan_link_tick_waiting (self);
  tincan_link_schedule (self);
}

/**
 * tincan_link_get_n_waiting:
 * @self: a #TincanLink
 *
 * Returns: how many messages wait for the peer to come back
 */
guint
tincan_link_get_n_waiting (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->parked->len;
}

/**
 * tincan_link_cancel:
 * @self: a #TincanLink
 * @message: a message waiting for the peer to come back
 * @error: return location for a #GError
 *
 * Gives up on a waiting message: it fails, and can be retried.  In IP
 * Messenger mode, on any message not delivered yet.
 *
 * Returns: %FALSE if @message was not waiting
 */
gboolean
tincan_link_cancel (TincanLink     *self,
                    TincanMessage  *message,
                    GError        **error)
{
  guint index;

  g_return_val_if_fail (TINCAN_IS_LINK (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  /* In IP Messenger mode a message being sent can be cancelled too. */
  if (self->mode == TINCAN_MODE_IPMSG && tincan_link_ipmsg_cancel (self, message))
    return TRUE;

  if (!g_ptr_array_find (self->parked, message, &index))
    {
      g_set_error_literal (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_NOT_WAITING,
                           _("Only a message that waits for someone can be cancelled"));
      return FALSE;
    }

  g_object_ref (message);
  g_ptr_array_remove_index (self->parked, index);
  tincan_message_set_waiting_for (message, NULL);
  tincan_message_set_state (message, TINCAN_MESSAGE_FAILED, _("Cancelled"));
  g_object_unref (message);
  tincan_link_schedule (self);

  return TRUE;
}
