package org.fabricve.node.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fabricve.core.hypervisor.HypervisorException;

/** A program the node runs on its own host (tar, virsh), with a deadline; its failure becomes a task message. */
final class HostCommand {

    private static final int MAX_MESSAGE = 500;

    private HostCommand() {}

    /**
     * Runs {@code command} without input; fails with "{@code failing}: what the program said" when it exits
     * non-zero, and kills it when it outlives {@code deadline}.
     */
    static void run(Duration deadline, String failing, String... command) {
        Path output = null;
        try {
            output = Files.createTempFile("fabric-host-command", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new HypervisorException(failing + ": " + command[0] + " did not finish within "
                        + deadline.toSeconds() + " s");
            }
            if (p.exitValue() != 0) {
                String said = Files.readString(output, StandardCharsets.UTF_8).strip();
                throw new HypervisorException(failing + " (" + command[0] + " exit " + p.exitValue() + "): "
                        + (said.length() > MAX_MESSAGE ? said.substring(0, MAX_MESSAGE) + "..." : said));
            }
        } catch (IOException e) {
            throw new HypervisorException(failing + ": cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException(failing + ": interrupted", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file left behind
                }
            }
        }
    }
}
