package org.fabricve.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.fabricve.core.config.GuestConfig;

/** Proxmox's {@code digest}: the SHA-1 of the config as its file would read, for optimistic concurrency. */
final class ConfigDigest {

    private ConfigDigest() {}

    static String of(GuestConfig config) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> e : config.values().entrySet()) {
            text.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
