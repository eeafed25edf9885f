package org.fabricve.core.config;

/** The two kinds of guest, named as Proxmox names them in API paths and UPIDs. */
public enum GuestType {
    QEMU("qemu"),
    LXC("lxc");

    private final String apiName;

    GuestType(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static GuestType fromApiName(String name) {
        for (GuestType t : values()) {
            if (t.apiName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown guest type: " + name);
    }
}
