/* tincan-path-probe.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TincanPathProbe TincanPathProbe;

TincanPathProbe *tincan_path_probe_new             (GRand           *rand);
void             tincan_path_probe_free            (TincanPathProbe *self);
void             tincan_path_probe_reset           (TincanPathProbe *self);
void             tincan_path_probe_peer_hears_us   (TincanPathProbe *self,
                                                    gint64           now);
guint            tincan_path_probe_next            (TincanPathProbe *self,
                                                    gint64           now,
                                                    gboolean         online,
                                                    guint64         *token);
void             tincan_path_probe_stop            (TincanPathProbe *self);
void             tincan_path_probe_too_big         (TincanPathProbe *self);
void             tincan_path_probe_sent            (TincanPathProbe *self,
                                                    gint64           now,
                                                    gint64           timeout);
gboolean         tincan_path_probe_answered        (TincanPathProbe *self,
                                                    guint64          token,
                                                    gint64           now);
gboolean         tincan_path_probe_black_hole      (TincanPathProbe *self,
                                                    guint            timeouts,
                                                    gint64           now);
guint            tincan_path_probe_get_datagram_size (TincanPathProbe *self);
gint64           tincan_path_probe_get_deadline    (TincanPathProbe *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanPathProbe, tincan_path_probe_free)

G_END_DECLS
