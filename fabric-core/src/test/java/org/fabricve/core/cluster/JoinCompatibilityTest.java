package org.fabricve.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.fabricve.core.cluster.JoinCompatibility.Identity;
import org.junit.jupiter.api.Test;

class JoinCompatibilityTest {

    @Test
    void sameNameAndSharedStoreMayJoin() {
        assertThat(JoinCompatibility.problems(new Identity("fabric", "cassandra"), new Identity("fabric", "cassandra")))
                .isEmpty();
    }

    @Test
    void anEmbeddedH2MemberAcceptsNobodyAndJoinsNobody() {
        assertThat(JoinCompatibility.problems(new Identity("fabric", "cassandra"), new Identity("fabric", "h2")))
                .singleElement().asString().contains("this member uses the embedded H2 store");
        assertThat(JoinCompatibility.problems(new Identity("fabric", "h2"), new Identity("fabric", "cassandra")))
                .singleElement().asString().contains("the other member uses the embedded H2 store");
        assertThat(JoinCompatibility.problems(new Identity("fabric", "h2"), new Identity("fabric", "h2")))
                .singleElement().asString().contains("accepts no other members");
    }

    @Test
    void differentNamesOrStoresAreNamed() {
        assertThat(JoinCompatibility.problems(new Identity("lab", "cassandra"), new Identity("prod", "cassandra")))
                .singleElement().asString().contains("'lab'").contains("'prod'");
        assertThat(JoinCompatibility.problems(new Identity("x", "h2-memory:a"), new Identity("x", "h2-memory:b")))
                .singleElement().asString().contains("stores differ");
        assertThat(JoinCompatibility.problems(new Identity("a", "h2-memory:a"), new Identity("b", "cassandra")))
                .hasSize(2);
    }

    @Test
    void aStrangerIsRefused() {
        assertThat(JoinCompatibility.problems(new Identity(null, null), new Identity("fabric", "cassandra")))
                .singleElement().asString().contains("not a Fabric VE member");
    }
}
