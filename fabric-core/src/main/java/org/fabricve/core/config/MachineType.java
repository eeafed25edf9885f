package org.fabricve.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed QEMU machine type. Its family decides which buses exist; its version gates features (the
 * 14-port qemu-xhci USB controller needs 7.1+). An unpinned type ("pc", "q35", "virt", or none) always
 * runs the newest version the host has, so it counts as the newest.
 */
record MachineType(Family family, int major, int minor) {

    enum Family { I440FX, Q35, VIRT }

    static final int LATEST = Integer.MAX_VALUE;

    private static final Pattern TYPE = Pattern.compile(
            "(pc|q35|virt|pc-i440fx-([0-9]{1,2})\\.([0-9]{1,2})|pc-q35-([0-9]{1,2})\\.([0-9]{1,2})|virt-([0-9]{1,2})\\.([0-9]{1,2}))"
                    + "(\\+pve[0-9]{1,3})?");

    /** Parses the machine type part only (without ",viommu=..."); throws BadValue if it is not one we know. */
    static MachineType parse(String type) {
        Matcher m = TYPE.matcher(type);
        if (!m.matches()) {
            throw new BadValue("value does not match the regex pattern");
        }
        switch (m.group(1)) {
            case "pc": return new MachineType(Family.I440FX, LATEST, LATEST);
            case "q35": return new MachineType(Family.Q35, LATEST, LATEST);
            case "virt": return new MachineType(Family.VIRT, LATEST, LATEST);
            default:
        }
        if (m.group(2) != null) {
            return new MachineType(Family.I440FX, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        }
        if (m.group(4) != null) {
            return new MachineType(Family.Q35, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        }
        return new MachineType(Family.VIRT, Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)));
    }

    /** The machine of a stored config value ("q35,viommu=intel" or "type=q35"); null if absent or unparsable. */
    static MachineType ofConfig(String value, boolean aarch64) {
        if (value == null) {
            return new MachineType(aarch64 ? Family.VIRT : Family.I440FX, LATEST, LATEST);
        }
        String type = Values.looseProperties(value, "type").get("type");
        try {
            return type == null ? null : parse(type);
        } catch (BadValue e) {
            return null;
        }
    }

    boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    boolean x86() {
        return family != Family.VIRT;
    }
}
