/* tincan-announce.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The discovery packets of docs/PROTOCOL.md, "Discovery": encoding and
 * strict decoding of single datagrams.  No state, no I/O.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Chat stays on 2323; discovery has a port of its own. */
#define TINCAN_DISCOVERY_PORT         2324
#define TINCAN_DISCOVERY_GROUP_IPV4   "239.255.23.23"
#define TINCAN_DISCOVERY_GROUP_IPV6   "ff02::2323"

#define TINCAN_ANNOUNCE_VERSION       1
#define TINCAN_ANNOUNCE_HEADER_SIZE   8
#define TINCAN_ANNOUNCE_KEY_SIZE      32
/* In bytes of UTF-8, cut at a character boundary. */
#define TINCAN_ANNOUNCE_MAX_NAME      64
/* Header, key, chat port, chat protocol version, name length. */
#define TINCAN_ANNOUNCE_MIN_SIZE      (TINCAN_ANNOUNCE_HEADER_SIZE + TINCAN_ANNOUNCE_KEY_SIZE + 2 + 1 + 1)
#define TINCAN_ANNOUNCE_MAX_SIZE      (TINCAN_ANNOUNCE_MIN_SIZE + TINCAN_ANNOUNCE_MAX_NAME)
/* A query is padded to the largest announcement, so that no answer is
 * bigger than the question.
 */
#define TINCAN_ANNOUNCE_QUERY_SIZE    TINCAN_ANNOUNCE_MAX_SIZE

typedef enum
{
  TINCAN_ANNOUNCE_KIND_ANNOUNCE = 1,
  TINCAN_ANNOUNCE_KIND_QUERY    = 2,
} TincanAnnounceKind;

/* Why a datagram was refused; TincanDiscovery counts each. */
typedef enum
{
  TINCAN_ANNOUNCE_OK = 0,
  TINCAN_ANNOUNCE_NOT_DISCOVERY,   /* no magic */
  TINCAN_ANNOUNCE_BAD_VERSION,
  TINCAN_ANNOUNCE_BAD_KIND,
  TINCAN_ANNOUNCE_BAD_FLAGS,       /* flags or the reserved byte not 0 */
  TINCAN_ANNOUNCE_BAD_SIZE,
  TINCAN_ANNOUNCE_BAD_KEY,         /* all zeros */
  TINCAN_ANNOUNCE_BAD_PORT,        /* 0 */
  TINCAN_ANNOUNCE_BAD_PROTOCOL,    /* chat protocol version 0 */
  TINCAN_ANNOUNCE_BAD_NAME,        /* not UTF-8, or control characters */
  TINCAN_ANNOUNCE_BAD_PADDING,     /* a query's padding not all zeros */
  TINCAN_ANNOUNCE_N_RESULTS
} TincanAnnounceResult;

typedef struct
{
  TincanAnnounceKind kind;
  /* The rest for an announcement only. */
  guint8             key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint16            chat_port;
  guint8             protocol_version;
  char               name[TINCAN_ANNOUNCE_MAX_NAME + 1];   /* NUL-terminated */
} TincanAnnouncement;

gsize                tincan_announce_encode       (const guint8       *public_key,
                                                   guint16             chat_port,
                                                   guint8              protocol_version,
                                                   const char         *name,
                                                   guint8             *buffer);
gsize                tincan_announce_encode_query (guint8             *buffer);
TincanAnnounceResult tincan_announce_decode       (const guint8       *datagram,
                                                   gsize               length,
                                                   TincanAnnouncement *announcement);
const char          *tincan_announce_result_to_string (TincanAnnounceResult result);

G_END_DECLS
