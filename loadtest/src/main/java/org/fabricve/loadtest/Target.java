package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The fabric under test as the HTTP scenarios see it: a logged-in client, the node to use, the vmid range. */
final class Target {

    final ApiClient api;
    final String node;
    final Duration poll;
    private final java.util.concurrent.atomic.AtomicInteger nextVmid;
    final int firstVmid;

    Target(ApiClient api, String node, Duration poll, int firstVmid) {
        this.api = api;
        this.node = node;
        this.poll = poll;
        this.firstVmid = firstVmid;
        this.nextVmid = new java.util.concurrent.atomic.AtomicInteger(firstVmid);
    }

    int nextVmid() {
        return nextVmid.getAndIncrement();
    }

    int lastVmid() {
        return nextVmid.get() - 1;
    }

    /** The node named, or the first node the target lists. */
    static String resolveNode(ApiClient api, String node) throws Exception {
        if (node != null) {
            return node;
        }
        JsonNode nodes = api.get("/nodes").toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!nodes.isArray() || nodes.isEmpty()) {
            throw new IllegalStateException("the target lists no nodes (GET /nodes); pass --node");
        }
        return nodes.get(0).path("node").asText();
    }

    /**
     * A vmid range of its own for every run, so that runs against the same fabric do not collide: blocks of
     * 1,000 ids per second of wall-clock time from 100,000,000 (a run started a minute after another one is
     * 60,000 ids further on), and always above every vmid the fabric holds.
     */
    static int vmidBase(ApiClient api, Instant now) throws Exception {
        long timeBased = 100_000_000L + (now.getEpochSecond() % 800_000L) * 1000L;
        long highest = 0;
        JsonNode vms = api.get("/cluster/resources?type=vm").toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (JsonNode vm : vms) {
            highest = Math.max(highest, vm.path("vmid").asLong());
        }
        long base = Math.max(timeBased, highest + 1);
        if (base > 990_000_000L) {
            base = highest + 1;
        }
        return (int) base;
    }
}
