/* tincan-people-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests: IP Messenger on loopback (see tincan-ipmsg-private.h).
 */

#pragma once

#include "tincan-ipmsg.h"
#include "tincan-local-net.h"
#include "tincan-people.h"

G_BEGIN_DECLS

void         tincan_people_set_ipmsg_test_setup (TincanPeople   *self,
                                                 GInetAddress   *address,
                                                 guint16         port,
                                                 TincanLocalNet *local_net,
                                                 GPtrArray      *targets);
TincanIpmsg *tincan_people_get_ipmsg            (TincanPeople   *self);

G_END_DECLS
