package org.fabricve.core.task;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox task id: {@code UPID:node:pid:pstart:starttime:type:id:user:}. pid, pstart and starttime are
 * 8 upper-case hex digits; we fill pid with a per-process counter and pstart with the process start, so
 * ids stay unique across restarts of a node.
 */
public record Upid(String node, long pid, long pstart, long startTime, String type, String id, String user)
        implements org.fabricve.core.FabricSerializable {

    private static final Pattern FORMAT = Pattern.compile(
            "UPID:([a-zA-Z0-9]([a-zA-Z0-9.\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):"
                    + "([^:\\s]+):([^:\\s]*):([^:\\s]+):");

    public Upid {
        if (node == null || node.isEmpty() || type == null || type.isEmpty() || user == null || user.isEmpty()) {
            throw new IllegalArgumentException("node, type and user are required");
        }
        if (node.contains(":") || type.contains(":") || (id != null && id.contains(":")) || user.contains(":")) {
            throw new IllegalArgumentException("UPID fields must not contain ':'");
        }
        id = id == null ? "" : id;
        if (pid < 0 || pid > 0xFFFFFFFFL || startTime < 0 || startTime > 0xFFFFFFFFL || pstart < 0
                || pstart > 0xFFFFFFFFFL) {
            throw new IllegalArgumentException("pid and starttime must fit 8 hex digits, pstart 9");
        }
        if (!type.matches("\\S+") || !id.matches("\\S*") || !user.matches("\\S+")) {
            throw new IllegalArgumentException("UPID fields must not contain blanks");
        }
    }

    public String format() {
        return String.format(Locale.ROOT, "UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, pid, pstart, startTime, type, id, user);
    }

    public static Optional<Upid> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Upid(m.group(1), Long.parseLong(m.group(3), 16), Long.parseLong(m.group(4), 16),
                Long.parseLong(m.group(5), 16), m.group(6), m.group(7), m.group(8)));
    }

    @Override
    public String toString() {
        return format();
    }
}
