package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VmidsTest {

    @ParameterizedTest
    @ValueSource(strings = {"100", "101", "12345", "999999999"})
    void acceptsTheRange(String raw) {
        assertThat(Vmids.check(raw)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"99", "0", "1000000000", "9999999999"})
    void rejectsOutOfRange(String raw) {
        assertThat(Vmids.check(raw)).get().asString().contains("value must have a m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-100", "+100", " 100", "100 ", "1e3", "0x64", "99999999999999999999999", "10\n0", "0100", "00100"})
    void rejectsNonIntegers(String raw) {
        assertThat(Vmids.check(raw)).get().asString().startsWith("type check ('integer') failed");
    }

    @ParameterizedTest
    @ValueSource(ints = {99, -1, Integer.MIN_VALUE, 1_000_000_000})
    void rejectsOutOfRangeInts(int vmid) {
        assertThat(Vmids.check(vmid)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(ints = {Vmids.MIN, Vmids.MAX})
    void acceptsBoundInts(int vmid) {
        assertThat(Vmids.check(vmid)).isEmpty();
    }
}
