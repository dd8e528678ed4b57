/* tincan-transfer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file going to or coming from a peer, as the conversation shows
 * it: its name, size, how far it got and how fast, and its state.  It
 * moves nothing itself; the files engine (tincan-files.c) sets it.
 *
 * Progress is kept exactly, but "offset" is notified at most five times
 * a second (and always at the end), so a fast transfer does not redraw
 * its row for every chunk.  The speed is smoothed over about two
 * seconds, so the time left does not jump with every sample.
 */

#define G_LOG_DOMAIN "tincan-transfer"

#include "config.h"

#include "tincan-transfer.h"

/* Notify progress no more often than this, in microseconds. */
#define NOTIFY_INTERVAL (G_USEC_PER_SEC / 5)
/* Samples of the speed closer together than this are merged. */
#define SPEED_SAMPLE    (G_USEC_PER_SEC / 4)

struct _TincanTransfer
{
  GObject              parent_instance;

  char                *id;            /* 32 hex digits, the same on both sides */
  gboolean             outgoing;
  char                *name;          /* a base name, never a path */
  guint64              size;
  char                *content_type;
  GFile               *file;          /* outgoing: the source; incoming: where it was saved */
  guint64              offset;        /* bytes the receiver has */
  TincanTransferState  state;
  char                *error;
  char                *waiting_for;
  char                *hash;          /* hex BLAKE2b of the whole file, once known */

  gint64               notified_at;
  gint64               sample_at;     /* when sample_offset was reached */
  guint64              sample_offset;
  double               speed;         /* bytes a second, smoothed; 0: unknown */
};

G_DEFINE_FINAL_TYPE (TincanTransfer, tincan_transfer, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TincanTransferState, tincan_transfer_state,
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_OFFERED, "offered"),
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_MOVING, "moving"),
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_VERIFYING, "verifying"),
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_DONE, "done"),
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (TINCAN_TRANSFER_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_ID,
  PROP_OUTGOING,
  PROP_NAME,
  PROP_SIZE,
  PROP_CONTENT_TYPE,
  PROP_FILE,
  PROP_OFFSET,
  PROP_SPEED,
  PROP_SECONDS_LEFT,
  PROP_STATE,
  PROP_ERROR,
  PROP_WAITING_FOR,
  PROP_HASH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
tincan_transfer_dispose (GObject *object)
{
  TincanTransfer *self = TINCAN_TRANSFER (object);

  g_clear_object (&self->file);

  G_OBJECT_CLASS (tincan_transfer_parent_class)->dispose (object);
}

static void
tincan_transfer_finalize (GObject *object)
{
  TincanTransfer *self = TINCAN_TRANSFER (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->content_type);
  g_free (self->error);
  g_free (self->waiting_for);
  g_free (self->hash);

  G_OBJECT_CLASS (tincan_transfer_parent_class)->finalize (object);
}

static void
tincan_transfer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TincanTransfer *self = TINCAN_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_OUTGOING:
      g_value_set_boolean (value, self->outgoing);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;

    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_OFFSET:
      g_value_set_uint64 (value, self->offset);
      break;

    case PROP_SPEED:
      g_value_set_uint64 (value, tincan_transfer_get_speed (self));
      break;

    case PROP_SECONDS_LEFT:
      g_value_set_int64 (value, tincan_transfer_get_seconds_left (self));
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_WAITING_FOR:
      g_value_set_string (value, self->waiting_for);
      break;

    case PROP_HASH:
      g_value_set_string (value, self->hash);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_transfer_class_init (TincanTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_transfer_dispose;
  object_class->finalize = tincan_transfer_finalize;
  object_class->get_property = tincan_transfer_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTGOING] =
    g_param_spec_boolean ("outgoing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT_TYPE] =
    g_param_spec_string ("content-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFSET] =
    g_param_spec_uint64 ("offset", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_uint64 ("speed", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_int64 ("seconds-left", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TINCAN_TYPE_TRANSFER_STATE, TINCAN_TRANSFER_OFFERED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WAITING_FOR] =
    g_param_spec_string ("waiting-for", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HASH] =
    g_param_spec_string ("hash", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_transfer_init (TincanTransfer *self)
{
  self->state = TINCAN_TRANSFER_OFFERED;
}

/**
 * tincan_transfer_new:
 * @id: the transfer's ID, 32 hex digits
 * @outgoing: whether this side sends it
 * @name: the file's name, without any folder
 * @size: its size in bytes
 *
 * A transfer in the offered state, at offset 0.  Its content type is
 * guessed from @name, never from the bytes, which may not be here yet.
 */
TincanTransfer *
tincan_transfer_new (const char *id,
                     gboolean    outgoing,
                     const char *name,
                     guint64     size)
{
  TincanTransfer *self;
  g_autofree char *type = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (TINCAN_TYPE_TRANSFER, NULL);
  self->id = g_strdup (id);
  self->outgoing = outgoing;
  self->name = g_strdup (name);
  self->size = size;
  type = g_content_type_guess (name, NULL, 0, NULL);
  self->content_type = g_steal_pointer (&type);

  return self;
}

const char *
tincan_transfer_get_id (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->id;
}

gboolean
tincan_transfer_get_outgoing (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), FALSE);

  return self->outgoing;
}

const char *
tincan_transfer_get_name (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->name;
}

guint64
tincan_transfer_get_size (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), 0);

  return self->size;
}

const char *
tincan_transfer_get_content_type (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->content_type;
}

/**
 * tincan_transfer_get_file:
 *
 * Returns: (nullable) (transfer none): for an outgoing transfer the file
 *   being sent; for an incoming one, where it was saved, set only once
 *   it is there under its final name
 */
GFile *
tincan_transfer_get_file (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->file;
}

void
tincan_transfer_set_file (TincanTransfer *self,
                          GFile          *file)
{
  g_return_if_fail (TINCAN_IS_TRANSFER (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

guint64
tincan_transfer_get_offset (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), 0);

  return self->offset;
}

/**
 * tincan_transfer_set_offset:
 * @offset: bytes the receiver has, at most the size
 * @now: the monotonic time, in microseconds
 *
 * Records progress.  An offset that goes back (a resumed transfer that
 * lost its last bytes) starts the speed again.
 */
void
tincan_transfer_set_offset (TincanTransfer *self,
                            guint64         offset,
                            gint64          now)
{
  gboolean went_back;

  g_return_if_fail (TINCAN_IS_TRANSFER (self));
  g_return_if_fail (offset <= self->size);

  if (offset == self->offset)
    return;

  went_back = offset < self->offset;
  if (went_back || self->sample_at == 0)
    {
      self->speed = 0;
      self->sample_at = now;
      self->sample_offset = offset;
    }
  else if (now - self->sample_at >= SPEED_SAMPLE)
    {
      double elapsed = (double) (now - self->sample_at) / G_USEC_PER_SEC;
      double sample = (double) (offset - self->sample_offset) / elapsed;
      /* About two seconds of memory at four samples a second. */
      self->speed = self->speed == 0 ? sample : 0.875 * self->speed + 0.125 * sample;
      self->sample_at = now;
      self->sample_offset = offset;
    }

  self->offset = offset;

  if (offset == self->size || now - self->notified_at >= NOTIFY_INTERVAL
      || went_back)
    {
      self->notified_at = now;
      g_object_freeze_notify (G_OBJECT (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFSET]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
      g_object_thaw_notify (G_OBJECT (self));
    }
}

/**
 * tincan_transfer_get_speed:
 *
 * Returns: bytes a second while the transfer moves, 0 when unknown or
 *   when it does not move
 */
guint64
tincan_transfer_get_speed (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), 0);

  if (self->state != TINCAN_TRANSFER_MOVING)
    return 0;

  return (guint64) self->speed;
}

/**
 * tincan_transfer_get_seconds_left:
 *
 * Returns: the time left at the current speed, rounded up, or -1 when
 *   the speed is not known
 */
gint64
tincan_transfer_get_seconds_left (TincanTransfer *self)
{
  guint64 speed;

  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), -1);

  speed = tincan_transfer_get_speed (self);
  if (speed == 0)
    return -1;

  return (gint64) ((self->size - self->offset + speed - 1) / speed);
}

TincanTransferState
tincan_transfer_get_state (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), TINCAN_TRANSFER_FAILED);

  return self->state;
}

/**
 * tincan_transfer_get_error:
 *
 * Returns: (nullable): why it failed or who cancelled it, in words a
 *   person can act on; NULL otherwise
 */
const char *
tincan_transfer_get_error (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->error;
}

/**
 * tincan_transfer_set_state:
 * @error: (nullable): for the failed and cancelled states, why
 *
 * Moving off the paused state forgets whom it waited for; a speed is
 * only measured while moving.
 */
void
tincan_transfer_set_state (TincanTransfer      *self,
                           TincanTransferState  state,
                           const char          *error)
{
  gboolean state_changed;
  gboolean error_changed;

  g_return_if_fail (TINCAN_IS_TRANSFER (self));

  state_changed = self->state != state;
  error_changed = set_str (&self->error, error);

  if (!state_changed && !error_changed)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  if (state_changed)
    {
      self->state = state;
      self->speed = 0;
      self->sample_at = 0;
      if (state != TINCAN_TRANSFER_PAUSED)
        tincan_transfer_set_waiting_for (self, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
    }
  if (error_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tincan_transfer_get_waiting_for:
 *
 * Returns: (nullable): while paused, the name of the person it waits for
 */
const char *
tincan_transfer_get_waiting_for (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->waiting_for;
}

void
tincan_transfer_set_waiting_for (TincanTransfer *self,
                                 const char     *name)
{
  g_return_if_fail (TINCAN_IS_TRANSFER (self));

  if (set_str (&self->waiting_for, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_FOR]);
}

/**
 * tincan_transfer_get_hash:
 *
 * Returns: (nullable): the BLAKE2b-256 hash of the whole file, 64 hex
 *   digits, once it is known
 */
const char *
tincan_transfer_get_hash (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), NULL);

  return self->hash;
}

void
tincan_transfer_set_hash (TincanTransfer *self,
                          const char     *hash)
{
  g_return_if_fail (TINCAN_IS_TRANSFER (self));

  if (set_str (&self->hash, hash))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HASH]);
}

/**
 * tincan_transfer_is_finished:
 *
 * Returns: whether nothing more will happen to it by itself: done,
 *   failed or cancelled
 */
gboolean
tincan_transfer_is_finished (TincanTransfer *self)
{
  g_return_val_if_fail (TINCAN_IS_TRANSFER (self), TRUE);

  return self->state == TINCAN_TRANSFER_DONE
         || self->state == TINCAN_TRANSFER_FAILED
         || self->state == TINCAN_TRANSFER_CANCELLED;
}
