package org.fabricve.app;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import org.apache.pekko.japi.Util;
import org.fabricve.core.cluster.JoinCompatibility;
import org.fabricve.persistence.JournalConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko's join-time configuration check, applied to {@link JoinCompatibility}: the joiner sends its
 * {@code fabric.cluster-name} and {@code fabric.journal.store}; the member it asks refuses an incompatible one (Pekko
 * then shuts the joiner down), and the joiner checks the answer the same way. Configured under
 * {@code pekko.cluster.configuration-compatibility-check.checkers}; the refusal is logged here on both sides.
 */
public final class FabricJoinCheck extends JoinConfigCompatChecker {

    private static final Logger LOG = LoggerFactory.getLogger(FabricJoinCheck.class);
    static final String CLUSTER_NAME = "fabric.cluster-name";
    static final String STORE = JournalConfig.STORE_KEY;

    @Override
    public scala.collection.immutable.Seq<String> requiredKeys() {
        return Util.immutableSeq(List.of(CLUSTER_NAME, STORE));
    }

    @Override
    public ConfigValidation check(Config other, Config self) {
        List<String> problems = JoinCompatibility.problems(identity(other), identity(self));
        if (problems.isEmpty()) {
            return Valid$.MODULE$;
        }
        LOG.error("cluster join refused: {}", String.join("; ", problems));
        return new Invalid(Util.immutableSeq(problems));
    }

    private static JoinCompatibility.Identity identity(Config config) {
        return new JoinCompatibility.Identity(
                config.hasPath(CLUSTER_NAME) ? config.getString(CLUSTER_NAME) : null,
                config.hasPath(STORE) ? config.getString(STORE) : null);
    }
}
