/* tincan-bench-people.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GArray *small_ms;   /* double: open + list people, 1 person of 100 messages */
  GArray *large_ms;   /* the same, 50 people of 2,000 messages */
  GArray *small_kb;   /* double: SQLite's memory in use after it */
  GArray *large_kb;
} TincanBenchPeople;

void tincan_bench_people_run   (TincanBenchPeople *runs,
                                guint              repeats);
void tincan_bench_people_clear (TincanBenchPeople *runs);

G_END_DECLS
