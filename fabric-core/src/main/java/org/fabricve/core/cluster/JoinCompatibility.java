package org.fabricve.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether two members may form one cluster, judged from what each says about itself: the same
 * {@code fabric.cluster-name}, the same journal store, and never the embedded H2 store (an H2 file is one
 * node's disk: a second member writing its own file would fork every entity's history). Both sides run it:
 * the member asked to accept a joiner, and the joiner on the answer it gets.
 */
public final class JoinCompatibility {

    /** The store name of the embedded H2 file database. */
    public static final String EMBEDDED_H2 = "h2";

    /** What one member says about itself; null fields: the other side is not a Fabric VE member at all. */
    public record Identity(String clusterName, String store) {}

    private JoinCompatibility() {}

    /** Every reason {@code other} and {@code self} cannot be in one cluster; empty when they can. */
    public static List<String> problems(Identity other, Identity self) {
        List<String> problems = new ArrayList<>();
        if (other.clusterName() == null || other.store() == null) {
            problems.add("the other member is not a Fabric VE member (no fabric.cluster-name or fabric.journal.store)");
            return problems;
        }
        if (EMBEDDED_H2.equals(self.store())) {
            problems.add("this member uses the embedded H2 store, which is one node's disk and not a shared "
                    + "journal: it accepts no other members (use --store cassandra for a cluster)");
        } else if (EMBEDDED_H2.equals(other.store())) {
            problems.add("the other member uses the embedded H2 store, which is one node's disk and not a shared "
                    + "journal: it cannot be in a cluster (use --store cassandra for a cluster)");
        } else if (!Objects.equals(other.store(), self.store())) {
            problems.add("the journal stores differ: the other member uses '" + other.store() + "', this one '"
                    + self.store() + "'");
        }
        if (!Objects.equals(other.clusterName(), self.clusterName())) {
            problems.add("the cluster names differ: the other member is in '" + other.clusterName()
                    + "', this one in '" + self.clusterName() + "'");
        }
        return problems;
    }
}
