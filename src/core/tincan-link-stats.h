/* tincan-link-stats.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counters of a link.  The link owns them; each of its parts (the
 * socket, the sender, the receiver) is handed a pointer and counts what
 * it drops or repeats there, so nothing is dropped without being counted.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 datagrams_received;
  guint64 datagrams_sent;
  guint64 foreign;               /* not from the peer's address, nor for our session */
  guint64 malformed;             /* claimed to be Tin Can, was not valid */
  guint64 stale;                 /* for an old session or epoch */
  guint64 duplicates;            /* data already received */
  guint64 out_of_window;         /* data too far ahead */
  guint64 reassembly_discarded;  /* past a memory bound, or too old */
  guint64 plain_received;
  guint64 not_tincan;            /* no magic, in Tin Can mode: ignored */
  guint64 not_text;              /* plain text that was not: ignored */
  guint64 retransmissions;
  guint64 acks_sent;
  guint64 send_errors;
  guint64 not_kept;              /* refused by the keep function, to come again */
  guint64 unsealed;              /* a packet that must be sealed, in the clear */
  guint64 replayed;              /* a sealed packet seen before, or too old */
  guint64 forged;                /* a sealed packet or handshake that did not authenticate */
  guint64 no_key;                /* sealed with keys this side does not have (any more) */
  guint64 handshakes;            /* handshakes finished */
  guint64 handshakes_limited;    /* handshake messages dropped by the rate limit */
  guint64 keys_refused;          /* handshakes whose key the trust function refused */
  guint64 roamed;                /* the peer's address followed an authenticated packet */
} TincanLinkStats;

G_END_DECLS
