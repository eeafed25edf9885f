package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fabricve.persistence.JournalStore;
import org.junit.jupiter.api.Test;

/** {@code --store} and {@code --cassandra}: the choice, its defaults, and clear errors naming the option. */
class UpCommandStoreTest {

    @Test
    void h2UnlessCassandraIsAskedFor() {
        assertThat(UpCommand.journalStore(null, null)).isEqualTo(new JournalStore.EmbeddedH2());
        assertThat(UpCommand.journalStore("H2", null)).isEqualTo(new JournalStore.EmbeddedH2());
        assertThat(UpCommand.journalStore("cassandra", null)).isEqualTo(new JournalStore.Cassandra("127.0.0.1", 9042));
        assertThat(UpCommand.journalStore(null, "db1:19042")).isEqualTo(new JournalStore.Cassandra("db1", 19042));
        assertThat(UpCommand.journalStore("cassandra", "[::1]:9042")).isEqualTo(new JournalStore.Cassandra("::1", 9042));
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> UpCommand.journalStore("mysql", null)).hasMessageContaining("--store")
                .hasMessageContaining("mysql");
        assertThatThrownBy(() -> UpCommand.journalStore("h2", "db1:9042")).hasMessageContaining("--cassandra");
        assertThatThrownBy(() -> UpCommand.journalStore(null, "db1")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> UpCommand.journalStore(null, "db1:x")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> UpCommand.journalStore(null, "db1:70000")).hasMessageContaining("--cassandra")
                .hasMessageContaining("out of range");
    }

    @Test
    void theReconcilePeriodComesFromTheOptionThenTheEnvironmentAndIsBounded() {
        assertThat(UpCommand.reconcileInterval(null, null)).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(UpCommand.reconcileInterval(null, "60")).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(UpCommand.reconcileInterval(30, "60")).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThatThrownBy(() -> UpCommand.reconcileInterval(0, null)).hasMessageContaining("--reconcile-seconds")
                .hasMessageContaining("between 1 and 3600");
        assertThatThrownBy(() -> UpCommand.reconcileInterval(null, "ten")).hasMessageContaining("FABRIC_RECONCILE_SECONDS")
                .hasMessageContaining("must be a number");
    }
}
