package org.fabricve.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Proxmox property strings ({@code virtio=MAC,bridge=vmbr0}) for code outside the validator. */
public final class PropertyStrings {

    private PropertyStrings() {}

    /**
     * Splits an already validated value: a leading part without '=' goes to {@code defaultKey}, later
     * duplicates are ignored, nothing is checked. A null value gives an empty map.
     */
    public static Map<String, String> loose(String value, String defaultKey) {
        return value == null ? new LinkedHashMap<>() : Values.looseProperties(value, defaultKey);
    }
}
