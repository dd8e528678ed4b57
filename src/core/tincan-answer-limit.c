/* tincan-answer-limit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whether to answer a discovery query: anyone on the link can send
 * queries, with any source address, so answers are limited per address
 * and overall, in a table of fixed size that a flood cannot grow.  Each
 * place holds an address and when it was last answered; the overall
 * limit is the number of places answered within the last second.  Time
 * is given by the caller, so the tests need no clock.
 */

#define G_LOG_DOMAIN "tincan-answer-limit"

#include "config.h"

#include <string.h>

#include "tincan-answer-limit.h"

#define SECOND G_USEC_PER_SEC
/* An IPv6 address, the longest. */
#define MAX_ADDRESS 16

typedef struct
{
  guint8 address[MAX_ADDRESS];
  gsize  length;     /* 0: a free place */
  gint64 answered;
} Slot;

struct _TincanAnswerLimit
{
  Slot slots[TINCAN_ANSWER_LIMIT_SLOTS];
};

TincanAnswerLimit *
tincan_answer_limit_new (void)
{
  return g_new0 (TincanAnswerLimit, 1);
}

void
tincan_answer_limit_free (TincanAnswerLimit *self)
{
  g_free (self);
}

/**
 * tincan_answer_limit_allow:
 * @self: a #TincanAnswerLimit
 * @source: where a query came from
 * @now: the monotonic time, in µs
 *
 * Counts the answer if it is allowed.
 *
 * Returns: %TRUE if @source may be answered now
 */
gboolean
tincan_answer_limit_allow (TincanAnswerLimit *self,
                           GInetAddress      *source,
                           gint64             now)
{
  const guint8 *bytes;
  gsize length;
  Slot *mine = NULL;
  Slot *oldest = NULL;
  guint recent = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (source), FALSE);

  bytes = g_inet_address_to_bytes (source);
  length = g_inet_address_get_native_size (source);
  g_return_val_if_fail (length <= MAX_ADDRESS, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      Slot *slot = &self->slots[i];

      if (slot->length > 0 && now - slot->answered < SECOND)
        recent++;

      if (slot->length == length && memcmp (slot->address, bytes, length) == 0)
        mine = slot;

      if (oldest == NULL || slot->length == 0
          || (oldest->length > 0 && slot->answered < oldest->answered))
        oldest = slot;
    }

  if (mine != NULL && now - mine->answered < SECOND)
    return FALSE;

  if (recent >= TINCAN_ANSWER_LIMIT_PER_SECOND)
    return FALSE;

  if (mine == NULL)
    {
      mine = oldest;
      memcpy (mine->address, bytes, length);
      mine->length = length;
    }
  mine->answered = now;

  return TRUE;
}
