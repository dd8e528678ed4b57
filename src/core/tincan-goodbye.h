/* tincan-goodbye.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the link should do after tincan_goodbye_tick(). */
typedef enum
{
  TINCAN_GOODBYE_SEND_BYE = 1 << 0,
  TINCAN_GOODBYE_DONE     = 1 << 1,
} TincanGoodbyeActions;

typedef struct _TincanGoodbye TincanGoodbye;

TincanGoodbye        *tincan_goodbye_new          (void);
void                  tincan_goodbye_free         (TincanGoodbye *self);
void                  tincan_goodbye_start        (TincanGoodbye *self,
                                                   gint64         now,
                                                   gint64         linger,
                                                   gboolean       acknowledged);
void                  tincan_goodbye_stop         (TincanGoodbye *self);
gboolean              tincan_goodbye_is_active    (TincanGoodbye *self);
void                  tincan_goodbye_data_arrived (TincanGoodbye *self,
                                                   gint64         now);
TincanGoodbyeActions  tincan_goodbye_tick         (TincanGoodbye *self,
                                                   gint64         now);
gint64                tincan_goodbye_get_deadline (TincanGoodbye *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanGoodbye, tincan_goodbye_free)

G_END_DECLS
