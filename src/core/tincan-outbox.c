/* tincan-outbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Between a TincanStore and a TincanLink: the order of things that makes
 * delivery exactly once, written once for the app and tincan-cli.
 *
 *  - An outgoing message is on the disk before the link sees it.
 *  - A message from the peer is stored before the fragment that completed
 *    it is acknowledged (the link's keep function); one stored before is
 *    acknowledged and not shown again.
 *  - What was not delivered is read back at start-up and handed to the
 *    next link, keeping its ID, so a peer that has it already does not
 *    show it twice.
 *  - A link that goes away hands back what it still had, unfailed.
 *
 * The outbox holds every outgoing message not delivered yet (in plain
 * mode: not sent), oldest first, failed ones included: those wait for
 * tincan_outbox_retry().  Attaching a link and handing it the outbox are
 * two steps, as the identity must be set before the link's peer is and
 * the messages are given to it after.
 */

#define G_LOG_DOMAIN "tincan-outbox"

#include "config.h"

#include "tincan-outbox.h"

struct _TincanOutbox
{
  GObject      parent_instance;

  TincanStore *store;
  TincanLink  *link;       /* attached: it keeps through us */
  GPtrArray   *messages;   /* TincanMessage, oldest first */
};

G_DEFINE_FINAL_TYPE (TincanOutbox, tincan_outbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  MESSAGE_LOADED,
  MESSAGE_STORED,
  MESSAGE_RESUMED,
  MESSAGE_REMOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static TincanKeepResult
keep_cb (TincanLink    *link,
         TincanMessage *message,
         gpointer       user_data)
{
  TincanOutbox *self = user_data;

  switch (tincan_store_keep (self->store, message))
    {
    case TINCAN_STORE_KEPT_NEW:
      return TINCAN_KEEP_NEW;

    case TINCAN_STORE_KEPT_DUPLICATE:
      return TINCAN_KEEP_DUPLICATE;

    case TINCAN_STORE_NOT_KEPT:
    default:
      return TINCAN_KEEP_REFUSED;
    }
}

static void on_message_state_cb (TincanOutbox  *self,
                                 GParamSpec    *pspec,
                                 TincanMessage *message);

static void
remove_message (TincanOutbox *self,
                guint         index)
{
  g_autoptr(TincanMessage) message = g_ptr_array_steal_index (self->messages, index);

  g_signal_handlers_disconnect_by_func (message, on_message_state_cb, self);
  g_signal_emit (self, signals[MESSAGE_REMOVED], 0, message);
}

static void
on_message_state_cb (TincanOutbox  *self,
                     GParamSpec    *pspec,
                     TincanMessage *message)
{
  TincanMessageState state = tincan_message_get_state (message);
  guint index;

  /* Plain text has no receipts: sent is as far as it goes. */
  if (state == TINCAN_MESSAGE_DELIVERED
      || (state == TINCAN_MESSAGE_SENT && tincan_message_get_plain (message)))
    {
      if (g_ptr_array_find (self->messages, message, &index))
        remove_message (self, index);
    }
}

static void
add_message (TincanOutbox  *self,
             TincanMessage *message,
             guint          signal_id)
{
  g_ptr_array_add (self->messages, g_object_ref (message));
  g_signal_connect_object (message, "notify::state",
                           G_CALLBACK (on_message_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_emit (self, signal_id, 0, message);
}

static void
tincan_outbox_dispose (GObject *object)
{
  TincanOutbox *self = TINCAN_OUTBOX (object);

  /* What is still on its way stays in the store, for the next run. */
  tincan_outbox_detach (self);

  if (self->messages != NULL)
    {
      for (guint i = 0; i < self->messages->len; i++)
        g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->messages, i),
                                              on_message_state_cb, self);
      g_clear_pointer (&self->messages, g_ptr_array_unref);
    }

  g_clear_object (&self->store);

  G_OBJECT_CLASS (tincan_outbox_parent_class)->dispose (object);
}

static void
tincan_outbox_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TincanOutbox *self = TINCAN_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_outbox_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TincanOutbox *self = TINCAN_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_outbox_class_init (TincanOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_outbox_dispose;
  object_class->get_property = tincan_outbox_get_property;
  object_class->set_property = tincan_outbox_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, TINCAN_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanOutbox::message-loaded:
   * @outbox: the outbox
   * @message: an outgoing message an earlier run did not deliver
   *
   * tincan_outbox_load() read @message back into the outbox.
   */
  signals[MESSAGE_LOADED] =
    g_signal_new ("message-loaded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);

  /**
   * TincanOutbox::message-stored:
   * @outbox: the outbox
   * @message: a new outgoing message
   *
   * tincan_outbox_send() stored @message and put it in the outbox, and
   * is about to hand it to the link: the moment to show it, before it
   * takes any other state than queued.
   */
  signals[MESSAGE_STORED] =
    g_signal_new ("message-stored",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);

  /**
   * TincanOutbox::message-resumed:
   * @outbox: the outbox
   * @message: a message from the outbox
   *
   * tincan_outbox_resume() is about to hand @message to the link again.
   */
  signals[MESSAGE_RESUMED] =
    g_signal_new ("message-resumed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);

  /**
   * TincanOutbox::message-removed:
   * @outbox: the outbox
   * @message: a message that was in the outbox
   *
   * @message left the outbox: delivered (in plain mode: sent), or
   * forgotten by tincan_outbox_forget_failed().
   */
  signals[MESSAGE_REMOVED] =
    g_signal_new ("message-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);
}

static void
tincan_outbox_init (TincanOutbox *self)
{
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * tincan_outbox_new:
 * @store: where the messages are kept
 *
 * Returns: (transfer full): a new, empty #TincanOutbox; see
 *   tincan_outbox_load()
 */
TincanOutbox *
tincan_outbox_new (TincanStore *store)
{
  g_return_val_if_fail (TINCAN_IS_STORE (store), NULL);

  return g_object_new (TINCAN_TYPE_OUTBOX,
                       "store", store,
                       NULL);
}

/**
 * tincan_outbox_get_store:
 * @self: a #TincanOutbox
 *
 * Returns: (transfer none): the store it keeps messages in
 */
TincanStore *
tincan_outbox_get_store (TincanOutbox *self)
{
  g_return_val_if_fail (TINCAN_IS_OUTBOX (self), NULL);

  return self->store;
}

/**
 * tincan_outbox_load:
 * @self: a #TincanOutbox
 * @error: return location for a #TincanStoreError
 *
 * Reads back what an earlier run left undelivered (failed ones too), and
 * follows each message, so every state it takes is written.  Call it
 * once, before anything is sent.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_outbox_load (TincanOutbox  *self,
                    GError       **error)
{
  g_autoptr(GPtrArray) unfinished = NULL;

  g_return_val_if_fail (TINCAN_IS_OUTBOX (self), FALSE);

  unfinished = tincan_store_load_unfinished (self->store, error);
  if (unfinished == NULL)
    return FALSE;

  for (guint i = 0; i < unfinished->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (unfinished, i);

      tincan_store_follow (self->store, message);
      add_message (self, message, signals[MESSAGE_LOADED]);
    }

  g_debug ("%u messages in the outbox", self->messages->len);

  return TRUE;
}

/**
 * tincan_outbox_attach:
 * @self: a #TincanOutbox
 * @link: a link whose peer is not set yet
 *
 * Gives @link this installation's identity, which goes in its first
 * hello, and makes it store each message from the peer before
 * acknowledging it.  Hand it the outbox with tincan_outbox_resume() once
 * its peer is set.  Only one link at a time: tincan_outbox_detach() the
 * last one first.
 */
void
tincan_outbox_attach (TincanOutbox *self,
                      TincanLink   *link)
{
  g_return_if_fail (TINCAN_IS_OUTBOX (self));
  g_return_if_fail (TINCAN_IS_LINK (link));
  g_return_if_fail (self->link == NULL);

  self->link = g_object_ref (link);
  tincan_link_set_identity (link, tincan_store_get_identity (self->store));
  tincan_link_set_keep_func (link, keep_cb, self);
}

/**
 * tincan_outbox_resume:
 * @self: a #TincanOutbox with a link attached
 *
 * Hands the link every message in the outbox, oldest first, except those
 * that failed: they wait for tincan_outbox_retry().  Call it once per
 * link, after its peer is set.
 */
void
tincan_outbox_resume (TincanOutbox *self)
{
  g_autoptr(GPtrArray) queue = NULL;

  g_return_if_fail (TINCAN_IS_OUTBOX (self));
  g_return_if_fail (self->link != NULL);

  /* Sending may change states, and so the outbox. */
  queue = g_ptr_array_new_full (self->messages->len, g_object_unref);
  for (guint i = 0; i < self->messages->len; i++)
    g_ptr_array_add (queue, g_object_ref (g_ptr_array_index (self->messages, i)));

  for (guint i = 0; i < queue->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (queue, i);

      if (tincan_message_get_state (message) == TINCAN_MESSAGE_FAILED)
        continue;

      g_signal_emit (self, signals[MESSAGE_RESUMED], 0, message);
      tincan_link_send_message (self->link, message);
    }
}

/**
 * tincan_outbox_detach:
 * @self: a #TincanOutbox
 *
 * Takes back from the link what it has not delivered yet, leaving states
 * as they are (a link disposed with messages would fail them), and stops
 * it storing what the peer sends.  The messages stay in the outbox, for
 * the next link or the next run.  Does nothing without a link.
 */
void
tincan_outbox_detach (TincanOutbox *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  g_return_if_fail (TINCAN_IS_OUTBOX (self));

  if (self->link == NULL)
    return;

  pending = tincan_link_take_pending (self->link);
  tincan_link_set_keep_func (self->link, NULL, NULL);
  g_clear_object (&self->link);

  g_debug ("%u messages taken back from the link", pending->len);
}

/**
 * tincan_outbox_send:
 * @self: a #TincanOutbox with a link attached
 * @text: what someone typed
 * @error: return location for a #TincanMessageError or #TincanStoreError
 *
 * Stores @text as a new outgoing message, then hands it to the link.  If
 * it cannot be stored, nothing is sent.
 *
 * Returns: (transfer full) (nullable): the message, in the outbox until
 *   it is delivered (in plain mode: sent, which may be before this
 *   returns)
 */
TincanMessage *
tincan_outbox_send (TincanOutbox  *self,
                    const char    *text,
                    GError       **error)
{
  g_autoptr(TincanMessage) message = NULL;

  g_return_val_if_fail (TINCAN_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (self->link != NULL, NULL);

  message = tincan_store_write (self->store, text,
                                tincan_link_get_mode (self->link) == TINCAN_MODE_PLAIN,
                                error);
  if (message == NULL)
    return NULL;

  add_message (self, message, signals[MESSAGE_STORED]);
  tincan_link_send_message (self->link, message);

  return g_steal_pointer (&message);
}

/**
 * tincan_outbox_retry:
 * @self: a #TincanOutbox with a link attached
 * @message: a failed message in the outbox
 * @error: return location for a #TincanLinkError
 *
 * Returns: %TRUE if @message was queued again
 */
gboolean
tincan_outbox_retry (TincanOutbox   *self,
                     TincanMessage  *message,
                     GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (self->link != NULL, FALSE);
  g_return_val_if_fail (g_ptr_array_find (self->messages, message, NULL), FALSE);

  return tincan_link_retry (self->link, message, error);
}

/**
 * tincan_outbox_find:
 * @self: a #TincanOutbox
 * @id: a message ID
 *
 * Returns: (transfer none) (nullable): the message with @id in the outbox
 */
TincanMessage *
tincan_outbox_find (TincanOutbox *self,
                    const char   *id)
{
  g_return_val_if_fail (TINCAN_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->messages->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (self->messages, i);

      if (g_strcmp0 (tincan_message_get_id (message), id) == 0)
        return message;
    }

  return NULL;
}

/**
 * tincan_outbox_get_n_messages:
 * @self: a #TincanOutbox
 *
 * Returns: how many messages are not delivered yet, failed ones included
 */
guint
tincan_outbox_get_n_messages (TincanOutbox *self)
{
  g_return_val_if_fail (TINCAN_IS_OUTBOX (self), 0);

  return self->messages->len;
}

/**
 * tincan_outbox_forget_failed:
 * @self: a #TincanOutbox
 *
 * Lets go of the failed messages, which tincan_store_clear() deleted:
 * there is nothing left to retry.
 */
void
tincan_outbox_forget_failed (TincanOutbox *self)
{
  g_return_if_fail (TINCAN_IS_OUTBOX (self));

  for (guint i = self->messages->len; i > 0; i--)
    {
      TincanMessage *message = g_ptr_array_index (self->messages, i - 1);

      if (tincan_message_get_state (message) == TINCAN_MESSAGE_FAILED)
        remove_message (self, i - 1);
    }
}
