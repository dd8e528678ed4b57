/* tincan-file-compare.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files for the files tests: made random or sparse, hashed, and compared
 * byte for byte without reading every zero of a sparse one.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tincan_test_make_file        (const char *folder,
                                    const char *name,
                                    guint64     size,
                                    gboolean    sparse,
                                    GRand      *rand);
char *tincan_test_hash_file        (const char *path);
void  tincan_test_assert_same_file (const char *a,
                                    const char *b);

G_END_DECLS
