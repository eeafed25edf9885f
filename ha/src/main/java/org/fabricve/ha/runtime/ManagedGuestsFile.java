package org.fabricve.ha.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.fabricve.ha.model.Sid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA guests a node's agent last knew of, one sid a line. A restarted agent reads it to keep those guests down
 * until it holds a lease again: its process may have died while the hypervisor kept them running, and the manager
 * may have recovered them elsewhere meanwhile. Saves run on the blocking executor; the newest set always wins.
 */
final class ManagedGuestsFile {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedGuestsFile.class);

    private final Path file;
    private final AtomicReference<Set<Sid>> latest;
    private final Object writing = new Object();

    ManagedGuestsFile(Path file, Set<Sid> saved) {
        this.file = file;
        this.latest = new AtomicReference<>(Set.copyOf(saved));
    }

    /** The set last handed to {@link #save} (or read at start). */
    Set<Sid> saved() {
        return latest.get();
    }

    void save(Set<Sid> managed, Executor blocking, String node) {
        latest.set(Set.copyOf(managed));
        CompletableFuture.runAsync(() -> {
            synchronized (writing) {
                write(file, latest.get());
            }
        }, blocking).whenComplete((ok, failure) -> {
            if (failure != null) LOG.error("node {}: cannot save the HA guests to {}: {}", node, file, failure.getMessage());
        });
    }

    static Set<Sid> read(Path file) {
        if (!Files.exists(file)) return Set.of();
        try {
            Set<Sid> out = new TreeSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) out.add(Sid.parse(line.trim()));
            }
            return Set.copyOf(out);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the HA guests file " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, Set<Sid> managed) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            String text = new TreeSet<>(managed).stream().map(Sid::toString).collect(Collectors.joining("\n", "", "\n"));
            Files.writeString(tmp, managed.isEmpty() ? "" : text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the HA guests file " + file + ": " + e.getMessage(), e);
        }
    }
}
