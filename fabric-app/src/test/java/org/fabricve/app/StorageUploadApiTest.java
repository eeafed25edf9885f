package org.fabricve.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.app.ApiClient.params;
import static org.fabricve.app.RealGuestApiTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proxmox's {@code POST /nodes/{node}/storage/{storage}/upload} on a real host's {@code local} storage: the file
 * lands under its name in the content folder, listed as content, with an imgcopy task; a refused upload answers
 * 400 naming the parameter and leaves no file, not even a partial one.
 */
class StorageUploadApiTest {

    static final String N = TestNodes.NODE;
    static final String UPLOAD = "/nodes/" + N + "/storage/local/upload";

    Path dataDir;
    FabricNode node;
    ApiClient api;
    Path file;

    @BeforeAll
    static void realHost() {
        RealGuestApiTest.ensureLibvirtd(RealGuestApiTest.URI);
    }

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.close();
        }
        if (dataDir != null) {
            if (RealGuestApiTest.poolTarget().equals(dataDir.resolve("images").toString())) {
                run(Duration.ofSeconds(30), "virsh", "-c", RealGuestApiTest.URI, "pool-destroy", "local");
                run(Duration.ofSeconds(30), "virsh", "-c", RealGuestApiTest.URI, "pool-undefine", "local");
            }
            run(Duration.ofSeconds(60), "rm", "-rf", "--one-file-system", dataDir.toString());
        }
    }

    private void realNode() throws Exception {
        dataDir = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("upload-" + System.nanoTime()));
        node = FabricNode.start(TestNodes.settings(dataDir, Optional.of(RealGuestApiTest.URI)));
        api = ApiClient.loggedIn(node);
        file = dataDir.resolve("boot.iso");
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(bytes);
        Files.write(file, bytes);
    }

    private List<String> folder(String content) throws Exception {
        Path dir = dataDir.resolve("images").resolve(content);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anIsoUploadedWithItsChecksumIsContentOfTheStorage() throws Exception {
        realNode();
        String upid = api.upload(N, "local", "iso", file);

        assertThat(upid).contains(":imgcopy:");
        assertThat(folder("iso")).containsExactly("boot.iso");
        assertThat(Files.mismatch(file, dataDir.resolve("images/iso/boot.iso"))).isEqualTo(-1L);
        JsonNode isos = api.get("/nodes/" + N + "/storage/local/content?content=iso").data();
        JsonNode row = null;
        for (JsonNode r : isos) {
            if (r.path("volid").asText().equals("local:iso/boot.iso")) row = r;
        }
        assertThat(row).as("listed as content: " + isos).isNotNull();
        assertThat(row.path("size").asLong()).isEqualTo(Files.size(file));
        List<String> log = new ArrayList<>();
        api.get("/nodes/" + N + "/tasks/" + upid + "/log").data().forEach(l -> log.add(l.path("t").asText()));
        assertThat(log).contains("file size is: " + Files.size(file), "finished file import successfully");

        // the same name again replaces the file, as Proxmox does
        Files.write(file, new byte[] {1, 2, 3});
        api.upload(N, "local", "iso", file);
        assertThat(Files.size(dataDir.resolve("images/iso/boot.iso"))).isEqualTo(3);
    }

    @Test
    void refusedUploadsNameTheParameterAndLeaveNothing() throws Exception {
        realNode();
        record Refusal(java.util.Map<String, String> fields, String filename, String parameter, String says) {}
        List<Refusal> refusals = List.of(
                new Refusal(params("content", "iso", "checksum-algorithm", "sha256", "checksum", "00".repeat(32)),
                        "boot.iso", "checksum", "checksum mismatch"),
                new Refusal(params("content", "images"), "boot.iso", "content", "enumeration"),
                new Refusal(params(), "boot.iso", "content", "before the file"),
                new Refusal(params("content", "vztmpl"), "boot.iso", "filename", "wrong file extension"),
                new Refusal(params("content", "iso"), "../../escape.iso", "filename", "not a plain file name"),
                new Refusal(params("content", "iso", "checksum-algorithm", "crc32", "checksum", "ab"), "boot.iso",
                        "checksum-algorithm", "enumeration"));
        for (Refusal r : refusals) {
            ApiClient.Response answer = api.postFile(UPLOAD, r.fields(), "filename", r.filename(), file);
            assertThat(answer.status()).as(r.toString()).isEqualTo(400);
            assertThat(answer.body().path("errors").path(r.parameter()).asText()).as(r.toString()).contains(r.says());
        }
        ApiClient.Response noFile = api.post(UPLOAD, params("content", "iso"));
        assertThat(noFile.status()).isEqualTo(400);

        assertThat(folder("iso")).as("nothing kept, no partial file").isEmpty();
        assertThat(folder("vztmpl")).isEmpty();
        assertThat(dataDir.resolve("escape.iso")).doesNotExist();
        assertThat(dataDir.resolve("images/escape.iso")).doesNotExist();
    }

    @Test
    void aSimulatedHostListsWhatWasUploadedIntoItsPoolFolder() throws Exception {
        dataDir = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("upload-" + System.nanoTime()));
        node = TestNodes.start(dataDir);
        api = ApiClient.loggedIn(node);
        file = Files.write(dataDir.resolve("busybox_amd64.tar.gz"), new byte[] {31, -117, 8, 0});

        api.upload(N, "local", "vztmpl", file);

        JsonNode templates = api.get("/nodes/" + N + "/storage/local/content?content=vztmpl").data();
        assertThat(templates.findValuesAsText("volid")).containsExactly("local:vztmpl/busybox_amd64.tar.gz");
        ApiClient.Response remote = api.postFile("/nodes/elsewhere/storage/local/upload", params("content", "iso"),
                "filename", "boot.iso", file);
        assertThat(remote.status()).isIn(404, 501);
    }
}
