package org.fabricve.core.config;

import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** MAC addresses for guest NICs. */
final class Macs {

    /** Proxmox's own OUI; it has the locally-administered bit clear but is what Proxmox tools recognise. */
    static final String PREFIX = "BC:24:11";

    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");

    private Macs() {}

    static String generate(RandomGenerator random) {
        int r = random.nextInt(1 << 24);
        return String.format(Locale.ROOT, "%s:%02X:%02X:%02X", PREFIX, (r >>> 16) & 0xff, (r >>> 8) & 0xff, r & 0xff);
    }

    /** Upper-cases a valid unicast MAC; multicast (and so broadcast) and all-zero addresses can't be a NIC's. */
    static String normalize(String mac) {
        if (!MAC.matcher(mac).matches()) {
            throw new BadValue("invalid format - value does not look like a valid MAC address");
        }
        int firstOctet = Integer.parseInt(mac.substring(0, 2), 16);
        if ((firstOctet & 1) != 0) {
            throw new BadValue("invalid format - MAC address must be unicast");
        }
        if (mac.equals("00:00:00:00:00:00")) {
            throw new BadValue("invalid format - MAC address must not be all zeros");
        }
        return mac.toUpperCase(Locale.ROOT);
    }
}
