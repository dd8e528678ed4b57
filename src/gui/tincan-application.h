/* tincan-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-chat.h"
#include "tincan-people.h"
#include "tincan-settings.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_APPLICATION (tincan_application_get_type ())

G_DECLARE_FINAL_TYPE (TincanApplication, tincan_application, TINCAN, APPLICATION, AdwApplication)

TincanApplication *tincan_application_new          (void);
TincanSettings    *tincan_application_get_settings (TincanApplication *self);
TincanPeople      *tincan_application_get_people   (TincanApplication *self);
TincanChat        *tincan_application_get_chat     (TincanApplication *self);
void               tincan_application_set_history_path (TincanApplication *self,
                                                      const char        *path);
void               tincan_application_set_identity_path (TincanApplication *self,
                                                       const char        *path);

G_END_DECLS
