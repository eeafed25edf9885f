package org.fabricve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTokenTest {

    private static final String SECRET = "5f2a7c1e-0d3b-4e8a-9c6f-1b2d3e4f5a6b";

    @Test
    void parsesTheDocumentedForm() {
        Optional<ApiToken> token = ApiToken.parseAuthorizationHeader("PVEAPIToken=root@pam!automation=" + SECRET);
        assertThat(token).contains(new ApiToken("root@pam", "automation", SECRET));
        assertThat(token.get().fullTokenId()).isEqualTo("root@pam!automation");
    }

    @Test
    void acceptsASpaceAfterTheSchemeAndPercentEncoding() {
        // What a Proxmox node sends when it proxies a request: "PVEAPIToken " + uri_escape(value)
        assertThat(ApiToken.parseAuthorizationHeader("PVEAPIToken root%40pam%21automation%3D" + SECRET))
                .contains(new ApiToken("root@pam", "automation", SECRET));
        assertThat(ApiToken.parseAuthorizationHeader("PVEAPIToken admin@ldap-corp!ci.deploy_1=" + SECRET))
                .contains(new ApiToken("admin@ldap-corp", "ci.deploy_1", SECRET));
    }

    @Test
    void keepsEverythingAfterTheFirstEqualsSignOfTheValueAsSecret() {
        assertThat(ApiToken.parseAuthorizationHeader("PVEAPIToken=user@pve!tok=abc=def+/"))
                .contains(new ApiToken("user@pve", "tok", "abc=def+/"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
        "",
        "   ",
        "Bearer abc",
        "Basic cm9vdDpwYXNz",
        "PVEAPIToken",
        "PVEAPIToken=",
        "PVEAPIToken=root@pam",
        "PVEAPIToken=root@pam!tok",
        "PVEAPIToken=root@pam!tok=",
        "PVEAPIToken=root!tok=secret",
        "PVEAPIToken=@pam!tok=secret",
        "PVEAPIToken=root@pam!=secret",
        "PVEAPIToken=root@pam!1tok=secret",
        "PVEAPIToken=root@p!tok=secret",
        "PVEAPIToken=ro:ot@pam!tok=secret",
        "PVEAPIToken=root@pam!tok=sec ret",
        "PVEAPIToken=root%40pam%21tok%3Dsec%ZZ",
        "PVEAPIToken=root%40pam%21tok%3Dsecret%",
        "PVEAPIToken=root%40pam%21tok%3D%C3%28",
        "pveapitoken=root@pam!tok=secret",
        "XPVEAPIToken=root@pam!tok=secret",
        "PVEAPITokenroot@pam!tok=secret",
    })
    void rejectsMalformedHeaders(String value) {
        assertThat(ApiToken.parseAuthorizationHeader(value)).isEmpty();
    }

    @Test
    void toStringHidesTheSecret() {
        ApiToken token = ApiToken.parseAuthorizationHeader("PVEAPIToken=root@pam!automation=" + SECRET).orElseThrow();
        assertThat(token.toString()).doesNotContain(SECRET).contains("root@pam!automation");
    }
}
