/* tincan-files.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-link.h"
#include "tincan-transfer.h"

G_BEGIN_DECLS

#define TINCAN_FILES_ERROR (tincan_files_error_quark ())

typedef enum
{
  TINCAN_FILES_ERROR_NOT_REGULAR,   /* a folder, a device, a socket */
  TINCAN_FILES_ERROR_PLAIN,         /* plain-text and IP Messenger modes have no files */
  TINCAN_FILES_ERROR_FINISHED,      /* done, failed or cancelled already */
  TINCAN_FILES_ERROR_NOT_OFFERED,   /* accepting what was not offered */
} TincanFilesError;

GQuark tincan_files_error_quark (void);

#define TINCAN_TYPE_FILES (tincan_files_get_type ())

G_DECLARE_FINAL_TYPE (TincanFiles, tincan_files, TINCAN, FILES, GObject)

TincanFiles    *tincan_files_new              (TincanLink      *link);
void            tincan_files_set_link         (TincanFiles     *self,
                                               TincanLink      *link);
void            tincan_files_set_receive_dir  (TincanFiles     *self,
                                               GFile           *dir);
void            tincan_files_set_accept_limit (TincanFiles     *self,
                                               guint64          bytes);
TincanTransfer *tincan_files_send             (TincanFiles     *self,
                                               GFile           *file,
                                               const char      *id,
                                               GError         **error);
void            tincan_files_add_outgoing     (TincanFiles     *self,
                                               TincanTransfer  *transfer);
void            tincan_files_add_incoming     (TincanFiles     *self,
                                               TincanTransfer  *transfer);
gboolean        tincan_files_accept           (TincanFiles     *self,
                                               TincanTransfer  *transfer,
                                               GError         **error);
gboolean        tincan_files_cancel           (TincanFiles     *self,
                                               TincanTransfer  *transfer,
                                               GError         **error);
GListModel     *tincan_files_get_transfers    (TincanFiles     *self);
gsize           tincan_files_get_peak_queued  (TincanFiles     *self);

G_END_DECLS
