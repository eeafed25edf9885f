package org.fabricve.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of a member process on this machine: its resident set from {@code /proc/PID/status} and its Java
 * heap from {@code jcmd PID GC.heap_info} (before and after a {@code jcmd PID GC.run}, so "used after GC" is
 * the live heap). Every figure it cannot get is null, with the reason next to it.
 */
final class MemoryProbe {

    private static final Pattern HEAP = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used\\s+(\\d+)K");

    private MemoryProbe() {}

    /** A {@code Key:   123 kB} line of /proc/PID/status, in KiB. */
    static OptionalLong statusKb(String status, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + ":\\s+(\\d+)\\s+kB").matcher(status);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Heap total / used (KiB) and metaspace used (KiB, -1 when absent) from GC.heap_info's output. */
    record Heap(long totalKb, long usedKb, long metaspaceUsedKb) {}

    static java.util.Optional<Heap> heapInfo(String out) {
        Matcher h = HEAP.matcher(out);
        if (!h.find()) {
            return java.util.Optional.empty();
        }
        Matcher m = METASPACE.matcher(out);
        return java.util.Optional.of(new Heap(Long.parseLong(h.group(1)), Long.parseLong(h.group(2)),
                m.find() ? Long.parseLong(m.group(1)) : -1));
    }

    static Double mib(long kb) {
        return kb < 0 ? null : Report.round(kb / 1024.0);
    }

    /** Everything we can get about process {@code pid}, as JSON-ready values. */
    static Map<String, Object> probe(long pid) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pid", pid);
        try {
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            out.put("rss_mib", statusKb(status, "VmRSS").stream().mapToObj(MemoryProbe::mib).findFirst().orElse(null));
            out.put("rss_peak_mib", statusKb(status, "VmHWM").stream().mapToObj(MemoryProbe::mib).findFirst()
                    .orElse(null));
        } catch (IOException e) {
            out.put("rss_mib", null);
            out.put("rss_reason", "cannot read /proc/" + pid + "/status: " + e.getMessage());
        }
        String jcmd = jcmd();
        if (jcmd == null) {
            out.put("heap_used_mib", null);
            out.put("heap_reason", "no jcmd in this JDK or on PATH");
            return out;
        }
        try {
            heap(out, jcmd, pid, "");
            run(jcmd, Long.toString(pid), "GC.run");
            heap(out, jcmd, pid, "_after_gc");
        } catch (Exception e) {
            out.putIfAbsent("heap_used_mib", null);
            out.put("heap_reason", "jcmd failed: " + e.getMessage());
        }
        return out;
    }

    private static void heap(Map<String, Object> out, String jcmd, long pid, String suffix) throws Exception {
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        var heap = heapInfo(info);
        if (heap.isEmpty()) {
            throw new IOException("unrecognised GC.heap_info output: " + info.lines().limit(3).toList());
        }
        out.put("heap_used" + suffix + "_mib", mib(heap.get().usedKb()));
        out.put("heap_committed" + suffix + "_mib", mib(heap.get().totalKb()));
        if (suffix.isEmpty()) {
            out.put("metaspace_used_mib", mib(heap.get().metaspaceUsedKb()));
        }
    }

    private static String jcmd() {
        Path own = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(own)) {
            return own.toString();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "jcmd");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " exited "
                    + (p.isAlive() ? "late" : Integer.toString(p.exitValue())));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
