package org.fabricve.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code /version} answer in Proxmox's shape. */
final class VersionInfo {

    private VersionInfo() {}

    static Map<String, Object> of(String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("release", version.replaceAll("^(\\d+\\.\\d+).*", "$1"));
        m.put("repoid", "fabric-ve");
        m.put("product", "Fabric VE");
        return m;
    }
}
