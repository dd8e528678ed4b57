/* tincan-person-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-person.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_PERSON_ROW (tincan_person_row_get_type ())

G_DECLARE_FINAL_TYPE (TincanPersonRow, tincan_person_row, TINCAN, PERSON_ROW, AdwBin)

GtkWidget    *tincan_person_row_new        (void);
TincanPerson *tincan_person_row_get_person (TincanPersonRow *self);
void          tincan_person_row_set_person (TincanPersonRow *self,
                                            TincanPerson    *person);
char         *tincan_person_row_format_time (gint64          time,
                                             GDateTime      *now);

G_END_DECLS
