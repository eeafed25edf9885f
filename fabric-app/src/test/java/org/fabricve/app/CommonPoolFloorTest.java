package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommonPoolFloorTest {

    @Test
    void aHostOfTwoCoresGetsTwoInsteadOfOne() {
        assertThat(CommonPoolFloor.raised(null, 2)).contains("2");
        assertThat(CommonPoolFloor.raised(null, 1)).contains("2");
    }

    @Test
    void largerHostsKeepTheJvmDefault() {
        assertThat(CommonPoolFloor.raised(null, 3)).isEmpty();
        assertThat(CommonPoolFloor.raised(null, 64)).isEmpty();
    }

    @Test
    void anOperatorsSettingStays() {
        assertThat(CommonPoolFloor.raised("1", 2)).isEmpty();
    }
}
