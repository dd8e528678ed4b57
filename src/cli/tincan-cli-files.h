/* tincan-cli-files.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-files.h"
#include "tincan-identity.h"

G_BEGIN_DECLS

typedef struct _TincanCliFiles TincanCliFiles;

/* Called when a transfer finished: @failed if it did not end done. */
typedef void (*TincanCliFilesFunc) (gboolean  received,
                                    gboolean  failed,
                                    gpointer  user_data);

void            tincan_cli_print_event        (gboolean            json,
                                               const char         *event,
                                               ...) G_GNUC_NULL_TERMINATED;
TincanCliFiles *tincan_cli_files_new          (TincanLink         *link,
                                               gboolean            json,
                                               TincanCliFilesFunc  finished,
                                               gpointer            user_data);
void            tincan_cli_files_free         (TincanCliFiles     *self);
gboolean        tincan_cli_files_set_receive_dir (TincanCliFiles  *self,
                                               const char         *path,
                                               GError            **error);
gboolean        tincan_cli_files_send         (TincanCliFiles     *self,
                                               const char         *path,
                                               TincanIdentity     *identity,
                                               GError            **error);
gboolean        tincan_cli_files_busy         (TincanCliFiles     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanCliFiles, tincan_cli_files_free)

G_END_DECLS
