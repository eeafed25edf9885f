package org.fabricve.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParamsTest {

    @Test
    void formBodyOverridesQueryAndIsDecoded() {
        var params = RequestParams.merge(Map.of("vmid", "100", "node", "pve1"),
                "application/x-www-form-urlencoded", "vmid=101&net0=virtio%2Cbridge%3Dvmbr0&name=a+b");
        assertThat(params).containsEntry("vmid", "101").containsEntry("node", "pve1")
                .containsEntry("net0", "virtio,bridge=vmbr0").containsEntry("name", "a b");
    }

    @Test
    void jsonBodyTurnsBooleansIntoBitsAndArraysIntoLists() {
        var params = RequestParams.merge(Map.of(), "application/json",
                "{\"vmid\": 100, \"onboot\": true, \"agent\": false, \"delete\": [\"net0\", \"ide2\"], \"x\": null}");
        assertThat(params).containsEntry("vmid", "100").containsEntry("onboot", "1").containsEntry("agent", "0")
                .containsEntry("delete", "net0,ide2").doesNotContainKey("x");
    }

    @Test
    void malformedJsonNamesTheBody() {
        assertThatThrownBy(() -> RequestParams.merge(Map.of(), "application/json", "{nope"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors()).containsKey("body");
                });
        assertThatThrownBy(() -> RequestParams.merge(Map.of(), "application/json", "{\"net0\": {\"a\": 1}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).containsKey("net0"));
    }

    @Test
    void flagsAndIntegersNameTheParameter() {
        assertThat(RequestParams.flag(Map.of("start", "1"), "start")).isTrue();
        assertThat(RequestParams.flag(Map.of("start", "off"), "start")).isFalse();
        assertThat(RequestParams.flag(Map.of(), "start")).isFalse();
        assertThatThrownBy(() -> RequestParams.flag(Map.of("start", "maybe"), "start"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).containsKey("start"));
        assertThat(RequestParams.integer(Map.of("limit", "7"), "limit", 50, 0, 100)).isEqualTo(7);
        assertThat(RequestParams.integer(Map.of(), "limit", 50, 0, 100)).isEqualTo(50);
        assertThatThrownBy(() -> RequestParams.integer(Map.of("limit", "101"), "limit", 50, 0, 100))
                .isInstanceOfSatisfying(ApiException.class, e ->
                        assertThat(e.errors()).containsEntry("limit", "value must have a maximum value of 100"));
        assertThatThrownBy(() -> RequestParams.integer(Map.of("limit", "x"), "limit", 50, 0, 100))
                .isInstanceOf(ApiException.class);
    }
}
