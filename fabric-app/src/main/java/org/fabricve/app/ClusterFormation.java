package org.fabricve.app;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;

/**
 * Who forms the cluster again when a member restarts from the node list in the journal and no member runs:
 * pure. {@code self} and {@code others} are the recorded members' cluster addresses. A member that answers as
 * Up in a cluster is joined. Otherwise the lowest address among the members that answered (and this one) forms
 * the cluster once they are a majority of the recorded members, so that two of three restarted members regain
 * quorum whichever member stays away. Fewer never form one: a member alone would form a cluster without quorum,
 * and if the others ran but answered late, one it could never leave (Pekko clusters do not merge). Two majorities
 * share a member, which joins only one of the clusters they formed, so at most one of them is quorate.
 */
record ClusterFormation(Address self, List<Address> others) {

    static final Comparator<Address> ORDER = Comparator.comparing(Address::toString);

    ClusterFormation {
        others = others.stream().filter(a -> !a.equals(self)).sorted(ORDER).toList();
    }

    /** What to do after the probes answered: join running members, form the cluster, or wait and probe again. */
    sealed interface Decision {
        record JoinRunning(List<Address> members) implements Decision {
        }

        record Form(String why) implements Decision {
        }

        record Wait(String why) implements Decision {
        }
    }

    /**
     * @param upByMember the recorded members that answered lately, each with whether it is Up in a cluster
     * @param answersComplete whether probing has gone on long enough for every running member to have answered
     */
    Decision decide(Map<Address, Boolean> upByMember, boolean answersComplete) {
        List<Address> up = others.stream().filter(a -> Boolean.TRUE.equals(upByMember.get(a))).toList();
        if (!up.isEmpty()) return new Decision.JoinRunning(up);
        if (!answersComplete) return new Decision.Wait("waiting for the recorded members to answer");
        List<Address> gathered = new ArrayList<>(others.stream().filter(upByMember::containsKey).toList());
        gathered.add(self);
        gathered.sort(ORDER);
        int recorded = others.size() + 1;
        int majority = majority();
        if (gathered.size() >= majority && gathered.get(0).equals(self)) {
            return new Decision.Form(gathered.size() + " of the " + recorded + " recorded members are starting, "
                    + "a majority, and this one has the lowest address among them");
        }
        if (gathered.size() >= majority) {
            return new Decision.Wait(gathered.get(0) + " forms the cluster (" + gathered.size() + " of the " + recorded
                    + " recorded members are starting)");
        }
        return new Decision.Wait("no member runs, and " + gathered.size() + " of the " + recorded
                + " recorded members are starting: " + majority + " are needed to form the cluster again");
    }

    /**
     * Whether this member is in a cluster apart from the one its recorded members run: a majority of the recorded
     * members answer as Up, outside {@code ourMembers}. Then this member's cluster can never be quorate (a member is
     * in one cluster only), and it was formed on an answer that went stale; why, or empty.
     *
     * @param ourMembers the members of this member's own cluster
     * @param upByMember the recorded members that answered lately, each with whether it is Up in a cluster
     */
    Optional<String> apart(Set<Address> ourMembers, Map<Address, Boolean> upByMember) {
        List<Address> elsewhere = others.stream()
                .filter(a -> !ourMembers.contains(a) && Boolean.TRUE.equals(upByMember.get(a))).toList();
        if (elsewhere.size() < majority()) return Optional.empty();
        return Optional.of(elsewhere.size() + " of the " + (others.size() + 1) + " recorded members run in another cluster: "
                + elsewhere);
    }

    /** Whether this member's own cluster holds a majority of the recorded members (then no other cluster can). */
    boolean holdsMajority(Set<Address> ourMembers) {
        long ours = others.stream().filter(ourMembers::contains).count() + (ourMembers.contains(self) ? 1 : 0);
        return ours >= majority();
    }

    /** A majority of the recorded members, this one included. */
    private int majority() {
        return (others.size() + 1) / 2 + 1;
    }
}
