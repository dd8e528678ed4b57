/* tincan-link-goodbye.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link saying goodbye: tincan_link_close_async(), and running the
 * deadlines of its TincanGoodbye (tincan-goodbye.c), the BYEs it asks
 * for and the end (docs/PROTOCOL.md, *Leaving*).
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-link-internal.h"

/* The goodbye is over, or cut short with @error (taken). */
void
tincan_link_finish_close (TincanLink *self,
                          GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->closing);

  if (task == NULL)
    return;

  tincan_goodbye_stop (self->goodbye);

  if (self->closing_cancelled != NULL)
    {
      g_source_destroy (self->closing_cancelled);
      g_clear_pointer (&self->closing_cancelled, g_source_unref);
    }

  g_debug ("Goodbye said%s", error != NULL ? ", cut short" : "");

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
on_close_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  TincanLink *self = TINCAN_LINK (user_data);

  tincan_link_finish_close (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                       _("Stopped before the goodbye was over")));

  return G_SOURCE_REMOVE;
}

/* Runs the goodbye's deadlines: the BYEs it asks for, and the end. */
void
tincan_link_close_tick (TincanLink *self,
                        gint64      now)
{
  TincanGoodbyeActions actions;

  if (self->closing == NULL)
    return;

  actions = tincan_goodbye_tick (self->goodbye, now);

  if (actions & TINCAN_GOODBYE_SEND_BYE)
    tincan_link_send_bye (self, TRUE);
  if (actions & TINCAN_GOODBYE_DONE)
    tincan_link_finish_close (self, NULL);
}

/**
 * tincan_link_close_async:
 * @self: a #TincanLink
 * @linger_ms: how long nothing new must come from the peer before the
 *   goodbye is over, such as %TINCAN_LINK_LINGER_MS; 0 to send one BYE
 *   and be done
 * @cancellable: (nullable): a #GCancellable, to cut it short
 * @callback: called when the goodbye is over
 * @user_data: for @callback
 *
 * Says goodbye to the peer before the link is dropped: a BYE, which makes
 * the peer show us offline at once rather than after its keepalives go
 * unanswered.  If this side acknowledged DATA from the peer, it then
 * lingers: two more BYEs go over the first @linger_ms, each BYE after
 * the current ACK once more, and everything that comes in is answered
 * and delivered as usual, until nothing has come for @linger_ms (at most
 * five times that in all).  A sender whose
 * last ACKs were lost so sends again to someone who answers, rather
 * than to nobody, and does not call a message failed that arrived.
 *
 * The link works as before once it is over; it is meant to be dropped
 * then.  Finish with tincan_link_close_finish().
 */
void
tincan_link_close_async (TincanLink          *self,
                         guint                linger_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_link_close_async);

  if (self->closing != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("Already saying goodbye"));
      return;
    }

  /* IP Messenger's goodbye is one BR_EXIT, and nothing to wait for. */
  if (self->mode == TINCAN_MODE_IPMSG)
    tincan_link_ipmsg_say_goodbye (self);

  /* Plain text has no goodbye, and a peer never met has none to hear. */
  if (self->mode != TINCAN_MODE_RELIABLE || !tincan_link_has_peer (self) || self->peer_session == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self->closing = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->closing_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->closing_cancelled, G_SOURCE_FUNC (on_close_cancelled_cb),
                             self, NULL);
      g_source_set_static_name (self->closing_cancelled, "[tincan] goodbye cancelled");
      g_source_attach (self->closing_cancelled, g_main_context_get_thread_default ());
    }

  tincan_goodbye_start (self->goodbye, g_get_monotonic_time (),
                        (gint64) linger_ms * G_TIME_SPAN_MILLISECOND, self->data_heard != 0);
  tincan_link_close_tick (self, g_get_monotonic_time ());
  tincan_link_schedule (self);
}

/**
 * tincan_link_close_finish:
 * @self: a #TincanLink
 * @result: the result
 * @error: return location for a #GError: %G_IO_ERROR_CANCELLED when cut
 *   short, %G_IO_ERROR_PENDING when a goodbye was already under way
 *
 * Returns: %TRUE if the goodbye was said to the end
 */
gboolean
tincan_link_close_finish (TincanLink    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
