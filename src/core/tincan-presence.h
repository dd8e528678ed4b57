/* tincan-presence.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TINCAN_PRESENCE_UNKNOWN,
  TINCAN_PRESENCE_ONLINE,
  TINCAN_PRESENCE_OFFLINE,
  TINCAN_PRESENCE_NOT_LISTENING,
} TincanPresence;

#define TINCAN_TYPE_PRESENCE (tincan_presence_get_type ())
GType tincan_presence_get_type (void);

/* What the link should do after tincan_presence_tracker_tick(). */
typedef enum
{
  TINCAN_PRESENCE_SEND_HELLO = 1 << 0,
  TINCAN_PRESENCE_SEND_PING  = 1 << 1,
  TINCAN_PRESENCE_CHANGED    = 1 << 2,
} TincanPresenceActions;

typedef struct _TincanPresenceTracker TincanPresenceTracker;

TincanPresenceTracker *tincan_presence_tracker_new          (GRand                 *rand);
void                   tincan_presence_tracker_free         (TincanPresenceTracker *self);
TincanPresence         tincan_presence_tracker_get          (TincanPresenceTracker *self);
gboolean               tincan_presence_tracker_set          (TincanPresenceTracker *self,
                                                             TincanPresence         presence);
void                   tincan_presence_tracker_start        (TincanPresenceTracker *self,
                                                             gint64                 now);
gboolean               tincan_presence_tracker_hurry        (TincanPresenceTracker *self,
                                                             gint64                 now);
gboolean               tincan_presence_tracker_heard        (TincanPresenceTracker *self,
                                                             gint64                 now,
                                                             gboolean               keeps_alive);
TincanPresenceActions  tincan_presence_tracker_tick         (TincanPresenceTracker *self,
                                                             gint64                 now,
                                                             gboolean               keeps_alive,
                                                             gboolean               have_outgoing);
gint64                 tincan_presence_tracker_get_deadline (TincanPresenceTracker *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanPresenceTracker, tincan_presence_tracker_free)

G_END_DECLS
