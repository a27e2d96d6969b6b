package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;

/** One address of a network interface of the captured machine. Link speed is 0 when the capture lacks it. */
public sealed interface NetInterface {
    /** {@return the interface name, e.g. {@code eth0}} */
    String name();

    /** An IPv4 address of an interface. */
    record Ipv4(String name, Inet4Address addr, Inet4Address netmask, Inet4Address bcast, long linkspeed)
            implements NetInterface {
        public Ipv4 {
            requireNonNull(name, "name is null");
            requireNonNull(addr, "addr is null");
            requireNonNull(netmask, "netmask is null");
            requireNonNull(bcast, "bcast is null");
        }
    }

    /** An IPv6 address of an interface. */
    record Ipv6(String name, Inet6Address addr, Inet6Address netmask, Inet6Address bcast, long linkspeed)
            implements NetInterface {
        public Ipv6 {
            requireNonNull(name, "name is null");
            requireNonNull(addr, "addr is null");
            requireNonNull(netmask, "netmask is null");
            requireNonNull(bcast, "bcast is null");
        }
    }
}
