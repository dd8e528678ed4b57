/* tincan-jitter.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An interval stretched by up to a fifth, so that two peers' timers do
 * not fire in step.
 */
static inline gint64
tincan_jittered (GRand  *rand,
                 gint64  interval)
{
  return interval + (gint64) (interval * g_rand_double_range (rand, 0.0, 0.2));
}

G_END_DECLS
