/* tincan-local-net.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which IPv4 addresses are on this computer's own subnets, and where a
 * broadcast reaches them (docs/IPMSG.md).  Anything heard from IP
 * Messenger, which any program on the network can send with any source
 * address, may make Tin Can send only to such an address: never out to
 * the internet, and never to a broadcast or network address, which would
 * multiply one spoofed datagram into many answers.  Loopback is local:
 * the interface lo says so, 127.0.0.1/8.
 *
 * The interfaces are read with getifaddrs() once, and again when
 * GNetworkMonitor says the network changed; tests give a fixed list.
 */

#define G_LOG_DOMAIN "tincan-local-net"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "tincan-local-net.h"

typedef struct
{
  guint32 address;     /* host byte order */
  guint32 mask;
  guint32 broadcast;   /* 0: none */
} Subnet;

struct _TincanLocalNet
{
  GObject          parent_instance;

  GArray          *subnets;      /* Subnet */
  GPtrArray       *broadcasts;   /* GInetAddress */
  GNetworkMonitor *monitor;      /* NULL for a fixed list */
  gboolean         fixed;
};

G_DEFINE_FINAL_TYPE (TincanLocalNet, tincan_local_net, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint32
mask_of (guint prefix)
{
  return prefix == 0 ? 0 : G_MAXUINT32 << (32 - MIN (prefix, 32));
}

static guint32
to_host (GInetAddress *address)
{
  guint32 value;

  memcpy (&value, g_inet_address_to_bytes (address), 4);

  return g_ntohl (value);
}

static void
add_subnet (TincanLocalNet *self,
            guint32         address,
            guint32         mask,
            guint32         broadcast)
{
  Subnet subnet = { address, mask, broadcast };

  g_array_append_val (self->subnets, subnet);

  if (broadcast != 0)
    {
      guint32 bytes = g_htonl (broadcast);
      GInetAddress *inet = g_inet_address_new_from_bytes ((const guint8 *) &bytes,
                                                          G_SOCKET_FAMILY_IPV4);

      for (guint i = 0; i < self->broadcasts->len; i++)
        if (g_inet_address_equal (g_ptr_array_index (self->broadcasts, i), inet))
          {
            g_object_unref (inet);
            return;
          }

      g_ptr_array_add (self->broadcasts, inet);
    }
}

static void
read_interfaces (TincanLocalNet *self)
{
  struct ifaddrs *list = NULL;

  g_array_set_size (self->subnets, 0);
  g_ptr_array_set_size (self->broadcasts, 0);

  if (getifaddrs (&list) != 0)
    {
      g_debug ("getifaddrs: %s", g_strerror (errno));
      return;
    }

  for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
    {
      const struct sockaddr_in *address = (const struct sockaddr_in *) i->ifa_addr;
      const struct sockaddr_in *netmask = (const struct sockaddr_in *) i->ifa_netmask;
      guint32 broadcast = 0;
      guint32 value, mask;

      if (address == NULL || address->sin_family != AF_INET || netmask == NULL
          || !(i->ifa_flags & IFF_UP))
        continue;

      value = g_ntohl (address->sin_addr.s_addr);
      mask = g_ntohl (netmask->sin_addr.s_addr);
      if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr != NULL
          && i->ifa_broadaddr->sa_family == AF_INET)
        broadcast = g_ntohl (((const struct sockaddr_in *) i->ifa_broadaddr)->sin_addr.s_addr);

      /* `ip addr add` without "brd +" sets none, though the link has
       * broadcast, and getifaddrs() then gives the address itself: the
       * subnet's own is the one.
       */
      if ((i->ifa_flags & IFF_BROADCAST) && mask < G_MAXUINT32 - 1
          && (broadcast == 0 || broadcast == value || (broadcast & mask) != (value & mask)))
        broadcast = value | ~mask;

      add_subnet (self, value, mask, broadcast);
    }

  freeifaddrs (list);
}

static void
on_network_changed_cb (TincanLocalNet *self)
{
  read_interfaces (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* GObject */

static void
tincan_local_net_dispose (GObject *object)
{
  TincanLocalNet *self = TINCAN_LOCAL_NET (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (tincan_local_net_parent_class)->dispose (object);
}

static void
tincan_local_net_finalize (GObject *object)
{
  TincanLocalNet *self = TINCAN_LOCAL_NET (object);

  g_clear_pointer (&self->subnets, g_array_unref);
  g_clear_pointer (&self->broadcasts, g_ptr_array_unref);

  G_OBJECT_CLASS (tincan_local_net_parent_class)->finalize (object);
}

static void
tincan_local_net_class_init (TincanLocalNetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_local_net_dispose;
  object_class->finalize = tincan_local_net_finalize;

  /**
   * TincanLocalNet::changed:
   *
   * The network changed; the subnets have been read again.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
tincan_local_net_init (TincanLocalNet *self)
{
  self->subnets = g_array_new (FALSE, FALSE, sizeof (Subnet));
  self->broadcasts = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * tincan_local_net_new:
 *
 * This computer's subnets, read now and whenever the network changes.
 *
 * Returns: (transfer full): a new #TincanLocalNet
 */
TincanLocalNet *
tincan_local_net_new (void)
{
  TincanLocalNet *self = g_object_new (TINCAN_TYPE_LOCAL_NET, NULL);

  read_interfaces (self);
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect_swapped (self->monitor, "network-changed",
                            G_CALLBACK (on_network_changed_cb), self);

  return self;
}

/**
 * tincan_local_net_new_for_interfaces:
 * @interfaces: (array length=n_interfaces): the interfaces to pretend
 * @n_interfaces: how many
 *
 * For tests: a fixed list, never read again.
 *
 * Returns: (transfer full): a new #TincanLocalNet
 */
TincanLocalNet *
tincan_local_net_new_for_interfaces (const TincanLocalInterface *interfaces,
                                     guint                       n_interfaces)
{
  TincanLocalNet *self = g_object_new (TINCAN_TYPE_LOCAL_NET, NULL);

  self->fixed = TRUE;

  for (guint i = 0; i < n_interfaces; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (interfaces[i].address);
      g_autoptr(GInetAddress) broadcast = NULL;

      g_return_val_if_fail (address != NULL, self);
      if (interfaces[i].broadcast != NULL)
        broadcast = g_inet_address_new_from_string (interfaces[i].broadcast);

      add_subnet (self, to_host (address), mask_of (interfaces[i].prefix),
                  broadcast != NULL ? to_host (broadcast) : 0);
    }

  return self;
}

/**
 * tincan_local_net_is_local:
 * @self: a #TincanLocalNet
 * @address: an address heard from
 *
 * Whether @address is one computer on a local IPv4 subnet, or loopback:
 * not a broadcast, network, multicast or unspecified address, and not
 * IPv6 (IP Messenger is IPv4 only).
 *
 * Returns: %TRUE if Tin Can may answer @address
 */
gboolean
tincan_local_net_is_local (TincanLocalNet *self,
                           GInetAddress   *address)
{
  guint32 value;

  g_return_val_if_fail (TINCAN_IS_LOCAL_NET (self), FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return FALSE;

  value = to_host (address);
  if (value == 0 || value == G_MAXUINT32 || g_inet_address_get_is_multicast (address))
    return FALSE;

  for (guint i = 0; i < self->subnets->len; i++)
    {
      const Subnet *subnet = &g_array_index (self->subnets, Subnet, i);

      if ((value & subnet->mask) != (subnet->address & subnet->mask))
        continue;

      /* The subnet's own broadcast and network addresses are everyone. */
      if (value == subnet->broadcast)
        return FALSE;
      if (subnet->mask != G_MAXUINT32 && subnet->mask != G_MAXUINT32 - 1
          && (value == (subnet->address & subnet->mask) || value == (subnet->address | ~subnet->mask)))
        return FALSE;

      return TRUE;
    }

  return FALSE;
}

/* Returns: (transfer none) (element-type GInetAddress): each subnet's
 * broadcast address, once
 */
GPtrArray *
tincan_local_net_get_broadcasts (TincanLocalNet *self)
{
  g_return_val_if_fail (TINCAN_IS_LOCAL_NET (self), NULL);

  return self->broadcasts;
}

/* Reads the interfaces again now (not a fixed list's). */
void
tincan_local_net_refresh (TincanLocalNet *self)
{
  g_return_if_fail (TINCAN_IS_LOCAL_NET (self));

  if (!self->fixed)
    read_interfaces (self);
}
