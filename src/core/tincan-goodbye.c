/* tincan-goodbye.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Leaving (docs/PROTOCOL.md, *Leaving*): the BYEs a closing link sends,
 * and how long it lingers after them.
 *
 * A receiver that goes as soon as it has its last message may leave that
 * message's ACK lost on the way: the sender sends the fragment again, to
 * nobody, and at its give-up time calls a message failed that arrived.
 * So a link that has acknowledged DATA lingers, answering what comes in
 * as usual, until nothing new has come for the linger time: longer than
 * a sender waits before sending again (an RTO, at most 1 s, +20%), so a
 * sender still missing an ACK is heard at least once more, and each
 * time it is heard the wait starts again.  A sender that keeps sending
 * cannot hold it for ever: it lingers five linger times at most.  Three
 * BYEs go over the first linger time, and the link sends its current ACK
 * again before each, for a sender whose retransmissions are lost too.
 *
 * It keeps the deadlines and says what to send; the link sends it.
 */

#define G_LOG_DOMAIN "tincan-goodbye"

#include "config.h"

#include "tincan-goodbye.h"

#define BYES_LINGERING   3
#define MAX_LINGERS      5

struct _TincanGoodbye
{
  gboolean active;
  gint64   started;
  gint64   linger;
  gint64   end;         /* done from then on, once every BYE went */
  gint64   next_bye;
  guint    byes_left;
};

TincanGoodbye *
tincan_goodbye_new (void)
{
  return g_new0 (TincanGoodbye, 1);
}

void
tincan_goodbye_free (TincanGoodbye *self)
{
  g_free (self);
}

/**
 * tincan_goodbye_start:
 * @self: a goodbye
 * @now: the monotonic time
 * @linger: how long nothing new must come before it is done, in µs; 0
 *   for one BYE and no lingering
 * @acknowledged: whether this side acknowledged DATA from the peer's
 *   current session: with nothing acknowledged, no ACK can be missing,
 *   and there is nothing to linger for
 *
 * Starts saying goodbye: the first BYE is due at once.  Three BYEs go
 * when lingering, spread over the first linger time; one otherwise.
 */
void
tincan_goodbye_start (TincanGoodbye *self,
                      gint64         now,
                      gint64         linger,
                      gboolean       acknowledged)
{
  self->active = TRUE;
  self->started = now;
  self->next_bye = now;

  if (!acknowledged || linger <= 0)
    {
      self->linger = 0;
      self->byes_left = 1;
      self->end = now;
      return;
    }

  self->linger = linger;
  self->byes_left = BYES_LINGERING;
  self->end = now + linger;
}

void
tincan_goodbye_stop (TincanGoodbye *self)
{
  self->active = FALSE;
}

gboolean
tincan_goodbye_is_active (TincanGoodbye *self)
{
  return self->active;
}

/* DATA came while lingering: the peer still sends, so the wait starts
 * again, up to the most a goodbye may take.
 */
void
tincan_goodbye_data_arrived (TincanGoodbye *self,
                             gint64         now)
{
  if (!self->active || self->linger == 0)
    return;

  self->end = MAX (self->end, MIN (now + self->linger,
                                   self->started + MAX_LINGERS * self->linger));
}

/**
 * tincan_goodbye_tick:
 * @self: a goodbye
 * @now: the monotonic time
 *
 * Runs the deadlines that are due.
 *
 * Returns: whether to send a BYE, and whether the goodbye is over
 */
TincanGoodbyeActions
tincan_goodbye_tick (TincanGoodbye *self,
                     gint64         now)
{
  TincanGoodbyeActions actions = 0;

  if (!self->active)
    return 0;

  if (self->byes_left > 0 && now >= self->next_bye)
    {
      actions |= TINCAN_GOODBYE_SEND_BYE;
      self->byes_left--;
      self->next_bye = now + self->linger / BYES_LINGERING;
    }

  if (self->byes_left == 0 && now >= self->end)
    {
      actions |= TINCAN_GOODBYE_DONE;
      self->active = FALSE;
    }

  return actions;
}

/* The next BYE or the end, or G_MAXINT64. */
gint64
tincan_goodbye_get_deadline (TincanGoodbye *self)
{
  if (!self->active)
    return G_MAXINT64;

  return self->byes_left > 0 ? self->next_bye : self->end;
}
