package org.fabricve.ha.scenario;

import java.util.List;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.Sid;

/** One command of a scenario step, as the scenario format spells it. */
public sealed interface TimelineCommand {

    /** {@code power NODE on|off}: start the node, or crash it at once (its guests die with it). */
    record Power(String node, boolean on) implements TimelineCommand {
    }

    /** {@code network NODE on|off}: cut the node off from every other node, or reconnect it. */
    record Network(String node, boolean on) implements TimelineCommand {
    }

    /** {@code shutdown NODE} / {@code reboot NODE}: graceful, handled by the shutdown policy. */
    record Shutdown(String node, boolean reboot) implements TimelineCommand {
    }

    /** {@code service SID started|stopped|disabled|ignored}. */
    record SetState(Sid sid, RequestedState state) implements TimelineCommand {
    }

    /** {@code service SID migrate NODE} (online) or {@code service SID relocate NODE} (stop, move, start). */
    record Move(Sid sid, String node, boolean relocate) implements TimelineCommand {
    }

    /** {@code service SID add NODE [started|stopped]}. */
    record Add(Sid sid, String node, RequestedState state) implements TimelineCommand {
    }

    /** {@code service SID delete}. */
    record Delete(Sid sid) implements TimelineCommand {
    }

    /** {@code service SID crash}: the guest dies where it runs. */
    record Crash(Sid sid) implements TimelineCommand {
    }

    /** {@code crm NODE enable-node-maintenance|disable-node-maintenance}. */
    record Maintenance(String node, boolean enable) implements TimelineCommand {
    }

    /** {@code delay N}: let N seconds pass. */
    record Delay(long seconds) implements TimelineCommand {
    }

    /** Parses one command; the message of the exception says what is wrong. */
    static TimelineCommand parse(String text, List<String> nodes) {
        String[] w = text.trim().split("\\s+");
        String usage = "'" + text + "': ";
        if (w.length == 0 || w[0].isEmpty()) throw new IllegalArgumentException(usage + "empty command");
        switch (w[0]) {
            case "power", "network" -> {
                need(w, 3, usage + "expected '" + w[0] + " NODE on|off'");
                String node = node(w[1], nodes, usage);
                boolean on = onOff(w[2], usage);
                return w[0].equals("power") ? new Power(node, on) : new Network(node, on);
            }
            case "shutdown", "reboot" -> {
                need(w, 2, usage + "expected '" + w[0] + " NODE'");
                return new Shutdown(node(w[1], nodes, usage), w[0].equals("reboot"));
            }
            case "crm" -> {
                need(w, 3, usage + "expected 'crm NODE enable-node-maintenance|disable-node-maintenance'");
                String node = node(w[1], nodes, usage);
                return switch (w[2]) {
                    case "enable-node-maintenance" -> new Maintenance(node, true);
                    case "disable-node-maintenance" -> new Maintenance(node, false);
                    default -> throw new IllegalArgumentException(usage + "expected enable-node-maintenance or disable-node-maintenance");
                };
            }
            case "delay" -> {
                need(w, 2, usage + "expected 'delay SECONDS'");
                try {
                    long n = Long.parseLong(w[1]);
                    if (n < 0 || n > 86_400) throw new NumberFormatException();
                    return new Delay(n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(usage + "seconds must be a whole number 0..86400");
                }
            }
            case "service" -> {
                if (w.length < 3) throw new IllegalArgumentException(usage + "expected 'service SID ACTION ...'");
                Sid sid;
                try {
                    sid = Sid.parse(w[1]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(usage + e.getMessage());
                }
                switch (w[2]) {
                    case "started", "stopped", "disabled", "ignored" -> {
                        need(w, 3, usage + "expected 'service SID " + w[2] + "'");
                        return new SetState(sid, RequestedState.parse(w[2]));
                    }
                    case "migrate", "relocate" -> {
                        need(w, 4, usage + "expected 'service SID " + w[2] + " NODE'");
                        return new Move(sid, node(w[3], nodes, usage), w[2].equals("relocate"));
                    }
                    case "add" -> {
                        if (w.length != 4 && w.length != 5) throw new IllegalArgumentException(usage + "expected 'service SID add NODE [started|stopped]'");
                        RequestedState st = RequestedState.STARTED;
                        if (w.length == 5) {
                            if (!w[4].equals("started") && !w[4].equals("stopped")) throw new IllegalArgumentException(usage + "state must be started or stopped");
                            st = RequestedState.parse(w[4]);
                        }
                        return new Add(sid, node(w[3], nodes, usage), st);
                    }
                    case "delete", "crash" -> {
                        need(w, 3, usage + "expected 'service SID " + w[2] + "'");
                        return w[2].equals("delete") ? new Delete(sid) : new Crash(sid);
                    }
                    default -> throw new IllegalArgumentException(usage
                            + "unknown service action '" + w[2] + "' (started, stopped, disabled, ignored, migrate, relocate, add, delete, crash)");
                }
            }
            default -> throw new IllegalArgumentException(usage + "unknown command '" + w[0]
                    + "' (power, network, shutdown, reboot, service, crm, delay)");
        }
    }

    private static void need(String[] w, int n, String message) {
        if (w.length != n) throw new IllegalArgumentException(message);
    }

    private static String node(String n, List<String> nodes, String usage) {
        if (!nodes.contains(n)) throw new IllegalArgumentException(usage + "unknown node '" + n + "'");
        return n;
    }

    private static boolean onOff(String s, String usage) {
        return switch (s) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(usage + "expected on or off, got '" + s + "'");
        };
    }
}
