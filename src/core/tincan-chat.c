/* tincan-chat.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversation with one person (the people hub makes one for each,
 * tincan-chat-person.c): a TincanLink on the hub's port, at the person's
 * address and in their mode, made again when those change, and every
 * message sent and received, kept in the person's view of the history
 * and shown through a TincanHistory.  The settings give the display name
 * and how long messages wait.
 *
 * The outbox (a TincanOutbox) is every outgoing message not delivered
 * yet, oldest first.  It is stored before anything is sent, read back at
 * start-up, and handed from link to link, so what was typed reaches the
 * peer whatever happens in between.  Its messages are pinned in the
 * history, so their rows follow their states.  A history the hub could
 * not open (another Tin Can has it, a read-only folder) gives way to one
 * in memory, and the history-problem property says so.
 *
 * The chat is five files, sharing tincan-chat-internal.h.  This one is
 * the object: its properties and signals, and the public API about the
 * conversation (sending, the history, presence).  tincan-chat-person.c
 * is the person: making the chat, their address and mode, moving.
 * tincan-chat-link.c is what the window needs of the link (the
 * connection test, a port check, retrying, closing).  tincan-chat-keys.c
 * is everything about encryption and trust: the trust function, and what
 * the window shows and a person does about the keys.  tincan-chat-files.c
 * is files: the engine on the link, file rows stored and resumed.
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-address.h"
#include "tincan-chat-internal.h"

G_DEFINE_FINAL_TYPE (TincanChat, tincan_chat, G_TYPE_OBJECT)

enum {
  MESSAGE_RECEIVED,
  SAME_PERSON,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
tincan_chat_emit_same_person (TincanChat *self,
                              gint64      person_id)
{
  g_signal_emit (self, signals[SAME_PERSON], 0, person_id);
}

/* For tincan-chat-keys.c, which does not see properties[]. */
void
tincan_chat_notify_property (TincanChat *self,
                             guint       prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_error (TincanChat *self,
           const char *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* For tincan-chat-files.c: a file offered is shown and announced as a
 * message is.
 */
void
tincan_chat_emit_message_received (TincanChat    *self,
                                   TincanMessage *message)
{
  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message);
}

void
tincan_chat_set_write_problem (TincanChat *self,
                               const char *problem)
{
  if (g_strcmp0 (self->write_problem, problem) == 0)
    return;

  g_free (self->write_problem);
  self->write_problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_PROBLEM]);
}

static void
on_write_failed_cb (TincanChat   *self,
                    const GError *error,
                    TincanStore  *store)
{
  tincan_chat_set_write_problem (self, error->message);
}

static void
on_message_received_cb (TincanChat    *self,
                        TincanMessage *message,
                        TincanLink    *link)
{
  /* Stored by the link's keep function before it got here; only plain
   * text that could not be stored arrives without a store ID.
   */
  if (tincan_message_get_store_id (message) != 0)
    tincan_chat_set_write_problem (self, NULL);

  tincan_history_append (self->history, message);
  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message);
}

static void
on_outbox_message_loaded_cb (TincanChat    *self,
                             TincanMessage *message,
                             TincanOutbox  *outbox)
{
  tincan_history_pin (self->history, message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

/* Written, so whatever kept the history from being written is over; and
 * shown before the link has it, so its row starts at queued.
 */
static void
on_outbox_message_stored_cb (TincanChat    *self,
                             TincanMessage *message,
                             TincanOutbox  *outbox)
{
  tincan_chat_set_write_problem (self, NULL);
  tincan_history_pin (self->history, message);
  tincan_history_append (self->history, message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

static void
on_outbox_message_removed_cb (TincanChat    *self,
                              TincanMessage *message,
                              TincanOutbox  *outbox)
{
  tincan_history_unpin (self->history, message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

static void
on_link_notify_cb (TincanChat *self,
                   GParamSpec *pspec,
                   TincanLink *link)
{
  /* Whatever the link complained of, the peer answers now. */
  if (tincan_link_get_presence (link) == TINCAN_PRESENCE_ONLINE)
    set_error (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TITLE]);
  /* Sealing starts and stops with the session, not only with a new key. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCRYPTED]);
}

static void
on_datagram_ignored_cb (TincanChat          *self,
                        TincanIgnoredReason  reason,
                        guint                length,
                        TincanLink          *link)
{
  self->n_ignored++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IGNORED]);
}

static void
on_peer_error_cb (TincanChat   *self,
                  const GError *error,
                  TincanLink   *link)
{
  set_error (self, error->message);
}

static void
tincan_chat_set_link (TincanChat *self,
                      TincanLink *link)
{
  if (self->link != NULL)
    {
      /* Its messages stay in the outbox, as they are, for the next link. */
      tincan_outbox_detach (self->outbox);
      g_signal_handlers_disconnect_by_data (self->link, self);
      tincan_link_set_trust_func (self->link, NULL, NULL, NULL);
    }

  g_set_object (&self->link, link);
  self->n_ignored = 0;

  if (link != NULL)
    {
      tincan_outbox_attach (self->outbox, link);
      g_signal_connect_object (link, "message-received",
                               G_CALLBACK (on_message_received_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::presence",
                               G_CALLBACK (on_link_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::peer-name",
                               G_CALLBACK (on_link_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "peer-error",
                               G_CALLBACK (on_peer_error_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "datagram-ignored",
                               G_CALLBACK (on_datagram_ignored_cb), self, G_CONNECT_SWAPPED);

      tincan_chat_attach_keys (self, link);
    }

  /* Before the notifications: a window that hears of the new link finds
   * the files going with it.
   */
  tincan_chat_files_attach (self, link);

  tincan_chat_notify_keys (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IGNORED]);
}

/* Makes the link match the person and the hub's port.  A new link only
 * when the mode or the port changed; otherwise the peer is just set
 * again.
 */
void
tincan_chat_apply (TincanChat *self)
{
  TincanMode mode = self->person_mode;
  g_autofree char *name = tincan_settings_dup_effective_name (self->settings);
  /* IP Messenger users are talked to from the IPMsg hub's port, 2425. */
  TincanPort *port = mode == TINCAN_MODE_IPMSG ? self->ipmsg_port : self->port;
  const char *port_error = mode == TINCAN_MODE_IPMSG ? self->ipmsg_error : self->port_error;

  if (self->person_host == NULL)
    return;

  /* Without its identity Tin Can mode cannot prove who this is; plain
   * text needs none.  Without the hub's port nothing can be said.
   */
  if ((mode == TINCAN_MODE_RELIABLE && self->identity == NULL) || port == NULL)
    {
      if (self->link != NULL)
        tincan_chat_set_link (self, NULL);
      g_clear_pointer (&self->link_peer_host, g_free);
      set_error (self, self->identity == NULL && mode == TINCAN_MODE_RELIABLE
                       ? self->identity_error : port_error);
      return;
    }

  if (self->link == NULL || mode != self->link_mode || port != self->link_on)
    {
      g_autoptr(TincanLink) link = NULL;

      /* The old link goes first: on the port, it would answer for the
       * same address.
       */
      if (self->link != NULL)
        tincan_chat_set_link (self, NULL);

      link = tincan_link_new_on_port (port, mode);
      self->link_mode = mode;
      self->link_on = port;
      g_clear_pointer (&self->link_peer_host, g_free);
      tincan_chat_set_link (self, link);
    }

  set_error (self, NULL);
  tincan_link_set_display_name (self->link, name);
  /* Plain text has no receipts, so nothing to wait for. */
  tincan_link_set_waiting_limit (self->link,
                                 mode == TINCAN_MODE_RELIABLE
                                 ? tincan_settings_get_waiting_days (self->settings) * G_USEC_PER_SEC * G_GINT64_CONSTANT (86400)
                                 : 0);

  /* Setting the peer starts over with it (a new hello, a new epoch), so
   * only when it changed: a new name alone is not a new peer.
   */
  if (g_strcmp0 (self->link_peer_host, self->person_host) != 0
      || self->link_peer_port != self->person_port)
    {
      gboolean first = self->link_peer_host == NULL;

      g_free (self->link_peer_host);
      self->link_peer_host = g_strdup (self->person_host);
      self->link_peer_port = self->person_port;
      tincan_link_set_peer (self->link, self->link_peer_host, self->link_peer_port);
      tincan_chat_notify_keys (self);

      /* A new link: the outbox goes with it. */
      if (first)
        tincan_outbox_resume (self->outbox);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TITLE]);
}

static gboolean
apply_idle_cb (gpointer user_data)
{
  TincanChat *self = user_data;

  self->apply_idle = 0;
  tincan_chat_apply (self);

  return G_SOURCE_REMOVE;
}

static void
on_settings_notify_cb (TincanChat *self,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  /* Saving the dialog changes several properties at once; apply them
   * together, once.
   */
  if (self->apply_idle == 0)
    self->apply_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_idle_cb, self, NULL);
}

/* The person's view of the history, from the hub, and the outbox on it. */
static void
follow_history (TincanChat *self)
{
  g_autoptr(GError) error = NULL;

  g_signal_connect_object (self->store, "write-failed",
                           G_CALLBACK (on_write_failed_cb), self, G_CONNECT_SWAPPED);
  self->history = tincan_history_new (self->store);

  self->outbox = tincan_outbox_new (self->store);
  g_signal_connect_object (self->outbox, "message-loaded",
                           G_CALLBACK (on_outbox_message_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outbox, "message-stored",
                           G_CALLBACK (on_outbox_message_stored_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outbox, "message-removed",
                           G_CALLBACK (on_outbox_message_removed_cb), self, G_CONNECT_SWAPPED);
  if (!tincan_outbox_load (self->outbox, &error))
    tincan_chat_set_write_problem (self, error->message);

  tincan_chat_files_load (self);
}

static void
tincan_chat_constructed (GObject *object)
{
  TincanChat *self = TINCAN_CHAT (object);

  G_OBJECT_CLASS (tincan_chat_parent_class)->constructed (object);

  g_assert (TINCAN_IS_SETTINGS (self->settings));
  g_assert (TINCAN_IS_STORE (self->store));

  g_signal_connect_object (self->settings, "notify",
                           G_CALLBACK (on_settings_notify_cb), self, G_CONNECT_SWAPPED);

  follow_history (self);
}

static void
tincan_chat_dispose (GObject *object)
{
  TincanChat *self = TINCAN_CHAT (object);

  g_clear_handle_id (&self->apply_idle, g_source_remove);
  tincan_chat_set_link (self, NULL);
  tincan_chat_files_dispose (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->outbox);
  g_clear_object (&self->history);
  g_clear_object (&self->store);
  g_clear_object (&self->identity);
  g_clear_object (&self->port);
  g_clear_object (&self->ipmsg_port);

  G_OBJECT_CLASS (tincan_chat_parent_class)->dispose (object);
}

static void
tincan_chat_finalize (GObject *object)
{
  TincanChat *self = TINCAN_CHAT (object);

  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->open_problem, g_free);
  g_clear_pointer (&self->write_problem, g_free);
  g_clear_pointer (&self->link_peer_host, g_free);
  g_clear_pointer (&self->person_host, g_free);
  g_clear_pointer (&self->port_error, g_free);
  g_clear_pointer (&self->ipmsg_error, g_free);
  g_clear_pointer (&self->identity_error, g_free);
  g_clear_pointer (&self->own_fingerprint, g_free);

  G_OBJECT_CLASS (tincan_chat_parent_class)->finalize (object);
}

static void
tincan_chat_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TincanChat *self = TINCAN_CHAT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_MESSAGES:
      g_value_set_object (value, self->history);
      break;

    case PROP_LINK:
      g_value_set_object (value, self->link);
      break;

    case PROP_PRESENCE:
      g_value_set_enum (value, tincan_chat_get_presence (self));
      break;

    case PROP_PEER_TITLE:
      g_value_take_string (value, tincan_chat_dup_peer_title (self));
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_HISTORY_PROBLEM:
      g_value_set_string (value, tincan_chat_get_history_problem (self));
      break;

    case PROP_N_IGNORED:
      g_value_set_uint (value, self->n_ignored);
      break;

    case PROP_OWN_FINGERPRINT:
      g_value_set_string (value, tincan_chat_get_own_fingerprint (self));
      break;

    case PROP_PEER_FINGERPRINT:
      g_value_take_string (value, tincan_chat_dup_peer_fingerprint (self));
      break;

    case PROP_SAFETY_NUMBER:
      g_value_take_string (value, tincan_chat_dup_safety_number (self));
      break;

    case PROP_VERIFIED:
      g_value_set_boolean (value, tincan_chat_get_verified (self));
      break;

    case PROP_ENCRYPTED:
      g_value_set_boolean (value, tincan_chat_get_encrypted (self));
      break;

    case PROP_KEY_CHANGED:
      g_value_set_boolean (value, tincan_chat_get_key_changed (self));
      break;

    case PROP_NEW_SAFETY_NUMBER:
      g_value_take_string (value, tincan_chat_dup_new_safety_number (self));
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;

    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->person_id);
      break;

    case PROP_MODE:
      g_value_set_enum (value, tincan_chat_get_mode (self));
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, tincan_chat_get_n_waiting (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_chat_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TincanChat *self = TINCAN_CHAT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_IDENTITY:
      self->identity = g_value_dup_object (value);
      break;

    case PROP_PERSON_ID:
      self->person_id = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_chat_class_init (TincanChatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tincan_chat_constructed;
  object_class->dispose = tincan_chat_dispose;
  object_class->finalize = tincan_chat_finalize;
  object_class->get_property = tincan_chat_get_property;
  object_class->set_property = tincan_chat_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LINK] =
    g_param_spec_object ("link", NULL, NULL, TINCAN_TYPE_LINK,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL, TINCAN_TYPE_PRESENCE, TINCAN_PRESENCE_UNKNOWN,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PEER_TITLE] =
    g_param_spec_string ("peer-title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HISTORY_PROBLEM] =
    g_param_spec_string ("history-problem", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:n-ignored:
   *
   * How many datagrams from the peer's address the link ignored since it
   * was opened: in Tin Can mode, those that were not Tin Can packets,
   * likely a peer that speaks plain text.
   */
  properties[PROP_N_IGNORED] =
    g_param_spec_uint ("n-ignored", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanChat:own-fingerprint:
   *
   * This installation's fingerprint, as tincan_key_format_fingerprint()
   * writes it; %NULL if its identity could not be loaded.
   */
  properties[PROP_OWN_FINGERPRINT] =
    g_param_spec_string ("own-fingerprint", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:peer-fingerprint:
   *
   * The fingerprint of the peer's key in use; %NULL before a handshake
   * with a trusted key, and in plain mode.
   */
  properties[PROP_PEER_FINGERPRINT] =
    g_param_spec_string ("peer-fingerprint", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:safety-number:
   *
   * The safety number of this installation's key and the peer's key in
   * use, the same on both screens; %NULL when there is no peer key.
   */
  properties[PROP_SAFETY_NUMBER] =
    g_param_spec_string ("safety-number", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:verified:
   *
   * Whether the peer's key in use is pinned and a person marked it
   * verified (tincan_chat_mark_verified()).
   */
  properties[PROP_VERIFIED] =
    g_param_spec_boolean ("verified", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:encrypted:
   *
   * Whether what goes to the peer is sealed now.  Always %FALSE in plain
   * mode.
   */
  properties[PROP_ENCRYPTED] =
    g_param_spec_boolean ("encrypted", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:key-changed:
   *
   * Whether the peer answered with a key other than the one pinned for
   * it.  Nothing from that key is shown and nothing is sent to it, and
   * outgoing messages wait, until tincan_chat_accept_new_key().
   */
  properties[PROP_KEY_CHANGED] =
    g_param_spec_boolean ("key-changed", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanChat:new-safety-number:
   *
   * While #TincanChat:key-changed, the safety number of this
   * installation's key and the new one, to compare before accepting it;
   * %NULL otherwise.
   */
  properties[PROP_NEW_SAFETY_NUMBER] =
    g_param_spec_string ("new-safety-number", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* A person's conversation (tincan_chat_new_for_person()): the hub's
   * store view and identity, and who this is in the history.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, TINCAN_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL, TINCAN_TYPE_IDENTITY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /* Messages to the person not delivered yet (failed ones included):
   * the outbox.
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* How the conversation talks: the person's mode. */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, TINCAN_TYPE_MODE, TINCAN_MODE_RELIABLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PERSON_ID] =
    g_param_spec_int64 ("person-id", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanChat::message-received:
   * @chat: the chat
   * @message: a message from the peer, already in the model
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);

  /* A person's conversation only: the peer proved the key of another
   * person of the history (the int64 is their ID).  Nothing is trusted
   * on this conversation's link; the people hub decides.
   */
  signals[SAME_PERSON] =
    g_signal_new ("same-person",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
tincan_chat_init (TincanChat *self)
{
}

/**
 * tincan_chat_get_messages:
 * @self: a #TincanChat
 *
 * Returns: (transfer none): every #TincanMessage, oldest first: a
 *   #TincanHistory
 */
GListModel *
tincan_chat_get_messages (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return G_LIST_MODEL (self->history);
}

/**
 * tincan_chat_get_history_problem:
 * @self: a #TincanChat
 *
 * Returns: (nullable): why messages are not being kept, for a person to
 *   read: the history could not be opened, or the disk is full
 */
const char *
tincan_chat_get_history_problem (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return self->write_problem ? self->write_problem : self->open_problem;
}

/**
 * tincan_chat_get_moved_aside:
 * @self: a #TincanChat
 *
 * Returns: (nullable): where a damaged history was moved at start-up
 */
const char *
tincan_chat_get_moved_aside (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return tincan_store_get_moved_aside (self->store);
}

/**
 * tincan_chat_find_outgoing:
 * @self: a #TincanChat
 * @id: a message ID
 *
 * Returns: (transfer none) (nullable): the message with @id in the outbox
 */
TincanMessage *
tincan_chat_find_outgoing (TincanChat *self,
                           const char *id)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return tincan_outbox_find (self->outbox, id);
}

/**
 * tincan_chat_find:
 * @self: a #TincanChat
 * @query: what to look for
 * @before: search messages before this position; the number of messages
 *   to search them all
 * @error: return location for a #TincanStoreError
 *
 * Returns: the position of the newest message before @before that
 *   matches @query, or -1
 */
int
tincan_chat_find (TincanChat  *self,
                  const char  *query,
                  guint        before,
                  GError     **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), -1);

  return tincan_history_find (self->history, query, before, error);
}

/**
 * tincan_chat_clear_history:
 * @self: a #TincanChat
 * @error: return location for a #TincanStoreError
 *
 * Deletes every message but those still being sent.  Files still
 * moving, either way, are cancelled first: their rows go too.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_chat_clear_history (TincanChat  *self,
                           GError     **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  tincan_chat_files_clear (self);
  if (!tincan_history_clear (self->history, error))
    return FALSE;

  /* Failed messages went with the rest. */
  tincan_outbox_forget_failed (self->outbox);

  return TRUE;
}

/**
 * tincan_chat_get_n_ignored:
 * @self: a #TincanChat
 *
 * Returns: the #TincanChat:n-ignored count
 */
guint
tincan_chat_get_n_ignored (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), 0);

  return self->n_ignored;
}

/**
 * tincan_chat_get_link:
 * @self: a #TincanChat
 *
 * Returns: (transfer none) (nullable): the link, when one is open
 */
TincanLink *
tincan_chat_get_link (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return self->link;
}

TincanPresence
tincan_chat_get_presence (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), TINCAN_PRESENCE_UNKNOWN);

  return self->link ? tincan_link_get_presence (self->link) : TINCAN_PRESENCE_UNKNOWN;
}

/**
 * tincan_chat_dup_peer_title:
 * @self: a #TincanChat
 *
 * Returns: (transfer full) (nullable): the peer's name from its hello, or
 *   its address and port
 */
char *
tincan_chat_dup_peer_title (TincanChat *self)
{
  const char *name;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  name = self->link ? tincan_link_get_peer_name (self->link) : NULL;
  if (name != NULL && name[0] != '\0')
    return g_strdup (name);

  if (self->person_host == NULL)
    return NULL;

  return tincan_address_format_peer (self->person_host, self->person_port);
}

/**
 * tincan_chat_get_error:
 * @self: a #TincanChat
 *
 * Returns: (nullable): why the settings could not be applied, for a
 *   person to read
 */
const char *
tincan_chat_get_error (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return self->error;
}

/* Whether there is a link to act through; if not, says why. */
gboolean
tincan_chat_check_link (TincanChat  *self,
                        GError     **error)
{
  if (self->link != NULL)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       self->error ? self->error : _("No peer is set up"));
  return FALSE;
}

/**
 * tincan_chat_send:
 * @self: a #TincanChat
 * @text: the message
 * @error: return location for a #GError
 *
 * Returns: (transfer none) (nullable): the message, added to the model
 */
TincanMessage *
tincan_chat_send (TincanChat  *self,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!tincan_chat_check_link (self, error))
    return NULL;

  /* On the disk before anything leaves; if it cannot be, nothing is sent
   * and the text stays with the caller.  Once stored, it is shown
   * (message-stored) before the link has it.
   */
  message = tincan_outbox_send (self->outbox, text, &local_error);
  if (message == NULL)
    {
      if (g_error_matches (local_error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL))
        tincan_chat_set_write_problem (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return message;
}

/**
 * tincan_chat_get_n_waiting:
 * @self: a #TincanChat
 *
 * Returns: how many messages to the person are not delivered yet, failed
 *   ones included (see #TincanChat:n-waiting)
 */
guint
tincan_chat_get_n_waiting (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), 0);

  return self->outbox ? tincan_outbox_get_n_messages (self->outbox) : 0;
}
