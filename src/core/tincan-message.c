/* tincan-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One chat message, sent or received.  Its state is what the window shows
 * next to it; only the link changes it.
 */

#define G_LOG_DOMAIN "tincan-message"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-message.h"
#include "tincan-wire.h"

struct _TincanMessage
{
  GObject             parent_instance;

  char               *id;
  char               *text;
  char               *sender;
  guint64             uid;
  gint64              store_id;
  char               *failure_reason;
  char               *waiting_for;    /* while the peer is away */
  TincanTransfer     *transfer;       /* a file row: the file, its progress */
  GBytes             *record;         /* a record for the files engine, not text */
  gint64              time;
  guint               n_parts;        /* IP Messenger: datagrams the text went in */
  TincanMessageState  state;
  guint               outgoing : 1;
  guint               plain : 1;
};

G_DEFINE_ENUM_TYPE (TincanMessageState, tincan_message_state,
                    G_DEFINE_ENUM_VALUE (TINCAN_MESSAGE_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (TINCAN_MESSAGE_SENT, "sent"),
                    G_DEFINE_ENUM_VALUE (TINCAN_MESSAGE_DELIVERED, "delivered"),
                    G_DEFINE_ENUM_VALUE (TINCAN_MESSAGE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (TINCAN_MESSAGE_RECEIVED, "received"))

G_DEFINE_FINAL_TYPE (TincanMessage, tincan_message, G_TYPE_OBJECT)

G_DEFINE_QUARK (tincan-message-error-quark, tincan_message_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_TEXT,
  PROP_OUTGOING,
  PROP_PLAIN,
  PROP_TIME,
  PROP_STATE,
  PROP_FAILURE_REASON,
  PROP_WAITING_FOR,
  PROP_TRANSFER,
  PROP_N_PARTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tincan_message_finalize (GObject *object)
{
  TincanMessage *self = TINCAN_MESSAGE (object);

  g_clear_object (&self->transfer);
  g_clear_pointer (&self->record, g_bytes_unref);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->sender, g_free);
  g_clear_pointer (&self->failure_reason, g_free);
  g_clear_pointer (&self->waiting_for, g_free);

  G_OBJECT_CLASS (tincan_message_parent_class)->finalize (object);
}

static void
tincan_message_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TincanMessage *self = TINCAN_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_OUTGOING:
      g_value_set_boolean (value, self->outgoing);
      break;

    case PROP_PLAIN:
      g_value_set_boolean (value, self->plain);
      break;

    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_WAITING_FOR:
      g_value_set_string (value, self->waiting_for);
      break;

    case PROP_TRANSFER:
      g_value_set_object (value, self->transfer);
      break;

    case PROP_N_PARTS:
      g_value_set_uint (value, self->n_parts);
      break;

    case PROP_FAILURE_REASON:
      g_value_set_string (value, self->failure_reason);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_message_class_init (TincanMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tincan_message_finalize;
  object_class->get_property = tincan_message_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_OUTGOING] =
    g_param_spec_boolean ("outgoing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAIN] =
    g_param_spec_boolean ("plain", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TIME] =
    g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TINCAN_TYPE_MESSAGE_STATE, TINCAN_MESSAGE_QUEUED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FAILURE_REASON] =
    g_param_spec_string ("failure-reason", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * TincanMessage:waiting-for:
   *
   * The name of the person an outgoing message waits for while they are
   * away, or %NULL.  The message is queued all the while; this is only
   * not kept in the history.
   */
  properties[PROP_WAITING_FOR] =
    g_param_spec_string ("waiting-for", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanMessage:transfer:
   *
   * For a file row, the file being sent or received, its progress and
   * state; %NULL for a text message.  The message's text is then the
   * file's name.
   */
  properties[PROP_TRANSFER] =
    g_param_spec_object ("transfer", NULL, NULL, TINCAN_TYPE_TRANSFER,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanMessage:n-parts:
   *
   * For a message to an IP Messenger user, how many datagrams its text
   * went in (iptux reads at most 8 KiB of one); 1 for any other.
   */
  properties[PROP_N_PARTS] =
    g_param_spec_uint ("n-parts", NULL, NULL,
                       1, G_MAXUINT, 1,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_message_init (TincanMessage *self)
{
  self->time = g_get_real_time ();
  self->n_parts = 1;
}

/* Takes @text. */
static TincanMessage *
tincan_message_new (const char *id,
                    char       *text,
                    gboolean    outgoing,
                    gboolean    plain)
{
  TincanMessage *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  self = g_object_new (TINCAN_TYPE_MESSAGE, NULL);
  self->id = g_strdup (id);
  self->text = text;
  self->outgoing = !!outgoing;
  self->plain = !!plain;
  self->state = outgoing ? TINCAN_MESSAGE_QUEUED : TINCAN_MESSAGE_RECEIVED;

  return self;
}

static guint64
random_uid (void)
{
  guint64 uid;

  do
    uid = ((guint64) g_random_int () << 32) | g_random_int ();
  while (uid == 0);

  return uid;
}

/**
 * tincan_message_check_text:
 * @text: what someone wants to send
 * @error: return location for a #TincanMessageError
 *
 * What any outgoing message must be, however it is sent: checked before
 * it is stored, so nothing that cannot be sent waits in the outbox.
 *
 * Returns: %TRUE if @text can be sent: valid UTF-8, 1 byte to
 *   %TINCAN_WIRE_MAX_MESSAGE
 */
gboolean
tincan_message_check_text (const char  *text,
                           GError     **error)
{
  gsize length;

  g_return_val_if_fail (text != NULL, FALSE);

  length = strlen (text);
  if (length == 0)
    {
      g_set_error_literal (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_EMPTY,
                           _("The message is empty"));
      return FALSE;
    }

  if (length > TINCAN_WIRE_MAX_MESSAGE)
    {
      g_set_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_TOO_LARGE,
                   _("The message is %lu bytes long; the most Tin Can sends is 1 MiB (%d bytes)"),
                   (unsigned long) length, TINCAN_WIRE_MAX_MESSAGE);
      return FALSE;
    }

  if (!tincan_wire_validate_text ((const guint8 *) text, length))
    {
      g_set_error_literal (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_NOT_UTF8,
                           _("The message is not valid UTF-8 text"));
      return FALSE;
    }

  return TRUE;
}

/**
 * tincan_message_new_outgoing:
 * @text: UTF-8 text
 * @plain: sent as a plain-text datagram, without delivery receipts
 *
 * The message gets a random 64-bit ID, which stays its own for good: a
 * receiver that has seen it once takes it as a repeat.
 *
 * Returns: (transfer full): a queued message
 */
TincanMessage *
tincan_message_new_outgoing (const char *text,
                             gboolean    plain)
{
  guint64 uid = random_uid ();
  g_autofree char *id = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", uid);
  TincanMessage *self = tincan_message_new (id, g_strdup (text), TRUE, plain);

  self->uid = uid;

  return self;
}

/**
 * tincan_message_new_stored:
 * @store_id: its row in the store
 * @uid: the sender's ID for it, or 0 for plain text
 * @sender: (nullable): the sending installation, for a received message
 * @text: UTF-8 text
 * @outgoing: %TRUE if it was written here
 * @plain: plain text
 * @time: when it was written or received, in µs since the epoch
 * @state: as stored
 * @failure_reason: (nullable): as stored, for a failed message
 *
 * Returns: (transfer full): a message read back from a #TincanStore
 */
TincanMessage *
tincan_message_new_stored (gint64              store_id,
                           guint64             uid,
                           const char         *sender,
                           const char         *text,
                           gboolean            outgoing,
                           gboolean            plain,
                           gint64              time,
                           TincanMessageState  state,
                           const char         *failure_reason)
{
  g_autofree char *id = NULL;
  TincanMessage *self;

  if (outgoing && uid != 0)
    id = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", uid);
  else if (sender != NULL)
    id = g_strdup_printf ("%s-%016" G_GINT64_MODIFIER "x", sender, uid);
  else
    id = g_strdup_printf ("stored-%" G_GINT64_FORMAT, store_id);

  self = tincan_message_new (id, g_strdup (text), outgoing, plain);
  self->store_id = store_id;
  self->uid = uid;
  self->sender = g_strdup (sender);
  self->time = time;
  self->state = state;
  if (state == TINCAN_MESSAGE_FAILED)
    self->failure_reason = g_strdup (failure_reason ? failure_reason : "");

  return self;
}

/**
 * tincan_message_new_incoming:
 * @id: unique among received messages
 * @sender: (nullable): the sending installation's identity, in hex; %NULL
 *   for plain text
 * @uid: the sender's ID for it, or 0 for plain text
 * @text: UTF-8 text
 * @plain: it came as a plain-text datagram, so nothing vouches for it
 *
 * Returns: (transfer full): a received message
 */
TincanMessage *
tincan_message_new_incoming (const char *id,
                             const char *sender,
                             guint64     uid,
                             const char *text,
                             gboolean    plain)
{
  return tincan_message_take_incoming (id, sender, uid, g_strdup (text), plain);
}

/**
 * tincan_message_take_incoming:
 * @id: unique among received messages
 * @sender: (nullable): the sending installation's identity, in hex
 * @uid: the sender's ID for it, or 0 for plain text
 * @text: (transfer full): UTF-8 text, which the message keeps
 * @plain: it came as a plain-text datagram
 *
 * As tincan_message_new_incoming(), without copying @text: a message of
 * a mebibyte is reassembled once and never copied after.
 *
 * Returns: (transfer full): a received message
 */
TincanMessage *
tincan_message_take_incoming (const char *id,
                              const char *sender,
                              guint64     uid,
                              char       *text,
                              gboolean    plain)
{
  TincanMessage *self = tincan_message_new (id, text, FALSE, plain);

  self->sender = g_strdup (sender);
  self->uid = uid;

  return self;
}

/**
 * tincan_message_new_record:
 * @record: a record (docs/PROTOCOL.md, *Files*): 0x00, then its type and
 *   fields, at most %TINCAN_WIRE_MAX_MESSAGE bytes
 *
 * A message that carries bytes for the files engine rather than text.  It
 * goes like any other message, but is never stored or shown: its text is
 * empty.
 *
 * Returns: (transfer full): a queued message
 */
TincanMessage *
tincan_message_new_record (GBytes *record)
{
  TincanMessage *self = tincan_message_new_outgoing ("", FALSE);

  self->record = g_bytes_ref (record);

  return self;
}

/* A record from the peer, its buffer taken. */
TincanMessage *
tincan_message_take_incoming_record (const char *id,
                                     const char *sender,
                                     guint64     uid,
                                     GBytes     *record)
{
  TincanMessage *self = tincan_message_take_incoming (id, sender, uid, g_strdup (""), FALSE);

  self->record = record;

  return self;
}

/**
 * tincan_message_get_record:
 * @self: a #TincanMessage
 *
 * Returns: (transfer none) (nullable): the record it carries, or %NULL
 *   for a text message
 */
GBytes *
tincan_message_get_record (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->record;
}

const char *
tincan_message_get_id (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->id;
}

/**
 * tincan_message_get_uid:
 * @self: a #TincanMessage
 *
 * Returns: the sender's 64-bit ID for it, the same after any restart;
 *   0 for plain text
 */
guint64
tincan_message_get_uid (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), 0);

  return self->uid;
}

/**
 * tincan_message_get_sender:
 * @self: a #TincanMessage
 *
 * Returns: (nullable): the sending installation's identity in hex, for a
 *   message received in reliable mode
 */
const char *
tincan_message_get_sender (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->sender;
}

/**
 * tincan_message_get_store_id:
 * @self: a #TincanMessage
 *
 * Returns: its row in the #TincanStore, or 0 if it is not stored
 */
gint64
tincan_message_get_store_id (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), 0);

  return self->store_id;
}

void
tincan_message_set_store_id (TincanMessage *self,
                             gint64         store_id)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));

  self->store_id = store_id;
}

const char *
tincan_message_get_text (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->text;
}

gboolean
tincan_message_get_outgoing (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), FALSE);

  return self->outgoing;
}

gboolean
tincan_message_get_plain (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), FALSE);

  return self->plain;
}

/**
 * tincan_message_get_time:
 * @self: a #TincanMessage
 *
 * Returns: when it was written or received, in microseconds since the epoch
 */
gint64
tincan_message_get_time (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), 0);

  return self->time;
}

TincanMessageState
tincan_message_get_state (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), TINCAN_MESSAGE_FAILED);

  return self->state;
}

/**
 * tincan_message_get_failure_reason:
 * @self: a #TincanMessage
 *
 * Returns: (nullable): why it failed, for a person to read
 */
const char *
tincan_message_get_failure_reason (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->failure_reason;
}

void
tincan_message_set_state (TincanMessage      *self,
                          TincanMessageState  state,
                          const char         *failure_reason)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));
  g_return_if_fail ((state == TINCAN_MESSAGE_FAILED) == (failure_reason != NULL));

  if (g_strcmp0 (self->failure_reason, failure_reason) != 0)
    {
      g_free (self->failure_reason);
      self->failure_reason = g_strdup (failure_reason);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE_REASON]);
    }

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

/**
 * tincan_message_get_waiting_for:
 * @self: a #TincanMessage
 *
 * Returns: (nullable): who the message waits for, while they are away
 */
const char *
tincan_message_get_waiting_for (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->waiting_for;
}

void
tincan_message_set_waiting_for (TincanMessage *self,
                                const char    *name)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));

  if (g_strcmp0 (self->waiting_for, name) == 0)
    return;

  g_free (self->waiting_for);
  self->waiting_for = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_FOR]);
}

guint
tincan_message_get_n_parts (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), 1);

  return self->n_parts;
}

void
tincan_message_set_n_parts (TincanMessage *self,
                            guint          n_parts)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));
  g_return_if_fail (n_parts >= 1);

  if (self->n_parts == n_parts)
    return;

  self->n_parts = n_parts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PARTS]);
}

/**
 * tincan_message_get_transfer:
 * @self: a #TincanMessage
 *
 * Returns: (nullable) (transfer none): the file this row is about, or
 *   %NULL for a text message
 */
TincanTransfer *
tincan_message_get_transfer (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->transfer;
}

void
tincan_message_set_transfer (TincanMessage  *self,
                             TincanTransfer *transfer)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));
  g_return_if_fail (transfer == NULL || TINCAN_IS_TRANSFER (transfer));

  if (g_set_object (&self->transfer, transfer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFER]);
}
