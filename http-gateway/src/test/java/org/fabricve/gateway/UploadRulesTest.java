package org.fabricve.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadRulesTest {

    private static final List<String> LOCAL = List.of("images", "rootdir", "iso", "vztmpl");

    private static void refusedNaming(Runnable call, String parameter, String fragment) {
        assertThatThrownBy(call::run).asInstanceOf(type(ApiException.class)).satisfies(e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.errors()).containsOnlyKeys(parameter);
            assertThat(e.errors().get(parameter)).contains(fragment);
        });
    }

    @Test
    void contentMustBeSentFirstAndBeIsoOrTemplateOfThatStorage() {
        assertThat(UploadRules.content("iso", LOCAL, "local")).isEqualTo("iso");
        assertThat(UploadRules.content("vztmpl", LOCAL, "local")).isEqualTo("vztmpl");
        refusedNaming(() -> UploadRules.content(null, LOCAL, "local"), "content", "before the file");
        refusedNaming(() -> UploadRules.content("images", LOCAL, "local"), "content", "enumeration");
        refusedNaming(() -> UploadRules.content("iso", List.of("images"), "data"), "content",
                "storage 'data' does not support content type 'iso'");
    }

    @Test
    void fileNamesArePlainNamesWithTheContentsExtension() {
        assertThat(UploadRules.filename("iso", "debian-12.8.0-amd64-netinst.iso")).isEqualTo("debian-12.8.0-amd64-netinst.iso");
        assertThat(UploadRules.filename("iso", "disk.IMG")).isEqualTo("disk.IMG");
        assertThat(UploadRules.filename("vztmpl", "debian-12-standard_12.7-1_amd64.tar.zst"))
                .isEqualTo("debian-12-standard_12.7-1_amd64.tar.zst");
        refusedNaming(() -> UploadRules.filename("iso", "../../etc/passwd.iso"), "filename", "not a plain file name");
        refusedNaming(() -> UploadRules.filename("iso", "a/b.iso"), "filename", "not a plain file name");
        refusedNaming(() -> UploadRules.filename("iso", ".hidden.iso"), "filename", "not a plain file name");
        refusedNaming(() -> UploadRules.filename("iso", "x..iso"), "filename", "not a plain file name");
        refusedNaming(() -> UploadRules.filename("iso", "a\nb.iso"), "filename", "a?b.iso");
        refusedNaming(() -> UploadRules.filename("iso", "x".repeat(300) + ".iso"), "filename", "...");
        refusedNaming(() -> UploadRules.filename("iso", "template.tar.gz"), "filename", "expected .iso or .img");
        refusedNaming(() -> UploadRules.filename("vztmpl", "cd.iso"), "filename", ".tar.gz, .tar.xz or .tar.zst");
        refusedNaming(() -> UploadRules.filename("iso", ""), "filename", "missing");
    }

    @Test
    void checksumAndAlgorithmGoTogether() {
        assertThat(UploadRules.digest(null, null)).isNull();
        assertThat(UploadRules.digest("sha256", "ab".repeat(32))).isEqualTo("SHA-256");
        assertThat(UploadRules.digest("md5", "AB".repeat(16))).isEqualTo("MD5");
        refusedNaming(() -> UploadRules.digest("sha256", null), "checksum", "go together");
        refusedNaming(() -> UploadRules.digest(null, "ab"), "checksum-algorithm", "go together");
        refusedNaming(() -> UploadRules.digest("crc32", "ab".repeat(16)), "checksum-algorithm", "enumeration");
        refusedNaming(() -> UploadRules.digest("sha1", "not-hex"), "checksum", "hexadecimal");
    }

    @Test
    void verifyComparesHexInAnyCase() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("iso".getBytes(StandardCharsets.UTF_8));
        String hex = HexFormat.of().formatHex(digest);
        UploadRules.verify("sha256", hex.toUpperCase(), digest);
        refusedNaming(() -> UploadRules.verify("sha256", "00".repeat(32), digest), "checksum",
                "checksum mismatch: got '" + hex + "'");
    }
}
