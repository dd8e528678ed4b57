/* tincan-path-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path's datagram size (docs/PROTOCOL.md, *Path size*; RFC 8899,
 * packetization layer path MTU discovery).  DATA starts at
 * TINCAN_WIRE_BASE_DATAGRAM, which every path carries.  Once the peer is
 * known to hear us, PINGs padded to bigger sizes go out, largest first,
 * with the don't-fragment bit set; the first size answered is what DATA
 * is cut to from then on.  A size the local interface cannot send fails
 * at once; one the path drops is tried MAX_PROBES times.  A search that
 * ends below the largest size runs again later, and timeouts in a row at
 * a size above the base mean the path stopped carrying it: a black hole.
 *
 * It decides what to send and when; the link sends it.
 */

#define G_LOG_DOMAIN "tincan-path-probe"

#include "config.h"

#include "tincan-jitter.h"
#include "tincan-path-probe.h"
#include "tincan-wire.h"

#define MAX_PROBES             3
#define PROBE_RAISE_INTERVAL   (600 * G_USEC_PER_SEC)
#define BLACK_HOLE_TIMEOUTS    2

static const guint probe_sizes[] = {
  TINCAN_WIRE_MAX_DATAGRAM,  /* loopback: both ends on one computer */
  9000 - 48,                 /* jumbo frames, less IPv6 and UDP headers */
  1500 - 48,                 /* Ethernet, less IPv6 and UDP headers */
};

struct _TincanPathProbe
{
  GRand    *rand;
  gboolean  peer_hears_us;      /* it sent our session back */
  guint     datagram_size;      /* confirmed: DATA is cut to fit it */
  guint     index;              /* into probe_sizes */
  guint     sent;               /* of that size */
  guint64   token;
  gint64    deadline;           /* 0: not probing */
};

/**
 * tincan_path_probe_new:
 * @rand: for the probes' tokens; not copied, must outlive the probe
 */
TincanPathProbe *
tincan_path_probe_new (GRand *rand)
{
  TincanPathProbe *self = g_new0 (TincanPathProbe, 1);

  self->rand = rand;
  self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;

  return self;
}

void
tincan_path_probe_free (TincanPathProbe *self)
{
  g_free (self);
}

static void
start (TincanPathProbe *self,
       gint64           when)
{
  self->index = 0;
  self->sent = 0;
  self->token = 0;
  self->deadline = when;
}

/* Another peer, or the same one restarted, maybe on another path: back
 * to the base size, and no probing until it shows it hears us.
 */
void
tincan_path_probe_reset (TincanPathProbe *self)
{
  self->peer_hears_us = FALSE;
  self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;
  self->deadline = 0;
}

/* The peer sent our session back.  Only now is the path probed, so a
 * forged hello cannot turn Tin Can into a firehose aimed at the peer's
 * address.
 */
void
tincan_path_probe_peer_hears_us (TincanPathProbe *self,
                                 gint64           now)
{
  if (self->peer_hears_us)
    return;

  self->peer_hears_us = TRUE;
  start (self, now);
}

/**
 * tincan_path_probe_next:
 * @self: a probe
 * @now: the monotonic time
 * @online: whether the peer answers now; probing waits otherwise
 * @token: (out): the token for the PING
 *
 * Called when the deadline is reached: the size of the next PING to send
 * (the same size again, or the next smaller one), or 0 when the search is
 * over, to run again later if it ended below the largest size.  After
 * sending, call tincan_path_probe_sent(), or tincan_path_probe_too_big()
 * and this again if the interface refused the size.
 *
 * Returns: the PING's size in bytes, or 0
 */
guint
tincan_path_probe_next (TincanPathProbe *self,
                        gint64           now,
                        gboolean         online,
                        guint64         *token)
{
  self->deadline = 0;

  if (!self->peer_hears_us)
    return 0;

  if (!online)
    {
      start (self, now + PROBE_RAISE_INTERVAL);
      return 0;
    }

  while (self->index < G_N_ELEMENTS (probe_sizes)
         && probe_sizes[self->index] > self->datagram_size)
    {
      if (self->sent == MAX_PROBES)
        {
          self->index++;
          self->sent = 0;
          continue;
        }

      /* One token per size, so a late answer to an earlier try counts. */
      if (self->sent == 0)
        self->token = ((guint64) g_rand_int (self->rand) << 32) | g_rand_int (self->rand);

      *token = self->token;
      return probe_sizes[self->index];
    }

  if (self->datagram_size < probe_sizes[0])
    start (self, now + PROBE_RAISE_INTERVAL);

  return 0;
}

/* Nothing to probe: the peer has no address. */
void
tincan_path_probe_stop (TincanPathProbe *self)
{
  self->deadline = 0;
}

/* Bigger than the interface here takes: on to the next size. */
void
tincan_path_probe_too_big (TincanPathProbe *self)
{
  self->index++;
  self->sent = 0;
}

/* A probe went out; without an answer within @timeout, it goes again. */
void
tincan_path_probe_sent (TincanPathProbe *self,
                        gint64           now,
                        gint64           timeout)
{
  self->sent++;
  self->deadline = now + tincan_jittered (self->rand, timeout);
}

/**
 * tincan_path_probe_answered:
 * @self: a probe
 * @token: a PONG's token
 * @now: the monotonic time
 *
 * Returns: %TRUE if it answered the probe out now, or an earlier try of
 *   it, and so set the datagram size
 */
gboolean
tincan_path_probe_answered (TincanPathProbe *self,
                            guint64          token,
                            gint64           now)
{
  if (self->deadline == 0 || self->sent == 0 || token != self->token)
    return FALSE;

  self->datagram_size = probe_sizes[self->index];
  self->deadline = 0;
  g_debug ("The path carries datagrams of %u bytes", self->datagram_size);

  if (self->datagram_size < probe_sizes[0])
    start (self, now + PROBE_RAISE_INTERVAL);

  return TRUE;
}

/**
 * tincan_path_probe_black_hole:
 * @self: a probe
 * @timeouts: retransmission timeouts in a row
 * @now: the monotonic time
 *
 * Timeouts in a row with datagrams bigger than every path carries: the
 * path may have stopped carrying them.  If so, the size goes back to the
 * base, and the path is probed again.
 *
 * Returns: %TRUE if the size went back to the base: what is not
 *   delivered must be cut again, in a new epoch
 */
gboolean
tincan_path_probe_black_hole (TincanPathProbe *self,
                              guint            timeouts,
                              gint64           now)
{
  if (timeouts < BLACK_HOLE_TIMEOUTS || self->datagram_size <= TINCAN_WIRE_BASE_DATAGRAM)
    return FALSE;

  g_debug ("No answer to %u-byte datagrams: back to %u", self->datagram_size,
           TINCAN_WIRE_BASE_DATAGRAM);
  self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;
  start (self, now);

  return TRUE;
}

/* The biggest datagram the path is known to carry. */
guint
tincan_path_probe_get_datagram_size (TincanPathProbe *self)
{
  return self->datagram_size;
}

/* When the next probe is due, or 0. */
gint64
tincan_path_probe_get_deadline (TincanPathProbe *self)
{
  return self->deadline;
}
