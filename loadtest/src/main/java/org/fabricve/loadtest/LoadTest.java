package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fabric loadtest SCENARIO ...}: runs one scenario, writes its JSON and HTML, prints the JSON's path last. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test a Fabric VE (or Proxmox-API compatible) endpoint.",
                "Scenarios: lifecycle, read, events, scale, failover, raw-libvirt, noop.",
                "Closed loop by default (--clients run back to back); --rate R makes it an open loop of R ops/s,",
                "latency then counted from each operation's intended start (no coordinated omission)."})
public final class LoadTest implements Callable<Integer> {

    static final List<String> SCENARIOS = List.of("lifecycle", "read", "events", "raw-libvirt", "noop", "scale",
            "failover");

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "lifecycle | read | events | scale | failover | raw-libvirt | noop")
    String scenario;

    @Option(names = "--target", description = "API base URL, e.g. https://host:8006 (noop: 'local' = a trivial "
            + "in-process server)")
    String target;

    @Option(names = "--user", description = "user (default root@pam)")
    String user = "root@pam";

    @Option(names = "--password", description = "password (or env FABRIC_PASSWORD)")
    String password;

    @Option(names = "--password-file", description = "file holding the password (e.g. DATA/root-password)")
    Path passwordFile;

    @Option(names = "--token", description = "API token USER@REALM!TOKENID=SECRET instead of a password")
    String token;

    @Option(names = "--clients", description = "concurrent clients / connections (default 8)")
    int clients = 8;

    @Option(names = "--duration", description = "measured time, e.g. 30s, 2m (default 30s unless --ops)")
    String duration;

    @Option(names = "--ops", description = "measured operations instead of a duration")
    long ops;

    @Option(names = "--rate", description = "open loop: operations per second (default: closed loop)")
    double rate;

    @Option(names = "--warmup", description = "warm-up excluded from results (default 3s; 0 with --ops)")
    String warmup;

    @Option(names = "--out", description = "results directory (default ./loadtest-results)")
    Path out = Path.of("loadtest-results");

    @Option(names = "--insecure", description = "accept any TLS certificate (a node's self-signed one)")
    boolean insecure;

    @Option(names = "--node", description = "node to create guests on (default: the first of GET /nodes)")
    String node;

    @Option(names = "--poll", description = "task status poll interval (default 5ms)")
    String poll = "5ms";

    @Option(names = "--guests", description = "read, scale, failover: guests created before the run (default 100; failover: on --victim, under HA; 0 = the HA guests already there)")
    int guests = 100;

    @Option(names = "--writers", description = "read: background lifecycle clients (default 1)")
    int writers = 1;

    @Option(names = "--subscribers", description = "events: event-stream subscribers (default 50)")
    int subscribers = 50;

    @Option(names = "--ostemplate", description = "read: create the guests as containers from this template "
            + "(e.g. local:vztmpl/busybox-fabric_amd64.tar.gz) and start them (a real host's running containers)")
    String ostemplate;

    @Option(names = "--keep", description = "read, scale, failover: keep the guests it created")
    boolean keep;

    @Option(names = "--hosts", description = "scale: spread the guests over the first M nodes of GET /nodes "
            + "(default: all)")
    int hosts;

    @Option(names = "--launch", description = "scale: start a member itself (temp data dir, free port, plain HTTP, "
            + "--hosts simulated hosts; java options from FABRIC_JAVA_OPTS) instead of --target; measures its "
            + "memory and its cold start")
    boolean launch;

    @Option(names = "--fabric-home", description = "scale --launch: the checkout with fabric-app/target built "
            + "(default .)")
    Path fabricHome = Path.of(".");

    @Option(names = "--create-clients", description = "scale: creates in flight while registering the guests "
            + "(default: --clients)")
    int createClients;

    @Option(names = "--pid", description = "scale: pid of the target member on this machine, for its memory")
    Long pid;

    @Option(names = "--victim", description = "failover: the node (member) to lose; --target must be another member")
    String victim;

    @Option(names = "--kill", description = "failover: shell command that loses the victim, e.g. 'kill -9 PID'")
    String kill;

    @Option(names = "--recovery-timeout", description = "failover: how long to wait for every guest (default 120s)")
    String recoveryTimeout = "120s";

    private final PrintStream err;
    private final PrintStream outStream;
    /** The JSON result of the last run (for tests). */
    ObjectNode result;
    Path resultFile;

    public LoadTest() {
        this(System.out, System.err);
    }

    LoadTest(PrintStream out, PrintStream err) {
        this.outStream = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        LoadTest command = new LoadTest();
        command.originalArgs = List.of(args);
        return new CommandLine(command).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (!SCENARIOS.contains(scenario)) {
            err.println("loadtest: unknown scenario '" + scenario + "' (one of " + String.join(", ", SCENARIOS) + ")");
            return 2;
        }
        if (scenario.equals("failover") && (victim == null || kill == null)) {
            err.println("loadtest: failover needs --victim NODE and --kill COMMAND (and --target: a surviving member)");
            return 2;
        }
        if (launch && !scenario.equals("scale")) {
            err.println("loadtest: --launch is for the scale scenario only");
            return 2;
        }
        if (launch && target != null) {
            err.println("loadtest: give --target or --launch, not both");
            return 2;
        }
        if (ops > 0 && duration != null) {
            err.println("loadtest: give --duration or --ops, not both");
            return 2;
        }
        if (clients < 1) {
            err.println("loadtest: --clients must be at least 1");
            return 2;
        }
        Duration measured = duration == null ? Duration.ofSeconds(30) : Durations.parse(duration);
        Duration warm = warmup != null ? Durations.parse(warmup) : ops > 0 ? Duration.ZERO : Duration.ofSeconds(3);
        // failover is one iteration (the loss) whose operations are the victim's guests
        Driver.Plan plan = scenario.equals("failover") ? new Driver.Plan(1, measured, 1, 0, Duration.ZERO)
                : new Driver.Plan(clients, measured, ops, rate, warm);
        if (!scenario.equals("raw-libvirt") && target == null && !launch) {
            err.println("loadtest: --target URL is required for '" + scenario + "'");
            return 2;
        }

        Instant started = Instant.now();
        if (launch) {
            launcher = new NodeLauncher(fabricHome, Math.max(1, hosts), javaOpts(), err);
            err.println("loadtest: scale: launching a member with " + Math.max(1, hosts) + " simulated hosts on "
                    + launcher.url());
            launchUpSeconds = launcher.start();
            err.printf(Locale.ROOT, "loadtest: scale: the member is up after %.1f s (pid %d, log %s)%n",
                    launchUpSeconds, launcher.pid(), launcher.log());
            target = launcher.url();
            password = launcher.password;
            token = null;
        }
        try {
            return runScenario(measured, warm, plan, started);
        } finally {
            if (launcher != null) {
                launcher.close();
            }
        }
    }

    private NodeLauncher launcher;
    private double launchUpSeconds;

    private static List<String> javaOpts() {
        String opts = System.getenv("FABRIC_JAVA_OPTS");
        return opts == null || opts.isBlank() ? List.of() : List.of(opts.strip().split("\\s+"));
    }

    private Integer runScenario(Duration measured, Duration warm, Driver.Plan plan, Instant started) throws Exception {
        ActorSystem system = ActorSystem.create("loadtest", ConfigFactory.parseString(String.join("\n",
                        "pekko.loglevel = WARNING",
                        "pekko.http.client.idle-timeout = 120s",
                        // Proxmox-style servers put the error message in the reason phrase
                        "pekko.http.client.parsing.max-response-reason-length = 4096",
                        "pekko.http.host-connection-pool.client.idle-timeout = 120s",
                        "pekko.http.host-connection-pool.response-entity-subscription-timeout = 10s",
                        "pekko.http.sse.max-line-size = 1048576",
                        "pekko.http.sse.max-event-size = 2097152"))
                .withFallback(ConfigFactory.load()));
        try {
            Stats stats = new Stats();
            NanoClock clock = NanoClock.SYSTEM;
            Scenario s = scenario(system, stats, clock);
            err.println("loadtest: " + s.name() + " setting up");
            s.setup();
            Driver.Outcome outcome;
            try {
                outcome = new Driver(clock, err, system.dispatcher()).run(s, stats, plan);
            } finally {
                s.teardown();
            }
            Map<String, Object> extra = new LinkedHashMap<>(s.extra());
            if (api != null) {
                extra.put("http_requests", api.requests());
                extra.put("task_status_polls", api.taskPolls());
            }
            result = Report.json(s.name(), target == null ? "in-process" : target, plan, outcome, stats, extra,
                    commandLine(), started, Instant.now());
            resultFile = Report.write(out, result);
            summary(result);
            outStream.println(resultFile.toAbsolutePath());
            return 0;
        } finally {
            if (api != null) {
                api.close();
            }
            org.apache.pekko.http.javadsl.Http.get(system).shutdownAllConnectionPools().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private ApiClient api;

    private Scenario scenario(ActorSystem system, Stats stats, NanoClock clock) throws Exception {
        if (scenario.equals("raw-libvirt")) {
            return new RawLibvirtScenario(stats, clock, clients);
        }
        int connections = Math.max(clients + (scenario.equals("read") ? writers : 0),
                scenario.equals("scale") ? createClients : 0);
        if (scenario.equals("noop") && target.equals("local")) {
            target = NoopScenario.startLocalServer(system);
            api = new ApiClient(system, target, insecure, connections);
            return new NoopScenario(api, stats, clock);
        }
        api = new ApiClient(system, target, insecure, connections);
        authenticate();
        if (scenario.equals("noop")) {
            return new NoopScenario(api, stats, clock);
        }
        String nodeName = Target.resolveNode(api, node);
        Target t = new Target(api, nodeName, Durations.parse(poll), Target.vmidBase(api, Instant.now()));
        if (scenario.equals("scale")) {
            ScaleScenario scale = new ScaleScenario(t, stats, clock, guests, hosts,
                    createClients > 0 ? createClients : clients, keep, launcher, pid,
                    () -> {
                        authenticate();
                        return null;
                    }, err);
            scale.launchedIn(launchUpSeconds);
            return scale;
        }
        return switch (scenario) {
            case "lifecycle" -> new LifecycleScenario(t, stats, clock, upid -> {});
            case "read" -> new ReadScenario(t, stats, clock, guests, writers, keep, ostemplate);
            case "failover" -> new FailoverScenario(t, stats, clock, victim, kill, guests, keep,
                    Durations.parse(recoveryTimeout), err);
            default -> new EventsScenario(t, stats, clock, subscribers, system);
        };
    }

    private void authenticate() throws Exception {
        if (token != null) {
            api.useToken(token);
            return;
        }
        String pw = password;
        if (pw == null && passwordFile != null) {
            pw = Files.readString(passwordFile).strip();
        }
        if (pw == null) {
            pw = System.getenv("FABRIC_PASSWORD");
        }
        if (pw == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "give --password, --password-file, FABRIC_PASSWORD or --token");
        }
        api.login(user, pw).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("fabric", "loadtest"));
        args.addAll(originalArgs);
        // never record a secret in a result file
        for (int i = 0; i < args.size(); i++) {
            if ((args.get(i).equals("--password") || args.get(i).equals("--token")) && i + 1 < args.size()) {
                args.set(i + 1, "***");
            } else if (args.get(i).startsWith("--password=") || args.get(i).startsWith("--token=")) {
                args.set(i, args.get(i).substring(0, args.get(i).indexOf('=') + 1) + "***");
            }
        }
        return args;
    }

    List<String> originalArgs = List.of();

    private void summary(ObjectNode r) {
        var l = r.path("latency_ms");
        err.printf(Locale.ROOT, "%s: %d ops in %.1f s = %.1f ops/s, errors %d %s%n", r.path("scenario").asText(),
                r.path("ops").asLong(), r.path("duration_s").asDouble(), r.path("throughput_ops_s").asDouble(),
                r.path("errors").asLong(), r.path("errors_by_kind").size() > 0 ? r.path("errors_by_kind") : "");
        err.printf(Locale.ROOT, "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                l.path("p50").asDouble(), l.path("p90").asDouble(), l.path("p99").asDouble(),
                l.path("p999").asDouble(), l.path("max").asDouble());
        r.path("steps").fields().forEachRemaining(e -> err.printf(Locale.ROOT,
                "  %-10s %7d ops  p50 %7.2f  p99 %7.2f  max %8.2f ms  errors %d%n", e.getKey(),
                e.getValue().path("ops").asLong(), e.getValue().path("latency_ms").path("p50").asDouble(),
                e.getValue().path("latency_ms").path("p99").asDouble(),
                e.getValue().path("latency_ms").path("max").asDouble(), e.getValue().path("errors").asLong()));
        var extra = r.path("extra");
        if (extra.has("events_check")) {
            err.println("  events check: " + extra.path("events_check").path("verdict").asText());
        }
        if (extra.has("cold_start")) {
            err.println("  create: " + extra.path("create").path("creates_per_s") + " creates/s; memory: "
                    + extra.path("memory") + "; cold start: " + extra.path("cold_start"));
        }
        if (extra.has("delivery_latency_ms")) {
            err.println("  event delivery ms: " + extra.path("delivery_latency_ms"));
        }
    }
}
