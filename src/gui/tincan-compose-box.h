/* tincan-compose-box.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_COMPOSE_BOX (tincan_compose_box_get_type ())

G_DECLARE_FINAL_TYPE (TincanComposeBox, tincan_compose_box, TINCAN, COMPOSE_BOX, GtkWidget)

GtkWidget *tincan_compose_box_new           (void);
guint      tincan_compose_box_get_max_bytes (TincanComposeBox *self);
void       tincan_compose_box_set_max_bytes (TincanComposeBox *self,
                                             guint             max_bytes);
gboolean   tincan_compose_box_get_error     (TincanComposeBox *self);
void       tincan_compose_box_set_error     (TincanComposeBox *self,
                                             gboolean          error);
void       tincan_compose_box_clear         (TincanComposeBox *self);
void       tincan_compose_box_set_attach_tooltip (TincanComposeBox *self,
                                                  const char       *tooltip);

G_END_DECLS
