/* tincan-answer-limit.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* At most one answer a second to one address, and this many a second
 * in all.
 */
#define TINCAN_ANSWER_LIMIT_PER_SECOND 10
/* More places than answers a second, so a place older than a second is
 * always free once the overall limit is kept.
 */
#define TINCAN_ANSWER_LIMIT_SLOTS      16

typedef struct _TincanAnswerLimit TincanAnswerLimit;

TincanAnswerLimit *tincan_answer_limit_new   (void);
void               tincan_answer_limit_free  (TincanAnswerLimit *self);
gboolean           tincan_answer_limit_allow (TincanAnswerLimit *self,
                                              GInetAddress      *source,
                                              gint64             now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanAnswerLimit, tincan_answer_limit_free)

G_END_DECLS
