/* tincan-settings.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TINCAN_MODE_RELIABLE,
  TINCAN_MODE_PLAIN,
  TINCAN_MODE_IPMSG,   /* IP Messenger's protocol on UDP 2425: docs/IPMSG.md */
} TincanMode;

/* The UDP port of IP Messenger and iptux. */
#define TINCAN_IPMSG_PORT 2425

#define TINCAN_TYPE_MODE (tincan_mode_get_type ())
GType tincan_mode_get_type (void);

#define TINCAN_TYPE_SETTINGS (tincan_settings_get_type ())

G_DECLARE_FINAL_TYPE (TincanSettings, tincan_settings, TINCAN, SETTINGS, GObject)

TincanSettings *tincan_settings_new                  (GSettings       *settings);
GSettings      *tincan_settings_get_gsettings        (TincanSettings  *self);

const char     *tincan_settings_get_display_name     (TincanSettings  *self);
void            tincan_settings_set_display_name     (TincanSettings  *self,
                                                      const char      *display_name);
char           *tincan_settings_dup_effective_name   (TincanSettings  *self);
const char     *tincan_settings_get_peer_address     (TincanSettings  *self);
guint16         tincan_settings_get_peer_port        (TincanSettings  *self);
guint16         tincan_settings_get_local_port       (TincanSettings  *self);
TincanMode      tincan_settings_get_mode             (TincanSettings  *self);
guint           tincan_settings_get_waiting_days     (TincanSettings  *self);
guint           tincan_settings_get_accept_files_mib (TincanSettings  *self);
void            tincan_settings_set_accept_files_mib (TincanSettings  *self,
                                                      guint            mib);
void            tincan_settings_set_waiting_days     (TincanSettings  *self,
                                                      guint            days);
gboolean        tincan_settings_get_discovery        (TincanSettings  *self);
void            tincan_settings_set_discovery        (TincanSettings  *self,
                                                      gboolean         discovery);
gboolean        tincan_settings_get_ipmsg            (TincanSettings  *self);
void            tincan_settings_set_ipmsg            (TincanSettings  *self,
                                                      gboolean         ipmsg);
gboolean        tincan_settings_get_has_peer         (TincanSettings  *self);
gboolean        tincan_settings_get_overridden       (TincanSettings  *self);

void            tincan_settings_save_peer            (TincanSettings  *self,
                                                      const char      *peer_address,
                                                      guint16          peer_port,
                                                      guint16          local_port,
                                                      TincanMode       mode);
void            tincan_settings_override_peer        (TincanSettings  *self,
                                                      const char      *peer_address,
                                                      guint16          peer_port);
void            tincan_settings_override_local_port  (TincanSettings  *self,
                                                      guint16          local_port);
void            tincan_settings_override_no_discovery (TincanSettings *self);
gboolean        tincan_settings_get_no_discovery_override (TincanSettings *self);

G_END_DECLS
