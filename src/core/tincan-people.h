/* tincan-people.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-chat.h"
#include "tincan-person.h"
#include "tincan-settings.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_PEOPLE (tincan_people_get_type ())

/* The people hub: a GListModel of TincanPerson, people with a
 * conversation first (most recent first), then the people nearby.
 */
G_DECLARE_FINAL_TYPE (TincanPeople, tincan_people, TINCAN, PEOPLE, GObject)

TincanPeople *tincan_people_new                (TincanSettings  *settings,
                                                const char      *history_path,
                                                const char      *identity_path);
TincanSettings *tincan_people_get_settings     (TincanPeople    *self);
const char   *tincan_people_get_ipmsg_error    (TincanPeople    *self);
/* The conversation with the person in the settings, as before there
 * were several: the first person, or NULL with none set up.
 */
TincanChat   *tincan_people_get_first_chat     (TincanPeople    *self);
TincanPerson *tincan_people_find_by_id         (TincanPeople    *self,
                                                gint64           id);
TincanPerson *tincan_people_find_by_chat       (TincanPeople    *self,
                                                TincanChat      *chat);
TincanPerson *tincan_people_add_by_address     (TincanPeople    *self,
                                                const char      *host,
                                                guint16          port,
                                                TincanMode       mode,
                                                GError         **error);
TincanChat   *tincan_people_start_conversation (TincanPeople    *self,
                                                TincanPerson    *person,
                                                GError         **error);
void          tincan_people_mark_read          (TincanPeople    *self,
                                                TincanPerson    *person);
void          tincan_people_set_download_dir   (TincanPeople    *self,
                                                GFile           *dir);
void          tincan_people_close_async        (TincanPeople        *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      tincan_people_close_finish       (TincanPeople    *self,
                                                GAsyncResult    *result,
                                                GError         **error);

G_END_DECLS
