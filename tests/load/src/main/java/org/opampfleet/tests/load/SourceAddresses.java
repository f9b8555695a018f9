/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opampfleet.tests.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Loopback source addresses for the generator's sockets: 127.0.0.2, 127.0.0.3, … Linux routes all
 * of 127.0.0.0/8 to the loopback interface, and a socket bound to its own source address draws its
 * ephemeral port from that address's own pool, so spreading sockets over several addresses keeps
 * each well clear of the ephemeral-port range (about 28,000 ports by default), including the ports
 * that linger in TIME_WAIT after a reconnect storm.
 *
 * <p><b>Thread safety:</b> stateless.
 */
final class SourceAddresses {
  /** The host part of the first address handed out: 127.0.0.1 is left to servers. */
  static final int FIRST_HOST = 2;

  /** The host part of the last usable address in 127.0.0.0/24. */
  static final int LAST_HOST = 254;

  private SourceAddresses() {}

  /**
   * Returns how many addresses {@code sockets} sockets need when each address carries at most
   * {@code perAddress} of them.
   */
  static int needed(long sockets, int perAddress) {
    if (perAddress < 1) {
      throw new IllegalArgumentException("perAddress: " + perAddress + " (expected: >= 1)");
    }
    return (int) Math.max(1, (sockets + perAddress - 1) / perAddress);
  }

  /**
   * Returns {@code count} consecutive addresses starting at 127.0.0.{@code firstHost}.
   *
   * @throws IllegalArgumentException if they would run past 127.0.0.254
   */
  static List<String> range(int firstHost, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
    }
    if (firstHost < 1 || firstHost + count - 1 > LAST_HOST) {
      throw new IllegalArgumentException(
          "source addresses 127.0.0."
              + firstHost
              + " and "
              + count
              + " more run past 127.0.0."
              + LAST_HOST
              + " (expected: at most "
              + (LAST_HOST - FIRST_HOST + 1)
              + " addresses; raise --agents-per-source-address)");
    }
    List<String> addresses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      addresses.add("127.0.0." + (firstHost + i));
    }
    return List.copyOf(addresses);
  }

  /** Returns the address the {@code n}-th socket of a worker binds to: round robin. */
  static String forSocket(List<String> addresses, long n) {
    return addresses.get(Math.floorMod(n, addresses.size()));
  }
}
