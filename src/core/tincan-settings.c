/* tincan-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mirrors the io.github.tincan.TinCan GSettings schema into properties, so
 * the window and the peer dialog bind to one object and the tests need no
 * widgets.
 *
 * A peer or local port given on the command line is an override: it is
 * what the properties report for this run, and it is never written to
 * GSettings.  Saving the peer dialog is the person choosing again, so it
 * stores the new values and drops the overrides.
 */

#define G_LOG_DOMAIN "tincan-settings"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-settings.h"

struct _TincanSettings
{
  GObject    parent_instance;

  GSettings *settings;

  char      *display_name;
  char      *peer_address;
  guint16    peer_port;
  guint16    local_port;
  TincanMode mode;
  guint      waiting_days;
  guint      accept_files_mib;
  gboolean   discovery;
  gboolean   ipmsg;

  char      *override_address;
  guint16    override_peer_port;
  guint16    override_local_port;
  gboolean   override_no_discovery;
};

G_DEFINE_ENUM_TYPE (TincanMode, tincan_mode,
                    G_DEFINE_ENUM_VALUE (TINCAN_MODE_RELIABLE, "reliable"),
                    G_DEFINE_ENUM_VALUE (TINCAN_MODE_PLAIN, "plain"),
                    G_DEFINE_ENUM_VALUE (TINCAN_MODE_IPMSG, "ipmsg"))

G_DEFINE_FINAL_TYPE (TincanSettings, tincan_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_DISPLAY_NAME,
  PROP_PEER_ADDRESS,
  PROP_PEER_PORT,
  PROP_LOCAL_PORT,
  PROP_MODE,
  PROP_WAITING_DAYS,
  PROP_ACCEPT_FILES_MIB,
  PROP_DISCOVERY,
  PROP_IPMSG,
  PROP_HAS_PEER,
  PROP_OVERRIDDEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

/* Reads GSettings and the overrides into the fields, and notifies each
 * property whose value changed.  Every change, wherever it comes from,
 * goes through here, so the notifications cannot drift from the values.
 */
static void
tincan_settings_reload (TincanSettings *self)
{
  g_autofree char *display_name = g_settings_get_string (self->settings, "display-name");
  g_autofree char *address = g_settings_get_string (self->settings, "peer-address");
  guint16 peer_port = (guint16) g_settings_get_int (self->settings, "peer-port");
  guint16 local_port = (guint16) g_settings_get_int (self->settings, "local-port");
  TincanMode mode = g_settings_get_enum (self->settings, "mode");
  guint waiting_days = (guint) g_settings_get_int (self->settings, "waiting-days");
  guint accept_files_mib = (guint) g_settings_get_int (self->settings, "accept-files-mib");
  gboolean discovery = g_settings_get_boolean (self->settings, "discovery")
                       && !self->override_no_discovery;
  /* --no-discovery is a run that must send nothing to the network. */
  gboolean ipmsg = g_settings_get_boolean (self->settings, "ipmsg")
                   && !self->override_no_discovery;
  gboolean had_peer = tincan_settings_get_has_peer (self);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->override_address != NULL)
    {
      g_free (address);
      address = g_strdup (self->override_address);
      peer_port = self->override_peer_port;
    }

  if (self->override_local_port != 0)
    local_port = self->override_local_port;

  if (set_string (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);

  if (set_string (&self->peer_address, address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_ADDRESS]);

  if (had_peer != tincan_settings_get_has_peer (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_PEER]);

  if (self->peer_port != peer_port)
    {
      self->peer_port = peer_port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_PORT]);
    }

  if (self->local_port != local_port)
    {
      self->local_port = local_port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PORT]);
    }

  if (self->mode != mode)
    {
      self->mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
    }

  if (self->waiting_days != waiting_days)
    {
      self->waiting_days = waiting_days;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_DAYS]);
    }

  if (self->accept_files_mib != accept_files_mib)
    {
      self->accept_files_mib = accept_files_mib;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_FILES_MIB]);
    }

  if (self->discovery != discovery)
    {
      self->discovery = discovery;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERY]);
    }

  if (self->ipmsg != ipmsg)
    {
      self->ipmsg = ipmsg;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IPMSG]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_settings_changed_cb (TincanSettings *self,
                        const char     *key,
                        GSettings      *settings)
{
  tincan_settings_reload (self);
}

static void
tincan_settings_constructed (GObject *object)
{
  TincanSettings *self = TINCAN_SETTINGS (object);

  G_OBJECT_CLASS (tincan_settings_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (BASE_ID);

  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);

  tincan_settings_reload (self);
}

static void
tincan_settings_finalize (GObject *object)
{
  TincanSettings *self = TINCAN_SETTINGS (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->peer_address, g_free);
  g_clear_pointer (&self->override_address, g_free);

  G_OBJECT_CLASS (tincan_settings_parent_class)->finalize (object);
}

static void
tincan_settings_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TincanSettings *self = TINCAN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;

    case PROP_PEER_PORT:
      g_value_set_uint (value, self->peer_port);
      break;

    case PROP_LOCAL_PORT:
      g_value_set_uint (value, self->local_port);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    case PROP_ACCEPT_FILES_MIB:
      g_value_set_uint (value, self->accept_files_mib);
      break;

    case PROP_WAITING_DAYS:
      g_value_set_uint (value, self->waiting_days);
      break;

    case PROP_DISCOVERY:
      g_value_set_boolean (value, self->discovery);
      break;

    case PROP_IPMSG:
      g_value_set_boolean (value, self->ipmsg);
      break;

    case PROP_HAS_PEER:
      g_value_set_boolean (value, tincan_settings_get_has_peer (self));
      break;

    case PROP_OVERRIDDEN:
      g_value_set_boolean (value, tincan_settings_get_overridden (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_settings_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TincanSettings *self = TINCAN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_DISPLAY_NAME:
      tincan_settings_set_display_name (self, g_value_get_string (value));
      break;

    case PROP_DISCOVERY:
      tincan_settings_set_discovery (self, g_value_get_boolean (value));
      break;

    case PROP_IPMSG:
      tincan_settings_set_ipmsg (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_settings_class_init (TincanSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tincan_settings_constructed;
  object_class->finalize = tincan_settings_finalize;
  object_class->get_property = tincan_settings_get_property;
  object_class->set_property = tincan_settings_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL,
                         "",
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PEER_PORT] =
    g_param_spec_uint ("peer-port", NULL, NULL,
                       0, G_MAXUINT16, TINCAN_DEFAULT_PORT,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL,
                       0, G_MAXUINT16, TINCAN_DEFAULT_PORT,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       TINCAN_TYPE_MODE, TINCAN_MODE_RELIABLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* How long a message waits for someone who is away. */
  properties[PROP_WAITING_DAYS] =
    g_param_spec_uint ("waiting-days", NULL, NULL,
                       1, 365, 7,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The largest file saved without asking, in MiB; 0 asks for all. */
  properties[PROP_ACCEPT_FILES_MIB] =
    g_param_spec_uint ("accept-files-mib", NULL, NULL,
                       0, 1048576, 100,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Announcing, answering and listening on the local link (TincanDiscovery). */
  properties[PROP_DISCOVERY] =
    g_param_spec_boolean ("discovery", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Speaking IP Messenger on UDP 2425 (TincanIpmsg). */
  properties[PROP_IPMSG] =
    g_param_spec_boolean ("ipmsg", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_PEER] =
    g_param_spec_boolean ("has-peer", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_OVERRIDDEN] =
    g_param_spec_boolean ("overridden", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_settings_init (TincanSettings *self)
{
  self->display_name = g_strdup ("");
  self->peer_address = g_strdup ("");
  self->peer_port = TINCAN_DEFAULT_PORT;
  self->local_port = TINCAN_DEFAULT_PORT;
  self->mode = TINCAN_MODE_RELIABLE;
  self->waiting_days = 7;
  self->accept_files_mib = 100;
  self->discovery = TRUE;
  self->ipmsg = TRUE;
}

/**
 * tincan_settings_new:
 * @settings: (nullable): a #GSettings for the io.github.tincan.TinCan
 *   schema, or %NULL for the default one
 *
 * Returns: (transfer full): a new #TincanSettings
 */
TincanSettings *
tincan_settings_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (TINCAN_TYPE_SETTINGS,
                       "settings", settings,
                       NULL);
}

GSettings *
tincan_settings_get_gsettings (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), NULL);

  return self->settings;
}

const char *
tincan_settings_get_display_name (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), NULL);

  return self->display_name;
}

void
tincan_settings_set_display_name (TincanSettings *self,
                                  const char     *display_name)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));

  g_settings_set_string (self->settings, "display-name", display_name ? display_name : "");
}

/**
 * tincan_settings_dup_effective_name:
 * @self: a #TincanSettings
 *
 * Returns: (transfer full): the display name, or the account's full name
 *   (or, failing that, its user name) when none is set
 */
char *
tincan_settings_dup_effective_name (TincanSettings *self)
{
  const char *real_name;

  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), NULL);

  if (self->display_name[0] != '\0')
    return g_strdup (self->display_name);

  real_name = g_get_real_name ();
  if (real_name != NULL && real_name[0] != '\0' && g_strcmp0 (real_name, "Unknown") != 0)
    return g_strdup (real_name);

  return g_strdup (g_get_user_name ());
}

const char *
tincan_settings_get_peer_address (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), NULL);

  return self->peer_address;
}

guint16
tincan_settings_get_peer_port (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), 0);

  return self->peer_port;
}

guint16
tincan_settings_get_local_port (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), 0);

  return self->local_port;
}

TincanMode
tincan_settings_get_mode (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), TINCAN_MODE_RELIABLE);

  return self->mode;
}

gboolean
tincan_settings_get_discovery (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), TRUE);

  return self->discovery;
}

/**
 * tincan_settings_set_discovery:
 * @self: a #TincanSettings
 * @discovery: whether to find people nearby, and be found
 *
 * Stored in GSettings at once; some networks forbid multicast.
 */
void
tincan_settings_set_discovery (TincanSettings *self,
                               gboolean        discovery)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));

  g_settings_set_boolean (self->settings, "discovery", discovery);
}

/**
 * tincan_settings_get_ipmsg:
 * @self: a #TincanSettings
 *
 * Returns: whether to listen on UDP 2425 and speak IP Messenger (off
 *   for a run with tincan_settings_override_no_discovery())
 */
gboolean
tincan_settings_get_ipmsg (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), TRUE);

  return self->ipmsg;
}

/**
 * tincan_settings_set_ipmsg:
 * @self: a #TincanSettings
 * @ipmsg: whether to speak IP Messenger
 *
 * Stored in GSettings at once.
 */
void
tincan_settings_set_ipmsg (TincanSettings *self,
                           gboolean        ipmsg)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));

  g_settings_set_boolean (self->settings, "ipmsg", ipmsg);
}

gboolean
tincan_settings_get_has_peer (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), FALSE);

  return self->peer_address != NULL && self->peer_address[0] != '\0';
}

gboolean
tincan_settings_get_overridden (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), FALSE);

  return self->override_address != NULL || self->override_local_port != 0;
}

static void
tincan_settings_set_overrides (TincanSettings *self,
                               const char     *address,
                               guint16         peer_port,
                               guint16         local_port)
{
  gboolean was_overridden = tincan_settings_get_overridden (self);

  g_object_freeze_notify (G_OBJECT (self));

  set_string (&self->override_address, address);
  self->override_peer_port = peer_port;
  self->override_local_port = local_port;

  tincan_settings_reload (self);

  if (was_overridden != tincan_settings_get_overridden (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERRIDDEN]);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tincan_settings_save_peer:
 * @self: a #TincanSettings
 * @peer_address: a host already checked with tincan_address_normalize_host()
 * @peer_port: the peer's port, 1 to 65535
 * @local_port: the local port, 1 to 65535
 * @mode: the mode
 *
 * Stores the peer in GSettings as one change, and drops any command-line
 * override.
 */
void
tincan_settings_save_peer (TincanSettings *self,
                           const char     *peer_address,
                           guint16         peer_port,
                           guint16         local_port,
                           TincanMode      mode)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));
  g_return_if_fail (peer_address != NULL);
  g_return_if_fail (peer_port > 0);
  g_return_if_fail (local_port > 0);

  g_object_freeze_notify (G_OBJECT (self));

  /* Notifications are frozen until all four keys are written, so a
   * listener never sees the new address with the old port.
   */
  g_settings_set_string (self->settings, "peer-address", peer_address);
  g_settings_set_int (self->settings, "peer-port", peer_port);
  g_settings_set_int (self->settings, "local-port", local_port);
  g_settings_set_enum (self->settings, "mode", mode);

  tincan_settings_set_overrides (self, NULL, 0, 0);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tincan_settings_override_peer:
 * @self: a #TincanSettings
 * @peer_address: a host already checked with tincan_address_normalize_host()
 * @peer_port: the peer's port
 *
 * Uses @peer_address and @peer_port for this run without storing them.
 */
void
tincan_settings_override_peer (TincanSettings *self,
                               const char     *peer_address,
                               guint16         peer_port)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));
  g_return_if_fail (peer_address != NULL && peer_address[0] != '\0');
  g_return_if_fail (peer_port > 0);

  tincan_settings_set_overrides (self, peer_address, peer_port, self->override_local_port);
}

/**
 * tincan_settings_override_local_port:
 * @self: a #TincanSettings
 * @local_port: the local port
 *
 * Uses @local_port for this run without storing it.
 */
void
tincan_settings_override_local_port (TincanSettings *self,
                                     guint16         local_port)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));
  g_return_if_fail (local_port > 0);

  tincan_settings_set_overrides (self, self->override_address, self->override_peer_port,
                                 local_port);
}

/**
 * tincan_settings_get_waiting_days:
 * @self: a #TincanSettings
 *
 * Returns: how many days a message waits for someone who is away
 */
guint
tincan_settings_get_waiting_days (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), 7);

  return self->waiting_days;
}

/**
 * tincan_settings_get_accept_files_mib:
 * @self: a #TincanSettings
 *
 * Returns: the largest file, in MiB, saved without asking; 0 asks for
 *   every file
 */
guint
tincan_settings_get_accept_files_mib (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), 100);

  return self->accept_files_mib;
}

/**
 * tincan_settings_set_accept_files_mib:
 * @self: a #TincanSettings
 * @mib: the largest file saved without asking, 0 to 1048576 MiB
 *
 * Stored in GSettings at once.
 */
void
tincan_settings_set_accept_files_mib (TincanSettings *self,
                                      guint           mib)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));
  g_return_if_fail (mib <= 1048576);

  g_settings_set_int (self->settings, "accept-files-mib", (int) mib);
}

/**
 * tincan_settings_override_no_discovery:
 * @self: a #TincanSettings
 *
 * Turns discovery off for this run, without storing it: a run that must
 * stay silent on the network (tests, screenshots).
 */
void
tincan_settings_override_no_discovery (TincanSettings *self)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));

  self->override_no_discovery = TRUE;
  tincan_settings_reload (self);
}

/**
 * tincan_settings_set_waiting_days:
 * @self: a #TincanSettings
 * @days: how many days a message waits for someone who is away, 1 to 365
 *
 * Stored in GSettings at once.
 */
void
tincan_settings_set_waiting_days (TincanSettings *self,
                                  guint           days)
{
  g_return_if_fail (TINCAN_IS_SETTINGS (self));
  g_return_if_fail (days >= 1 && days <= 365);

  g_settings_set_int (self->settings, "waiting-days", (int) days);
}

/**
 * tincan_settings_get_no_discovery_override:
 * @self: a #TincanSettings
 *
 * Returns: whether discovery is off for this run whatever is stored
 *   (tincan_settings_override_no_discovery())
 */
gboolean
tincan_settings_get_no_discovery_override (TincanSettings *self)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (self), FALSE);

  return self->override_no_discovery;
}
