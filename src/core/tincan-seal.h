/* tincan-seal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sealed packets: the transport keys a handshake gave, their counters,
 * the replay window, and renewing them.  No socket, no clock of its own:
 * the link hands it datagrams and the time.
 */

#pragma once

#include <glib.h>

#include "tincan-noise.h"
#include "tincan-wire.h"

G_BEGIN_DECLS

/* How many packets behind the newest one the replay window still
 * accepts (once each); anything older is dropped.
 */
#define TINCAN_SEAL_WINDOW            4096

/* New keys, by a new handshake, after this long or this many packets
 * sent under one key, whichever comes first.
 */
#define TINCAN_SEAL_REKEY_AFTER_TIME    (G_GINT64_CONSTANT (30) * 60 * G_USEC_PER_SEC)
#define TINCAN_SEAL_REKEY_AFTER_PACKETS (G_GUINT64_CONSTANT (1) << 30)

/* Past this, a key is never used again, whether or not new ones came. */
#define TINCAN_SEAL_REJECT_AFTER_TIME   (3 * TINCAN_SEAL_REKEY_AFTER_TIME)
#define TINCAN_SEAL_REJECT_AFTER_PACKETS (G_GUINT64_CONSTANT (1) << 60)

/* The keys before the newest still open packets for this long, so that
 * nothing in flight when keys change is lost; then they are wiped.
 */
#define TINCAN_SEAL_KEEP_PREVIOUS       (G_GINT64_CONSTANT (2) * 60 * G_USEC_PER_SEC)

typedef struct
{
  guint64 next;      /* one past the highest counter accepted; 0: none yet */
  guint64 bits[TINCAN_SEAL_WINDOW / 64];
} TincanReplayWindow;

void     tincan_replay_window_reset  (TincanReplayWindow *window);
gboolean tincan_replay_window_check  (const TincanReplayWindow *window,
                                      guint64             counter);
void     tincan_replay_window_accept (TincanReplayWindow *window,
                                      guint64             counter);

typedef enum
{
  TINCAN_SEAL_OPENED,
  TINCAN_SEAL_NO_KEY,        /* no keys */
  TINCAN_SEAL_REPLAYED,      /* opened before, or older than the window */
  TINCAN_SEAL_FORGED,        /* does not authenticate with any keys held */
} TincanSealResult;

typedef struct _TincanSeal TincanSeal;

TincanSeal      *tincan_seal_new            (void);
void             tincan_seal_free           (TincanSeal         *self);
void             tincan_seal_clear          (TincanSeal         *self);
void             tincan_seal_install        (TincanSeal         *self,
                                             TincanNoiseCipher  *send,
                                             TincanNoiseCipher  *receive,
                                             guint8              phase,
                                             gint64              now);
gboolean         tincan_seal_has_keys       (TincanSeal         *self);
gboolean         tincan_seal_is_confirmed   (TincanSeal         *self);
gsize            tincan_seal_seal           (TincanSeal         *self,
                                             guint64             receiver_session,
                                             const guint8       *head,
                                             gsize               head_length,
                                             const guint8       *tail,
                                             gsize               tail_length,
                                             guint8             *out,
                                             gsize               out_size);
TincanSealResult tincan_seal_open           (TincanSeal         *self,
                                             const TincanPacket *sealed,
                                             const guint8       *datagram,
                                             guint8             *out,
                                             gsize              *out_length);
gboolean         tincan_seal_wants_rekey    (TincanSeal         *self,
                                             gint64              now,
                                             gint64              after);
gint64           tincan_seal_get_deadline   (TincanSeal         *self,
                                             gint64              rekey_after);
void             tincan_seal_expire         (TincanSeal         *self,
                                             gint64              now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanSeal, tincan_seal_free)

G_END_DECLS
