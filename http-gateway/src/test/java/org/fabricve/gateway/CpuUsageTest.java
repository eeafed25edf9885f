package org.fabricve.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuUsageTest {

    private static final long S = 1_000_000_000L;

    @Test
    void theShareOfItsVcpusUsedSinceTheLastRead() {
        // 1 s of CPU time over 2 s of wall time on 2 vCPUs: a quarter
        assertThat(CpuUsage.between(new CpuUsage.Sample(5 * S, 10 * S), new CpuUsage.Sample(6 * S, 12 * S), 2))
                .isCloseTo(0.25, within(1e-9));
    }

    @Test
    void theFirstReadOfAGuestSaysNothingUsedAndTheSecondMeasures() {
        CpuUsage usage = new CpuUsage();
        assertThat(usage.read(100, 3 * S, 10 * S, 1)).isZero();
        assertThat(usage.read(100, 4 * S, 12 * S, 1)).isCloseTo(0.5, within(1e-9));
        usage.forget(100);
        assertThat(usage.read(100, 9 * S, 20 * S, 1)).as("forgotten: a first read again").isZero();
    }

    @Test
    void aRestartInBetweenOrNoTimePassingSaysZeroAndNeverMoreThanAll() {
        assertThat(CpuUsage.between(new CpuUsage.Sample(9 * S, 10 * S), new CpuUsage.Sample(S, 12 * S), 1)).isZero();
        assertThat(CpuUsage.between(new CpuUsage.Sample(S, 10 * S), new CpuUsage.Sample(2 * S, 10 * S), 1)).isZero();
        assertThat(CpuUsage.between(new CpuUsage.Sample(0, 0), new CpuUsage.Sample(5 * S, S), 2)).isEqualTo(1.0);
    }
}
