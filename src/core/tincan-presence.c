/* tincan-presence.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whether the peer is there (docs/PROTOCOL.md, *Presence*): HELLOs until
 * it answers, retried with a doubling interval; offline after a few go
 * unanswered; once it is met, a keepalive PING on an idle link, and
 * offline when keepalives go unanswered.  "Not listening" comes from the
 * socket (port unreachable) and is set by the link.
 *
 * It keeps the deadlines and the state, and says what to send; the link
 * sends it.
 */

#define G_LOG_DOMAIN "tincan-presence"

#include "config.h"

#include "tincan-jitter.h"
#include "tincan-presence.h"

#define HELLO_FIRST_RETRY      (500 * G_TIME_SPAN_MILLISECOND)
#define HELLO_MAX_RETRY        (15 * G_USEC_PER_SEC)
#define HELLOS_BEFORE_OFFLINE  3
#define KEEPALIVE_INTERVAL     (30 * G_USEC_PER_SEC)
#define KEEPALIVES_BEFORE_OFFLINE 2

G_DEFINE_ENUM_TYPE (TincanPresence, tincan_presence,
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_UNKNOWN, "unknown"),
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_NOT_LISTENING, "not-listening"))

struct _TincanPresenceTracker
{
  GRand          *rand;
  TincanPresence  presence;
  gint64          hello_deadline;     /* 0: none */
  gint64          hello_interval;
  guint           hellos_unanswered;
  gint64          keepalive_deadline; /* 0: none */
  guint           keepalives_unanswered;
};

/**
 * tincan_presence_tracker_new:
 * @rand: jitter for the timers; not copied, must outlive the tracker
 */
TincanPresenceTracker *
tincan_presence_tracker_new (GRand *rand)
{
  TincanPresenceTracker *self = g_new0 (TincanPresenceTracker, 1);

  self->rand = rand;
  self->hello_interval = HELLO_FIRST_RETRY;

  return self;
}

void
tincan_presence_tracker_free (TincanPresenceTracker *self)
{
  g_free (self);
}

TincanPresence
tincan_presence_tracker_get (TincanPresenceTracker *self)
{
  return self->presence;
}

/* Returns: %TRUE if that changed it */
gboolean
tincan_presence_tracker_set (TincanPresenceTracker *self,
                             TincanPresence         presence)
{
  if (self->presence == presence)
    return FALSE;

  g_debug ("Peer is now %d", presence);
  self->presence = presence;

  return TRUE;
}

static void
schedule_hello (TincanPresenceTracker *self,
                gint64                 now)
{
  self->hello_deadline = now + tincan_jittered (self->rand, self->hello_interval);
  self->hello_interval = MIN (self->hello_interval * 2, HELLO_MAX_RETRY);
}

/* A HELLO was just sent to a new peer: retries start from the shortest. */
void
tincan_presence_tracker_start (TincanPresenceTracker *self,
                               gint64                 now)
{
  self->hello_interval = HELLO_FIRST_RETRY;
  self->hellos_unanswered = 0;
  schedule_hello (self, now);
}

/* Something waits to be sent: if the peer is not online and no HELLO is
 * due, returns %TRUE to say hello now rather than at the next retry.
 */
gboolean
tincan_presence_tracker_hurry (TincanPresenceTracker *self,
                               gint64                 now)
{
  if (self->presence == TINCAN_PRESENCE_ONLINE || self->hello_deadline != 0)
    return FALSE;

  self->hello_interval = HELLO_FIRST_RETRY;
  schedule_hello (self, now);

  return TRUE;
}

/* One side keeps an idle link alive, the one with the lower session ID;
 * the other waits half an interval longer, so an idle pair wakes for one
 * PING and one PONG per interval rather than two of each.
 */
static gint64
keepalive_interval (gboolean keeps_alive)
{
  return keeps_alive ? KEEPALIVE_INTERVAL : KEEPALIVE_INTERVAL * 3 / 2;
}

/* A packet came from the peer's session.  Returns %TRUE if it is now
 * online, and was not before.
 */
gboolean
tincan_presence_tracker_heard (TincanPresenceTracker *self,
                               gint64                 now,
                               gboolean               keeps_alive)
{
  self->hellos_unanswered = 0;
  self->hello_deadline = 0;
  self->keepalives_unanswered = 0;
  self->keepalive_deadline = now + keepalive_interval (keeps_alive);

  return tincan_presence_tracker_set (self, TINCAN_PRESENCE_ONLINE);
}

/**
 * tincan_presence_tracker_tick:
 * @self: a tracker
 * @now: the monotonic time
 * @keeps_alive: whether this side pings an idle link
 * @have_outgoing: whether messages wait to be delivered, which keeps
 *   HELLOs going to a peer that does not answer
 *
 * Runs the deadlines that are due.
 *
 * Returns: what to send, and whether the presence changed
 */
TincanPresenceActions
tincan_presence_tracker_tick (TincanPresenceTracker *self,
                              gint64                 now,
                              gboolean               keeps_alive,
                              gboolean               have_outgoing)
{
  TincanPresenceActions actions = 0;

  if (self->hello_deadline != 0 && now >= self->hello_deadline)
    {
      self->hello_deadline = 0;

      if (++self->hellos_unanswered >= HELLOS_BEFORE_OFFLINE
          && self->presence != TINCAN_PRESENCE_NOT_LISTENING
          && tincan_presence_tracker_set (self, TINCAN_PRESENCE_OFFLINE))
        actions |= TINCAN_PRESENCE_CHANGED;

      /* After the first few, only while there is something to deliver. */
      if (self->hellos_unanswered < HELLOS_BEFORE_OFFLINE || have_outgoing)
        {
          actions |= TINCAN_PRESENCE_SEND_HELLO;
          schedule_hello (self, now);
        }
    }

  if (self->keepalive_deadline != 0 && now >= self->keepalive_deadline)
    {
      if (++self->keepalives_unanswered > KEEPALIVES_BEFORE_OFFLINE)
        {
          self->keepalive_deadline = 0;
          if (tincan_presence_tracker_set (self, TINCAN_PRESENCE_OFFLINE))
            actions |= TINCAN_PRESENCE_CHANGED;
        }
      else
        {
          /* The other side should have pinged; if it has gone quiet for
           * a whole interval, this side asks too.
           */
          if (keeps_alive || self->keepalives_unanswered > 1)
            actions |= TINCAN_PRESENCE_SEND_PING;
          self->keepalive_deadline = now + keepalive_interval (keeps_alive);
        }
    }

  return actions;
}

/* The next HELLO or keepalive due, or G_MAXINT64. */
gint64
tincan_presence_tracker_get_deadline (TincanPresenceTracker *self)
{
  gint64 next = G_MAXINT64;

  if (self->hello_deadline != 0)
    next = MIN (next, self->hello_deadline);
  if (self->keepalive_deadline != 0)
    next = MIN (next, self->keepalive_deadline);

  return next;
}
