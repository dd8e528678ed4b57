/* tincan-chat-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PLACEHOLDER for the files work (issue 14): the API the window is
 * written against.  Replaced by the real thing before it reaches main.
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include "tincan-chat-internal.h"

TincanMessage *
tincan_chat_send_file (TincanChat  *self,
                       GFile       *file,
                       GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return NULL;
}

gboolean
tincan_chat_accept_file (TincanChat     *self,
                         TincanMessage  *message,
                         GError        **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}

gboolean
tincan_chat_cancel_file (TincanChat     *self,
                         TincanMessage  *message,
                         GError        **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}
