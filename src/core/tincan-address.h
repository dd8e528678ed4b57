/* tincan-address.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TINCAN_ADDRESS_ERROR (tincan_address_error_quark ())

typedef enum
{
  TINCAN_ADDRESS_ERROR_EMPTY,
  TINCAN_ADDRESS_ERROR_INVALID_HOST,
  TINCAN_ADDRESS_ERROR_INVALID_PORT,
} TincanAddressError;

#define TINCAN_MIN_PORT 1
#define TINCAN_MAX_PORT 65535

GQuark     tincan_address_error_quark    (void);

char      *tincan_address_normalize_host (const char  *text,
                                          GError     **error);
gboolean   tincan_address_parse_port     (const char  *text,
                                          guint16     *port,
                                          GError     **error);
gboolean   tincan_address_parse_peer     (const char  *text,
                                          guint16      default_port,
                                          char       **host,
                                          guint16     *port,
                                          GError     **error);
char      *tincan_address_format_peer    (const char  *host,
                                          guint16      port);
char      *tincan_address_format_socket  (GInetSocketAddress *address);
GStrv      tincan_address_list_local     (void);

G_END_DECLS
