package org.fabricve.core.cluster;

import java.util.Optional;
import java.util.regex.Pattern;
import org.fabricve.core.FabricSerializable;
import org.fabricve.core.guest.Rejection;

/**
 * One entry of the configured node list. A node is either a <em>member</em> (a Fabric VE process with its own
 * vote: {@code member} is its own name, {@code votes} 1) or a host simulated by a member for development and
 * scale tests ({@code member} names the process that runs its agent, {@code votes} 0): such a host lives and
 * dies with its member, so giving it a vote would let one process outvote the others.
 *
 * @param nodeid         Proxmox's node id: assigned when the node is added, stable afterwards
 * @param clusterAddress where the member's cluster port listens, {@code HOST:PORT}
 * @param apiAddress     where the member's API listens, {@code HOST:PORT}
 */
public record ClusterNode(String name, int nodeid, String member, String clusterAddress, String apiAddress,
                          int votes) implements FabricSerializable {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]");

    /** A voting member; its node id is assigned when it is added. */
    public static ClusterNode member(String name, String clusterAddress, String apiAddress) {
        return new ClusterNode(name, 0, name, clusterAddress, apiAddress, 1);
    }

    /** A host simulated by {@code member}: listed and shown like any node, without a vote. */
    public static ClusterNode hostedBy(ClusterNode member, String name) {
        return new ClusterNode(name, 0, member.name(), member.clusterAddress(), member.apiAddress(), 0);
    }

    public boolean votingMember() {
        return name != null && name.equals(member);
    }

    public ClusterNode withNodeid(int id) {
        return new ClusterNode(name, id, member, clusterAddress, apiAddress, votes);
    }

    /** The first thing wrong with this entry, named by the API parameter it comes from. */
    public Optional<Rejection> problem() {
        if (!validName(name)) {
            return Optional.of(Rejection.invalid("node", "invalid node name '" + name
                    + "': letters, digits and '-', at most 63 characters, not starting or ending with '-'"));
        }
        if (!validName(member)) {
            return Optional.of(Rejection.invalid("member", "invalid member name '" + member + "'"));
        }
        Optional<String> address = addressProblem(clusterAddress);
        if (address.isPresent()) {
            return Optional.of(Rejection.invalid("address", address.get()));
        }
        if (apiAddress != null) {
            Optional<String> api = addressProblem(apiAddress);
            if (api.isPresent()) {
                return Optional.of(Rejection.invalid("api", api.get()));
            }
        }
        if (votingMember() ? votes != 1 : votes != 0) {
            return Optional.of(Rejection.invalid("votes", votingMember()
                    ? "a member has exactly 1 vote, not " + votes
                    : "a simulated host has no vote (0), not " + votes));
        }
        return Optional.empty();
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Why {@code address} is not {@code HOST:PORT} with a port 1-65535; empty when it is. */
    public static Optional<String> addressProblem(String address) {
        if (address == null || address.isBlank()) {
            return Optional.of("an address HOST:PORT is required");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || !HOST.matcher(address.substring(0, colon)).matches()) {
            return Optional.of("'" + address + "' is not HOST:PORT");
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                return Optional.of("port " + port + " in '" + address + "' is out of range 1-65535");
            }
        } catch (NumberFormatException e) {
            return Optional.of("'" + address + "' has no numeric port");
        }
        return Optional.empty();
    }
}
