/* tincan-ipmsg-packet.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IP Messenger's datagrams (docs/IPMSG.md): read and written here, and
 * nowhere else.  No socket, no clock: the fuzzer and the tests call it
 * directly.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Commands: the low byte of the command field. */
#define TINCAN_IPMSG_NOOPERATION     0x00u
#define TINCAN_IPMSG_BR_ENTRY        0x01u
#define TINCAN_IPMSG_BR_EXIT         0x02u
#define TINCAN_IPMSG_ANSENTRY        0x03u
#define TINCAN_IPMSG_BR_ABSENCE      0x04u
#define TINCAN_IPMSG_SENDMSG         0x20u
#define TINCAN_IPMSG_RECVMSG         0x21u
#define TINCAN_IPMSG_READMSG         0x30u
#define TINCAN_IPMSG_GETINFO         0x40u
#define TINCAN_IPMSG_SENDINFO        0x41u

#define TINCAN_IPMSG_COMMAND_MASK    0x000000ffu

/* Options: the other bits.  Those Tin Can does not use are kept, and
 * otherwise ignored.
 */
#define TINCAN_IPMSG_ABSENCEOPT      0x00000100u  /* entries */
#define TINCAN_IPMSG_SENDCHECKOPT    0x00000100u  /* SENDMSG: answer with RECVMSG */
#define TINCAN_IPMSG_SECRETOPT       0x00000200u
#define TINCAN_IPMSG_BROADCASTOPT    0x00000400u
#define TINCAN_IPMSG_MULTICASTOPT    0x00000800u
#define TINCAN_IPMSG_AUTORETOPT      0x00002000u  /* an automatic answer: never answered */
#define TINCAN_IPMSG_READCHECKOPT    0x00100000u
#define TINCAN_IPMSG_FILEATTACHOPT   0x00200000u
#define TINCAN_IPMSG_ENCRYPTOPT      0x00400000u
#define TINCAN_IPMSG_UTF8OPT         0x00800000u  /* this packet's text is UTF-8 */
#define TINCAN_IPMSG_CAPUTF8OPT      0x01000000u  /* the sender reads UTF-8 */

/* iptux reads 8 KiB a datagram: a message is sent in parts of at most
 * this many bytes of text, cut between characters.
 */
#define TINCAN_IPMSG_MAX_PART        8000

/* The largest datagram read or written, header included. */
#define TINCAN_IPMSG_MAX_DATAGRAM    8192

/* The version field Tin Can sends starts with this (then a space and
 * Tin Can's version): IP Messenger reads the "1" and stops, and another
 * Tin Can knows it is one.
 */
#define TINCAN_IPMSG_VERSION_PREFIX "1_tincan"

/* Packet numbers are 32-bit in iptux: never above this. */
#define TINCAN_IPMSG_MAX_PACKET_NUMBER G_MAXUINT32

typedef struct
{
  char    *version;        /* opaque: "1", "1_iptux 0.8.3" */
  guint32  packet_number;
  char    *user;           /* the sender's login name, as sent */
  char    *host;           /* the sender's host name, as sent */
  guint32  command;        /* command and options */
  GBytes  *extra;          /* up to the first NUL (or the end), raw */
  GBytes  *extra2;         /* after the first NUL, raw, trailing NULs removed (may be empty) */
} TincanIpmsgPacket;

typedef enum
{
  TINCAN_IPMSG_PARSE_OK,
  TINCAN_IPMSG_PARSE_MALFORMED,   /* not an IPMsg header: dropped and counted */
  TINCAN_IPMSG_PARSE_TOO_LONG,    /* over TINCAN_IPMSG_MAX_DATAGRAM */
} TincanIpmsgParseResult;

/* Who a BR_ENTRY, ANSENTRY or BR_ABSENCE says is there, as UTF-8 text:
 * from the UN:HN:NN:GN extension when there is one, else the entry's
 * nickname and group decoded like a message's text.
 */
typedef struct
{
  char *user;
  char *host;
  char *nickname;   /* "" if none: show user@host */
  char *group;      /* "" if none */
} TincanIpmsgEntry;

void                   tincan_ipmsg_packet_clear    (TincanIpmsgPacket       *packet);
TincanIpmsgParseResult tincan_ipmsg_packet_parse    (const guint8            *datagram,
                                                     gsize                    length,
                                                     TincanIpmsgPacket       *packet);
/* A datagram: "1_tincan VERSION:NUMBER:USER:HOST:COMMAND:" then
 * @extra, a NUL, and @extra2 (if not NULL) and a NUL.  ':' and control
 * characters in @user and @host are replaced by '_', and each is cut to
 * 64 bytes.  NULL if it would be over TINCAN_IPMSG_MAX_DATAGRAM.
 */
GBytes                *tincan_ipmsg_packet_format   (guint32                  packet_number,
                                                     const char              *user,
                                                     const char              *host,
                                                     guint32                  command,
                                                     const guint8            *extra,
                                                     gsize                    extra_length,
                                                     const guint8            *extra2,
                                                     gsize                    extra2_length);

/* A message's text as UTF-8: as is if it is valid UTF-8 (iptux sends
 * UTF-8 without UTF8OPT), else decoded from CP932.  NULL if it is
 * neither, or has control characters other than tab, CR and LF.
 */
char                  *tincan_ipmsg_decode_text     (const guint8            *text,
                                                     gsize                    length);
/* An entry's names (the packet's user and host, its extra and extra2). */
gboolean               tincan_ipmsg_entry_parse     (const TincanIpmsgPacket *packet,
                                                     TincanIpmsgEntry        *entry);
void                   tincan_ipmsg_entry_clear     (TincanIpmsgEntry        *entry);
/* The extra and extra2 of an entry we send: nickname and group, with
 * the UN:HN:NN:GN extension.
 */
void                   tincan_ipmsg_entry_format    (const TincanIpmsgEntry  *entry,
                                                     GByteArray              *extra,
                                                     GByteArray              *extra2);
/* Our entry as a datagram of at most @limit bytes (0: any): the
 * fullest shape that fits, or NULL.
 */
GBytes                *tincan_ipmsg_entry_datagram  (guint32                  packet_number,
                                                     guint32                  command,
                                                     const TincanIpmsgEntry  *entry,
                                                     gsize                    limit);

/* The next packet number this process sends, to anyone: they only
 * grow, even across restarts (iptux drops a number at or below the
 * last one it saw from an address, while still acknowledging it), so
 * they start from the clock's seconds and never fall behind it.
 */
guint32                tincan_ipmsg_next_packet_number (void);

/* How many parts @text is sent in: 1 if it fits in one. */
guint                  tincan_ipmsg_count_parts     (const char              *text);
/* The end of the part that starts at @start: at most
 * TINCAN_IPMSG_MAX_PART bytes on, between characters.
 */
const char            *tincan_ipmsg_cut_part        (const char              *start,
                                                     const char              *end);

G_END_DECLS
