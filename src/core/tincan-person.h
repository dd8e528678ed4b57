/* tincan-person.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-chat.h"
#include "tincan-presence.h"
#include "tincan-settings.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_PERSON (tincan_person_get_type ())

G_DECLARE_FINAL_TYPE (TincanPerson, tincan_person, TINCAN, PERSON, GObject)

TincanPerson   *tincan_person_new              (const char     *name,
                                                TincanMode      mode);
gint64          tincan_person_get_id           (TincanPerson   *self);
const char     *tincan_person_get_name         (TincanPerson   *self);
const char     *tincan_person_get_fingerprint  (TincanPerson   *self);
const char     *tincan_person_get_address      (TincanPerson   *self);
TincanMode      tincan_person_get_mode         (TincanPerson   *self);
TincanPresence  tincan_person_get_presence     (TincanPerson   *self);
gboolean        tincan_person_get_nearby       (TincanPerson   *self);
const char     *tincan_person_get_last_text    (TincanPerson   *self);
gint64          tincan_person_get_last_time    (TincanPerson   *self);
gboolean        tincan_person_get_last_outgoing (TincanPerson  *self);
guint           tincan_person_get_unread       (TincanPerson   *self);
guint           tincan_person_get_n_waiting    (TincanPerson   *self);
TincanChat     *tincan_person_get_chat         (TincanPerson   *self);

G_END_DECLS
