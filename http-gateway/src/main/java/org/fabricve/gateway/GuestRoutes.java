package org.fabricve.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.apache.pekko.http.javadsl.server.Route;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestConfigValidator;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.NodeLimits;
import org.fabricve.core.config.Validation;
import org.fabricve.core.config.Vmids;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.guest.Hotplug;
import org.fabricve.core.guest.ShutdownOptions;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.IoCounters;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.fabricve.node.FabricServices;

/** {@code /nodes/{node}/qemu} and {@code /nodes/{node}/lxc}: one family, parameterised by guest type. */
final class GuestRoutes extends RouteSupport {

    /** Create parameters that are options of the request, not keys of the config. */
    private static final Set<String> CREATE_OPTIONS = Set.of("vmid", "node", "start", "pool", "unique", "force");
    private static final Set<String> UPDATE_OPTIONS = Set.of("vmid", "node", "delete", "digest", "skiplock",
            "background_delay");
    private static final Duration SYNC_UPDATE_TIMEOUT = Duration.ofSeconds(60);

    private final FabricServices fabric;
    private final GuestType type;
    private final RandomGenerator random;
    private final GuestRows listingRows = new GuestRows(s -> GuestSummaries.summary(s, null));
    private final CpuUsage cpuUsage = new CpuUsage();

    GuestRoutes(FabricServices fabric, GuestType type, RandomGenerator random) {
        this.fabric = fabric;
        this.type = type;
        this.random = random;
    }

    Route routes(String node, String user) {
        return pathPrefix(type.apiName(), () -> concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> list(node)),
                        post(() -> withParams(p -> create(node, user, p))))),
                pathPrefix(org.apache.pekko.http.javadsl.server.PathMatchers.segment(), rawVmid -> {
                    int vmid = parseVmid(rawVmid);
                    return await(fabric.guest(vmid), state -> guestRoutes(node, user, vmid, state));
                })));
    }

    private Route guestRoutes(String node, String user, int vmid, GuestState state) {
        return concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> {
                            requireGuest(node, vmid, state);
                            return ok(List.of(Map.of("subdir", "config"), Map.of("subdir", "pending"),
                                    Map.of("subdir", "status")));
                        }),
                        delete(() -> operate(node, user, vmid, state, GuestOperation.DELETE, Map.of())))),
                path("serial", () -> get(() -> serialConsole(node, vmid, state))),
                path("pending", () -> get(() -> ok(pendingRows(requireGuest(node, vmid, state))))),
                path("config", () -> concat(
                        get(() -> withParams(p -> ok(configOf(requireGuest(node, vmid, state),
                                RequestParams.flag(p, "current"))))),
                        post(() -> withParams(p -> update(node, user, vmid, state, p, false))),
                        put(() -> withParams(p -> update(node, user, vmid, state, p, true))))),
                pathPrefix("status", () -> concat(
                        pathEndOrSingleSlash(() -> get(() -> {
                            requireGuest(node, vmid, state);
                            var subdirs = new ArrayList<Map<String, String>>();
                            for (String s : List.of("current", "start", "stop", "shutdown", "reboot", "reset", "suspend",
                                    "resume")) {
                                subdirs.add(Map.of("subdir", s));
                            }
                            return ok(subdirs);
                        })),
                        path("current", () -> get(() -> current(node, vmid, state))),
                        path(org.apache.pekko.http.javadsl.server.PathMatchers.segment(), action -> post(() ->
                                GuestOperation.fromStatusPath(action)
                                        .filter(op -> !(op == GuestOperation.RESET && type == GuestType.LXC))
                                        .map(op -> withParams(p -> operate(node, user, vmid, state,
                                                op == GuestOperation.SUSPEND && RequestParams.flag(p, "todisk")
                                                        ? GuestOperation.HIBERNATE : op, p)))
                                        .orElseGet(() -> {
                                            throw new ApiException(501, "Method 'POST status/" + action
                                                    + "' not implemented", Map.of());
                                        }))))));
    }

    private Route list(String node) {
        requireNode(node);
        var guests = new ArrayList<Map<String, Object>>();
        boolean online = fabric.online(node);
        fabric.view().guests().stream()
                .filter(s -> s.guest() != null && s.guest().type() == type && s.guest().node().equals(node))
                .sorted(Comparator.comparingInt(s -> s.guest().vmid()))
                .forEach(s -> guests.add(online ? listingRows.row(s) : GuestRows.offline(listingRows.row(s))));
        listingRows.prune(fabric.view().guests());
        return ok(guests);
    }

    private Route create(String node, String user, Map<String, String> params) {
        HostInfo host = requireNode(node);
        String rawVmid = params.get("vmid");
        if (rawVmid == null) {
            throw ApiException.badParameter("vmid", "property is missing and it is not optional");
        }
        int vmid = parseVmid(rawVmid);
        boolean start = RequestParams.flag(params, "start");
        Map<String, String> config = new LinkedHashMap<>(params);
        config.keySet().removeAll(CREATE_OPTIONS);
        Validation validation = GuestConfigValidator.validateCreate(type, vmid, config, limits(node, host), random);
        if (validation instanceof Validation.Invalid invalid) {
            throw ApiException.badParameters(invalid.errors());
        }
        var valid = (Validation.Valid) validation;
        Upid upid = fabric.newUpid(node, GuestOperation.CREATE.taskType(type), Integer.toString(vmid), user);
        return await(fabric.create(vmid, type, node, valid.config(), valid.newVolumes(), start, upid),
                reply -> ok(GuestReplies.upidOrThrow(reply)));
    }

    private Route update(String node, String user, int vmid, GuestState state, Map<String, String> params,
                         boolean sync) {
        Guest guest = requireGuest(node, vmid, state);
        HostInfo host = requireNode(node);
        String digest = params.get("digest");
        if (digest != null && !digest.equals(ConfigDigest.of(guest.config()))) {
            throw ApiException.badParameter("digest",
                    "detected modified configuration - file changed by other user? Try again.");
        }
        List<String> deletes = new ArrayList<>();
        String delete = params.get("delete");
        if (delete != null && !delete.isBlank()) {
            for (String key : delete.split("[,;\\s]+")) {
                if (!key.isEmpty()) {
                    deletes.add(key);
                }
            }
        }
        Map<String, String> changes = new LinkedHashMap<>(params);
        changes.keySet().removeAll(UPDATE_OPTIONS);
        if (changes.isEmpty() && deletes.isEmpty()) {
            throw ApiException.badParameter("delete", "no options specified");
        }
        Validation validation = GuestConfigValidator.validateUpdate(guest.config(), vmid, changes, deletes,
                limits(node, host), random);
        if (validation instanceof Validation.Invalid invalid) {
            throw ApiException.badParameters(invalid.errors());
        }
        var valid = (Validation.Valid) validation;
        Upid upid = fabric.newUpid(node, GuestOperation.CONFIG.taskType(type), Integer.toString(vmid), user);
        return await(fabric.changeConfig(vmid, guest.config(), valid.config(), valid.newVolumes(), upid), reply -> {
            String id = GuestReplies.upidOrThrow(reply);
            if (!sync) {
                return ok(id);
            }
            return await(fabric.awaitTask(vmid, id, SYNC_UPDATE_TIMEOUT), after -> {
                TaskRecord task = after.task(id).orElseThrow(() -> ApiException.notFound("task " + id + " vanished"));
                if (!task.succeeded()) {
                    throw new ApiException(500, task.exitStatus(), Map.of());
                }
                return ok(null);
            });
        });
    }

    private Route operate(String node, String user, int vmid, GuestState state, GuestOperation op,
                          Map<String, String> params) {
        requireGuest(node, vmid, state);
        ShutdownOptions shutdown = op == GuestOperation.SHUTDOWN ? shutdownOptions(params) : null;
        Upid upid = fabric.newUpid(node, op.taskType(type), Integer.toString(vmid), user);
        return await(fabric.operate(vmid, op, upid, shutdown), reply -> ok(GuestReplies.upidOrThrow(reply)));
    }

    /** Proxmox's {@code timeout} (seconds, default 60) and {@code forceStop} (default 0) of a shutdown. */
    static ShutdownOptions shutdownOptions(Map<String, String> params) {
        int timeout = RequestParams.integer(params, "timeout", ShutdownOptions.DEFAULT.timeoutSeconds(), 0,
                ShutdownOptions.MAX_TIMEOUT_SECONDS);
        return new ShutdownOptions(timeout, RequestParams.flag(params, "forceStop"));
    }

    /**
     * Our extension: the guest's ttyS0 over a WebSocket (Proxmox clients use termproxy + vncwebsocket), from
     * any member: the member that runs the node offers its pty over the cluster when asked from another.
     */
    private Route serialConsole(String node, int vmid, GuestState state) {
        Guest guest = requireGuest(node, vmid, state);
        return await(fabric.console(node, vmid), console -> handleWebSocketMessages(SerialConsoleBridge.to(
                console.orElseThrow(() -> ApiException.conflict(guest.label()
                        + " has no serial console to attach to: it is not running, or its host has no pty consoles")),
                org.apache.pekko.stream.Materializer.matFromSystem(fabric.system()))));
    }

    private Route current(String node, int vmid, GuestState state) {
        Guest guest = requireGuest(node, vmid, state);
        return await(fabric.liveDomain(node, vmid), live -> {
            Map<String, Object> status = GuestSummaries.summary(state, live.orElse(null));
            if (live.isPresent() && live.get().state().active()) {
                status.put("cpu", cpuUsage.read(vmid, live.get().cpuTimeNanos(), System.nanoTime(), live.get().vcpus()));
            } else {
                cpuUsage.forget(vmid);
            }
            RunState run = guest.runState();
            if (type == GuestType.QEMU) {
                status.put("qmpstatus", run == RunState.PAUSED ? "paused" : run == RunState.RUNNING ? "running"
                        : "stopped");
            }
            status.put("ha", Map.of("managed", 0));
            live.ifPresent(d -> status.put("fabric", Map.of("domain", d.name(), "hypervisor_state",
                    d.state().name().toLowerCase(java.util.Locale.ROOT))));
            return ok(status);
        });
    }

    /**
     * The config with its pending changes (Proxmox's default), or with {@code current=1} what the running guest
     * runs with; the digest is always the config's, the one a change must be based on.
     */
    private Map<String, Object> configOf(Guest guest, boolean current) {
        Map<String, Object> config = new LinkedHashMap<>((current ? guest.liveConfig() : guest.config()).values());
        config.put("digest", ConfigDigest.of(guest.config()));
        return config;
    }

    /** Proxmox's {@code /pending}: every key with its running value and, where it differs, the pending one. */
    private static List<Map<String, Object>> pendingRows(Guest guest) {
        var rows = new ArrayList<Map<String, Object>>();
        for (Hotplug.PendingRow r : Hotplug.pending(guest.liveConfig(), guest.config())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("key", r.key());
            if (r.value() != null) {
                row.put("value", r.value());
            }
            if (r.pending() != null) {
                row.put("pending", r.pending());
            }
            if (r.delete()) {
                row.put("delete", 1);
            }
            rows.add(row);
        }
        return rows;
    }

    private Guest requireGuest(String node, int vmid, GuestState state) {
        Guest guest = state.guest();
        if (guest == null || guest.type() != type || !guest.node().equals(node)) {
            throw ApiException.notFound(Guest.label(type, vmid) + " does not exist on node '" + node + "'");
        }
        return guest;
    }

    private HostInfo requireNode(String node) {
        return fabric.host(node).orElseThrow(() -> new ApiException(404, "no such node '" + node + "'",
                Map.of("node", "no such node")));
    }

    private NodeLimits limits(String node, HostInfo host) {
        Set<String> storages = new TreeSet<>();
        fabric.view().storages().stream().filter(s -> s.availableOn(node)).forEach(s -> storages.add(s.storage()));
        return new NodeLimits(host.cpus(), host.memoryBytes() / (1024 * 1024), storages);
    }

    static int parseVmid(String raw) {
        Vmids.check(raw).ifPresent(message -> {
            throw ApiException.badParameter("vmid", message);
        });
        return Integer.parseInt(raw.trim());
    }

    /** Proxmox's status fields for one guest; {@code live} adds the hypervisor's counters when known. */
    static final class GuestSummaries {
        private GuestSummaries() {}

        static Map<String, Object> summary(GuestState state, DomainStatus live) {
            Guest g = state.guest();
            GuestConfig c = g.config();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vmid", g.vmid());
            m.put("name", c.name() != null ? c.name() : Guest.label(g.type(), g.vmid()).replace(' ', '-'));
            m.put("status", g.runState().active() ? "running" : "stopped");
            m.put("type", g.type().apiName());
            m.put("node", g.node());
            m.put("cpus", c.vcpus());
            m.put("maxmem", c.memoryMiB() * 1024 * 1024);
            m.put("mem", live != null ? live.memoryBytes() : 0L);
            m.put("cpu", 0);
            m.put("maxdisk", maxDisk(c));
            m.put("disk", 0);
            m.put("uptime", live != null ? live.uptimeSeconds() : 0L);
            IoCounters io = live != null ? live.io() : IoCounters.NONE;
            m.put("netin", io.netInBytes());
            m.put("netout", io.netOutBytes());
            m.put("diskread", io.diskReadBytes());
            m.put("diskwrite", io.diskWriteBytes());
            m.put("template", 0);
            if (c.values().containsKey("tags")) {
                m.put("tags", c.values().get("tags"));
            }
            if (state.active() != null) {
                m.put("lock", state.active().operation().apiName());
            } else if (g.runState() == RunState.HIBERNATED) {
                m.put("lock", "suspended");
            }
            return m;
        }

        private static long maxDisk(GuestConfig c) {
            long total = 0;
            for (var d : c.disks()) {
                if (!d.cdrom() && !d.cloudinit() && d.sizeGiB() != null) {
                    total += d.sizeGiB() * 1024L * 1024 * 1024;
                }
            }
            return total;
        }
    }
}
