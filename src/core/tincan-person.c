/* tincan-person.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person in the sidebar: someone with a conversation, or someone
 * nearby that discovery found.  It is only what the sidebar shows, set
 * by the people hub through g_object_set(); it sends nothing and reads
 * nothing.  A person is their key, wherever their computer is, so the
 * address here is where they were last seen, not who they are.
 */

#define G_LOG_DOMAIN "tincan-person"

#include "config.h"

#include "tincan-person.h"

struct _TincanPerson
{
  GObject         parent_instance;

  gint64          id;              /* in the history; 0: nearby only */
  char           *name;
  char           *fingerprint;     /* NULL: a plain-text person */
  char           *address;         /* "host:port", as last seen */
  TincanMode      mode;
  TincanPresence  presence;
  gboolean        nearby;          /* found by discovery, no conversation yet */
  char           *last_text;       /* the last message's first line */
  gint64          last_time;       /* its time, in real-time microseconds */
  gboolean        last_outgoing;
  guint           unread;
  guint           n_waiting;       /* outgoing messages not delivered yet */
  TincanChat     *chat;            /* NULL until the conversation is open */
};

G_DEFINE_FINAL_TYPE (TincanPerson, tincan_person, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_FINGERPRINT,
  PROP_ADDRESS,
  PROP_MODE,
  PROP_PRESENCE,
  PROP_NEARBY,
  PROP_LAST_TEXT,
  PROP_LAST_TIME,
  PROP_LAST_OUTGOING,
  PROP_UNREAD,
  PROP_N_WAITING,
  PROP_CHAT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tincan_person_dispose (GObject *object)
{
  TincanPerson *self = TINCAN_PERSON (object);

  g_clear_object (&self->chat);

  G_OBJECT_CLASS (tincan_person_parent_class)->dispose (object);
}

static void
tincan_person_finalize (GObject *object)
{
  TincanPerson *self = TINCAN_PERSON (object);

  g_free (self->name);
  g_free (self->fingerprint);
  g_free (self->address);
  g_free (self->last_text);

  G_OBJECT_CLASS (tincan_person_parent_class)->finalize (object);
}

static void
tincan_person_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TincanPerson *self = TINCAN_PERSON (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    case PROP_PRESENCE:
      g_value_set_enum (value, self->presence);
      break;

    case PROP_NEARBY:
      g_value_set_boolean (value, self->nearby);
      break;

    case PROP_LAST_TEXT:
      g_value_set_string (value, self->last_text);
      break;

    case PROP_LAST_TIME:
      g_value_set_int64 (value, self->last_time);
      break;

    case PROP_LAST_OUTGOING:
      g_value_set_boolean (value, self->last_outgoing);
      break;

    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, self->n_waiting);
      break;

    case PROP_CHAT:
      g_value_set_object (value, self->chat);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Sets *@field to @value and notifies, if it changed. */
static void
set_string (TincanPerson  *self,
            char         **field,
            const GValue  *value,
            guint          prop_id)
{
  const char *text = g_value_get_string (value);

  if (g_strcmp0 (*field, text) == 0)
    return;

  g_free (*field);
  *field = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int (TincanPerson *self,
         gint64       *field,
         gint64        value,
         guint         prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
tincan_person_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TincanPerson *self = TINCAN_PERSON (object);
  gint64 number;

  switch (prop_id)
    {
    case PROP_ID:
      set_int (self, &self->id, g_value_get_int64 (value), prop_id);
      break;

    case PROP_NAME:
      set_string (self, &self->name, value, prop_id);
      break;

    case PROP_FINGERPRINT:
      set_string (self, &self->fingerprint, value, prop_id);
      break;

    case PROP_ADDRESS:
      set_string (self, &self->address, value, prop_id);
      break;

    case PROP_MODE:
      number = self->mode;
      set_int (self, &number, g_value_get_enum (value), prop_id);
      self->mode = number;
      break;

    case PROP_PRESENCE:
      number = self->presence;
      set_int (self, &number, g_value_get_enum (value), prop_id);
      self->presence = number;
      break;

    case PROP_NEARBY:
      number = self->nearby;
      set_int (self, &number, g_value_get_boolean (value), prop_id);
      self->nearby = number;
      break;

    case PROP_LAST_TEXT:
      set_string (self, &self->last_text, value, prop_id);
      break;

    case PROP_LAST_TIME:
      set_int (self, &self->last_time, g_value_get_int64 (value), prop_id);
      break;

    case PROP_LAST_OUTGOING:
      number = self->last_outgoing;
      set_int (self, &number, g_value_get_boolean (value), prop_id);
      self->last_outgoing = number;
      break;

    case PROP_UNREAD:
      number = self->unread;
      set_int (self, &number, g_value_get_uint (value), prop_id);
      self->unread = number;
      break;

    case PROP_N_WAITING:
      number = self->n_waiting;
      set_int (self, &number, g_value_get_uint (value), prop_id);
      self->n_waiting = number;
      break;

    case PROP_CHAT:
      if (g_set_object (&self->chat, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_person_class_init (TincanPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tincan_person_dispose;
  object_class->finalize = tincan_person_finalize;
  object_class->get_property = tincan_person_get_property;
  object_class->set_property = tincan_person_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       TINCAN_TYPE_MODE, TINCAN_MODE_RELIABLE, flags);
  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL,
                       TINCAN_TYPE_PRESENCE, TINCAN_PRESENCE_UNKNOWN, flags);
  properties[PROP_NEARBY] =
    g_param_spec_boolean ("nearby", NULL, NULL, FALSE, flags);
  properties[PROP_LAST_TEXT] =
    g_param_spec_string ("last-text", NULL, NULL, NULL, flags);
  properties[PROP_LAST_TIME] =
    g_param_spec_int64 ("last-time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LAST_OUTGOING] =
    g_param_spec_boolean ("last-outgoing", NULL, NULL, FALSE, flags);
  properties[PROP_UNREAD] =
    g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CHAT] =
    g_param_spec_object ("chat", NULL, NULL, TINCAN_TYPE_CHAT, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_person_init (TincanPerson *self)
{
  self->mode = TINCAN_MODE_RELIABLE;
  self->presence = TINCAN_PRESENCE_UNKNOWN;
}

TincanPerson *
tincan_person_new (const char *name,
                   TincanMode  mode)
{
  return g_object_new (TINCAN_TYPE_PERSON,
                       "name", name,
                       "mode", mode,
                       NULL);
}

gint64
tincan_person_get_id (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), 0);

  return self->id;
}

const char *
tincan_person_get_name (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), NULL);

  return self->name;
}

const char *
tincan_person_get_fingerprint (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), NULL);

  return self->fingerprint;
}

const char *
tincan_person_get_address (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), NULL);

  return self->address;
}

TincanMode
tincan_person_get_mode (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), TINCAN_MODE_RELIABLE);

  return self->mode;
}

TincanPresence
tincan_person_get_presence (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), TINCAN_PRESENCE_UNKNOWN);

  return self->presence;
}

gboolean
tincan_person_get_nearby (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), FALSE);

  return self->nearby;
}

const char *
tincan_person_get_last_text (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), NULL);

  return self->last_text;
}

gint64
tincan_person_get_last_time (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), 0);

  return self->last_time;
}

gboolean
tincan_person_get_last_outgoing (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), FALSE);

  return self->last_outgoing;
}

guint
tincan_person_get_unread (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), 0);

  return self->unread;
}

guint
tincan_person_get_n_waiting (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), 0);

  return self->n_waiting;
}

TincanChat *
tincan_person_get_chat (TincanPerson *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON (self), NULL);

  return self->chat;
}
