package org.fabricve.ha.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Comparator;

/** An HA resource id as Proxmox writes it: {@code vm:100} or {@code ct:101} (also its JSON form, as a value and as a map key). */
public record Sid(Type type, int vmid) implements Comparable<Sid> {

    public enum Type {
        VM, CT;

        public String wire() {
            return name().toLowerCase();
        }
    }

    private static final Comparator<Sid> ORDER = Comparator.comparing(Sid::type).thenComparingInt(Sid::vmid);

    public Sid {
        if (type == null) throw new IllegalArgumentException("sid: missing type");
        if (vmid < 100 || vmid > 999_999_999) {
            throw new IllegalArgumentException("sid: vmid " + vmid + " is outside 100..999999999");
        }
    }

    /** Parses {@code vm:N} / {@code ct:N}; a bare number means a VM, as the Proxmox API accepts it. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Sid parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("sid: empty");
        String s = text.trim();
        Type type = Type.VM;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String t = s.substring(0, colon);
            type = switch (t) {
                case "vm" -> Type.VM;
                case "ct" -> Type.CT;
                default -> throw new IllegalArgumentException("sid '" + text + "': type must be vm or ct");
            };
            s = s.substring(colon + 1);
        }
        if (!s.matches("[0-9]{3,9}")) {
            throw new IllegalArgumentException("sid '" + text + "': expected vm:N or ct:N with N a vmid");
        }
        return new Sid(type, Integer.parseInt(s));
    }

    public boolean isVm() {
        return type == Type.VM;
    }

    @Override
    public int compareTo(Sid o) {
        return ORDER.compare(this, o);
    }

    @JsonValue
    @Override
    public String toString() {
        return type.wire() + ":" + vmid;
    }
}
