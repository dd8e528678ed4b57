/* tincan-chat-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window and its dialogs need of the chat's link: whether there
 * is one, the connection test, whether a port is free, the longest
 * message, retrying or cancelling a message, and saying goodbye before
 * Tin Can quits.  They talk to the
 * chat only, and never hold a link or a socket themselves.  The object
 * and the rest of its API are in tincan-chat.c.
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-chat-internal.h"
#include "tincan-wire.h"

/**
 * tincan_chat_has_link:
 * @self: a #TincanChat
 *
 * Returns: whether a link is open: a peer is set up and the local port
 *   could be had
 */
gboolean
tincan_chat_has_link (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  return self->link != NULL;
}

static void
on_link_test_finished_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gint64 rtt;

  rtt = tincan_link_test_finish (TINCAN_LINK (object), result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, rtt);
}

/**
 * tincan_chat_test_connection_async:
 * @self: a #TincanChat
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the peer answered, or did not
 * @user_data: for @callback
 *
 * Asks the peer for an answer through the running link: what is saved
 * is what is tested.  See tincan_link_test_async().
 */
void
tincan_chat_test_connection_async (TincanChat          *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TINCAN_IS_CHAT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_chat_test_connection_async);

  if (!tincan_chat_check_link (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The link the test started on answers it, even if the settings
   * change meanwhile: the task keeps it.
   */
  tincan_link_test_async (self->link, cancellable, on_link_test_finished_cb,
                          g_steal_pointer (&task));
}

/**
 * tincan_chat_test_connection_finish:
 * @self: a #TincanChat
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError: %G_IO_ERROR_NOT_CONNECTED
 *   without a link, or what tincan_link_test_finish() reports
 *
 * Returns: the round-trip time in microseconds, or -1 on error
 */
gint64
tincan_chat_test_connection_finish (TincanChat    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * tincan_chat_check_port:
 * @self: a #TincanChat
 * @port: a local UDP port
 * @mode: the mode it would be used in
 * @error: return location for a #GError: why @port cannot be had
 *
 * Whether the chat could move to @port.  Its own link's port is free for
 * it; any other is bound for a moment, to see whether another program
 * holds it.
 *
 * Returns: %TRUE if @port can be used
 */
gboolean
tincan_chat_check_port (TincanChat  *self,
                        guint16      port,
                        TincanMode   mode,
                        GError     **error)
{
  g_autoptr(TincanLink) probe = NULL;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  if (self->link != NULL && tincan_link_get_local_port (self->link) == port)
    return TRUE;

  probe = tincan_link_new (port, mode, error);

  return probe != NULL;
}

static void
on_link_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tincan_link_close_finish (TINCAN_LINK (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * tincan_chat_close_async:
 * @self: a #TincanChat
 * @cancellable: (nullable): a #GCancellable, to cut it short
 * @callback: called when the goodbye is over
 * @user_data: for @callback
 *
 * Says goodbye to the peer before Tin Can quits, lingering as long as
 * the peer may still be missing our last acknowledgements: see
 * tincan_link_close_async().  Without a link it is over at once.
 */
void
tincan_chat_close_async (TincanChat          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TINCAN_IS_CHAT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_chat_close_async);

  if (self->link == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Files pause first: the engine would otherwise offer again, on the
   * link saying goodbye, what the link lets go of, and the peer would
   * not see us leave.
   */
  tincan_chat_files_attach (self, NULL);
  tincan_link_close_async (self->link, TINCAN_LINK_LINGER_MS, cancellable, on_link_closed_cb,
                           g_steal_pointer (&task));
}

/**
 * tincan_chat_close_finish:
 * @self: a #TincanChat
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError, as tincan_link_close_finish()
 *   reports it
 *
 * Returns: %TRUE if the goodbye was said to the end
 */
gboolean
tincan_chat_close_finish (TincanChat    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tincan_chat_get_max_message_size:
 * @self: a #TincanChat
 *
 * Returns: the longest text tincan_chat_send() takes, in bytes of UTF-8
 */
gsize
tincan_chat_get_max_message_size (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), 0);

  return TINCAN_WIRE_MAX_MESSAGE;
}

/**
 * tincan_chat_retry:
 * @self: a #TincanChat
 * @message: a failed message from the model
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @message was queued again
 */
gboolean
tincan_chat_retry (TincanChat     *self,
                   TincanMessage  *message,
                   GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  return tincan_chat_check_link (self, error) && tincan_outbox_retry (self->outbox, message, error);
}

/**
 * tincan_chat_cancel:
 * @self: a #TincanChat
 * @message: a message from the model that waits for the peer to come back
 * @error: return location for a #GError
 *
 * Gives up on a message waiting for someone who is away: it is marked
 * as not delivered, and can be retried.
 *
 * Returns: %TRUE if @message was cancelled
 */
gboolean
tincan_chat_cancel (TincanChat     *self,
                    TincanMessage  *message,
                    GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  return tincan_chat_check_link (self, error) && tincan_link_cancel (self->link, message, error);
}
