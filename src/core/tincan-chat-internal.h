/* tincan-chat-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chat's instance, shared by tincan-chat.c (the object, its
 * properties and signals, the conversation), tincan-chat-keys.c
 * (encryption and trust), tincan-chat-files.c (files), and nothing else.
 */

#pragma once

#include "tincan-chat.h"
#include "tincan-files.h"
#include "tincan-history.h"
#include "tincan-identity.h"
#include "tincan-outbox.h"
#include "tincan-port.h"
#include "tincan-store.h"

G_BEGIN_DECLS

struct _TincanChat
{
  GObject         parent_instance;

  TincanSettings *settings;
  TincanLink     *link;
  TincanStore    *store;
  TincanHistory  *history;
  TincanOutbox   *outbox;
  char           *error;
  char           *open_problem;      /* for good: the history is in memory */
  char           *write_problem;     /* until the next write works */
  guint           n_ignored;         /* by the link, since it was opened */

  TincanMode      link_mode;
  char           *link_peer_host;
  guint16         link_peer_port;
  guint           apply_idle;

  /* The person (tincan-chat-person.c): who they are in the history,
   * where they are and how to talk to them, on the people hub's port.
   */
  gint64          person_id;
  TincanPort     *port;
  char           *port_error;        /* the hub could not bind its port */
  TincanPort     *link_on;           /* the port the link was made on */
  TincanPort     *ipmsg_port;        /* the IP Messenger hub's, for an IPMsg user */
  char           *ipmsg_error;       /* why there is none */
  char           *person_host;
  guint16         person_port;
  TincanMode      person_mode;

  TincanIdentity *identity;
  char           *identity_error;    /* Tin Can mode cannot start */
  char           *own_fingerprint;
  gboolean        verified;          /* the peer key in use, as pinned */

  /* Files (tincan-chat-files.c) */
  TincanFiles    *files;             /* with a Tin Can link only */
  GHashTable     *file_rows;         /* direction + transfer ID → TincanMessage:
                                      * this session's files and those not finished */
  GFile          *download_dir;      /* NULL: the Downloads folder */
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_MESSAGES,
  PROP_LINK,
  PROP_PRESENCE,
  PROP_PEER_TITLE,
  PROP_ERROR,
  PROP_HISTORY_PROBLEM,
  PROP_N_IGNORED,
  PROP_OWN_FINGERPRINT,
  PROP_PEER_FINGERPRINT,
  PROP_SAFETY_NUMBER,
  PROP_VERIFIED,
  PROP_ENCRYPTED,
  PROP_KEY_CHANGED,
  PROP_NEW_SAFETY_NUMBER,
  PROP_STORE,
  PROP_IDENTITY,
  PROP_PERSON_ID,
  PROP_MODE,
  PROP_N_WAITING,
  N_PROPS
};

/* tincan-chat.c: the object */
void tincan_chat_notify_property (TincanChat *self,
                                  guint       prop_id);
/* Whether there is a link to act through; if not, @error says why. */
gboolean tincan_chat_check_link  (TincanChat  *self,
                                  GError     **error);
/* Makes the link match the settings, or the person. */
void tincan_chat_apply           (TincanChat *self);
/* Emits #TincanChat::same-person. */
void tincan_chat_emit_same_person (TincanChat *self,
                                   gint64      person_id);
/* Emits #TincanChat::message-received for a message already shown. */
void tincan_chat_emit_message_received (TincanChat    *self,
                                        TincanMessage *message);
/* What keeps messages from being written, until the next write works. */
void tincan_chat_set_write_problem (TincanChat *self,
                                    const char *problem);

/* tincan-chat-files.c: files */

/* At start: reads back the files not finished, to resume them. */
void tincan_chat_files_load      (TincanChat *self);
/* The chat's link now (NULL: none): the engine goes with it. */
void tincan_chat_files_attach    (TincanChat *self,
                                  TincanLink *link);
/* Before the history is cleared: cancels what still moves. */
void tincan_chat_files_clear     (TincanChat *self);
void tincan_chat_files_dispose   (TincanChat *self);

/* tincan-chat-keys.c: encryption and trust */

/* Gives a new link the identity and the trust function (in Tin Can
 * mode) and follows its keys.
 */
void tincan_chat_attach_keys     (TincanChat *self,
                                  TincanLink *link);
/* Reads "verified" again and notifies every key property. */
void tincan_chat_notify_keys     (TincanChat *self);

G_END_DECLS
