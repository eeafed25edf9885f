package org.fabricve.app;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One real node for all tests of a class, with a logged-in client; subclasses add their own setup. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedNodeTest {

    static final String N = TestNodes.NODE;

    @TempDir
    static Path dataDir;
    FabricNode node;
    ApiClient api;

    @BeforeAll
    void startNode() throws Exception {
        node = TestNodes.start(dataDir);
        api = ApiClient.loggedIn(node);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** A client with no ticket, trusting the node's certificate. */
    ApiClient newClient() throws Exception {
        return new ApiClient("https://127.0.0.1:" + node.apiPort() + "/api2/json",
                node.certificate().orElseThrow().certificatePath());
    }
}
