package org.fabricve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class NodeCertificateTest {

    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path dataDir;

    private MutableClock clock;
    private NodeCertificate cert;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        cert = NodeCertificate.loadOrCreate(dataDir, "pve1", clock);
    }

    @Test
    void createsFilesWithTheRightModesAndFormats() throws Exception {
        Path key = dataDir.resolve("tls/node.key");
        Path pem = dataDir.resolve("tls/node.pem");
        assertThat(cert.certificatePath()).isEqualTo(pem);
        assertThat(cert.privateKeyPath()).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n")
                .endsWith("-----END CERTIFICATE-----\n");
        try (var files = Files.list(dataDir.resolve("tls"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("node.key", "node.pem");
        }
    }

    @Test
    void certificateHasSubjectSansAndTenYearValidity() throws Exception {
        X509Certificate x = readPem(cert.certificatePath());
        assertThat(x).isEqualTo(cert.certificate());
        assertThat(x.getSubjectX500Principal().getName()).contains("CN=pve1");
        assertThat(x.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(x.getBasicConstraints()).isEqualTo(-1);
        assertThat(x.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        List<String> sans = x.getSubjectAlternativeNames().stream()
                .map(san -> san.get(0) + ":" + san.get(1))
                .collect(Collectors.toList());
        assertThat(sans).containsExactly("2:pve1", "2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        assertThat(x.getNotBefore().toInstant()).isBeforeOrEqualTo(T0);
        assertThat(x.getNotAfter().toInstant()).isEqualTo(T0.atZone(ZoneOffset.UTC).plusYears(10).toInstant());
        x.verify(x.getPublicKey());
    }

    @Test
    void reloadKeepsTheFingerprint() throws Exception {
        String fp = cert.sha256Fingerprint();
        assertThat(fp).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        byte[] der = readPem(cert.certificatePath()).getEncoded();
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        assertThat(fp).isEqualTo(expected);

        String keyBefore = Files.readString(cert.privateKeyPath());
        clock.set(T0.plusSeconds(86_400));
        NodeCertificate reloaded = NodeCertificate.loadOrCreate(dataDir, "pve1", clock);
        assertThat(reloaded.sha256Fingerprint()).isEqualTo(fp);
        assertThat(Files.readString(reloaded.privateKeyPath())).isEqualTo(keyBefore);

        NodeCertificate other = NodeCertificate.loadOrCreate(dataDir.resolve("other"), "pve1", clock);
        assertThat(other.sha256Fingerprint()).isNotEqualTo(fp);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void sslContextCompletesAHandshakeWithAClientTrustingExactlyNodePem() throws Exception {
        SSLContext client = clientTrusting(readPem(cert.certificatePath()));
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            assertThat(handshake(cert, client, protocol, "localhost")).isEqualTo(protocol);
        }
        // The engine the gateway will use offers nothing older than TLS 1.2.
        assertThat(cert.newServerEngine().getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(cert.newServerEngine().getUseClientMode()).isFalse();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClientTrustingAnotherNodeRefusesTheHandshake() throws Exception {
        NodeCertificate other = NodeCertificate.loadOrCreate(dataDir.resolve("other"), "pve2", clock);
        SSLContext client = clientTrusting(other.certificate());
        assertThatThrownBy(() -> handshake(cert, client, "TLSv1.3", "localhost"))
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void missingHalfIsReportedNotRegenerated() throws Exception {
        Path pem = cert.certificatePath();
        Files.delete(pem);
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(pem.toString());
        assertThat(Files.exists(pem)).isFalse();
    }

    @Test
    void corruptFilesAreNamed() throws Exception {
        Path key = cert.privateKeyPath();
        Path pem = cert.certificatePath();
        String goodKey = Files.readString(key);
        String goodPem = Files.readString(pem);

        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining(key.toString());
        Files.writeString(key, "garbage");
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining(key.toString());
        Files.writeString(key, goodKey);

        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining(pem.toString());
        Files.writeString(pem, "");
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining(pem.toString());

        // a valid certificate that does not belong to the key
        NodeCertificate other = NodeCertificate.loadOrCreate(dataDir.resolve("other"), "pve1", clock);
        Files.copy(other.certificatePath(), pem, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining(key.toString())
                .hasMessageContaining("does not belong");

        Files.writeString(pem, goodPem);
        assertThat(NodeCertificate.loadOrCreate(dataDir, "pve1", clock).sha256Fingerprint())
                .isEqualTo(cert.sha256Fingerprint());
    }

    @Test
    void unreadableFilesAreNamed() throws Exception {
        Path key = cert.privateKeyPath();
        Files.delete(key);
        Files.createDirectory(key); // unreadable as a file, even for root
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining(key.toString())
                .hasMessageContaining("cannot read");
    }

    @Test
    void unreadableKeyIsNamedForNonRootUsers() throws Exception {
        Path key = cert.privateKeyPath();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(key), "running as root");
            assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir, "pve1", clock))
                    .isInstanceOf(SecurityFileException.class).hasMessageContaining(key.toString());
        } finally {
            Files.setPosixFilePermissions(key, SecureFiles.OWNER_ONLY);
        }
    }

    @Test
    void invalidNodeNameIsRejected() {
        assertThatThrownBy(() -> NodeCertificate.loadOrCreate(dataDir.resolve("x"), " ", clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static X509Certificate readPem(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static SSLContext clientTrusting(X509Certificate trusted) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("node", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Runs one TLS exchange over real sockets on 127.0.0.1 (hostname verification on {@code host}) and
     * returns the negotiated protocol; the server echoes one line.
     */
    private static String handshake(NodeCertificate cert, SSLContext client, String protocol, String host)
            throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket server = (SSLServerSocket) cert.sslContext().getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            server.setEnabledProtocols(NodeCertificate.PROTOCOLS.toArray(new String[0]));
            server.setSoTimeout(10_000);
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(10_000);
                    byte[] buf = new byte[5];
                    InputStream in = s.getInputStream();
                    int n = in.readNBytes(buf, 0, 5);
                    OutputStream out = s.getOutputStream();
                    out.write(buf, 0, n);
                    out.flush();
                } catch (Exception e) {
                    // the client side reports the failure
                }
            });
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(loopback, server.getLocalPort()), 10_000);
                plain.setSoTimeout(10_000);
                try (SSLSocket s = (SSLSocket) client.getSocketFactory()
                        .createSocket(plain, host, server.getLocalPort(), false)) {
                    SSLParameters params = s.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    params.setProtocols(new String[] {protocol});
                    s.setSSLParameters(params);
                    try {
                        s.startHandshake();
                    } catch (SSLHandshakeException e) {
                        throw new IllegalStateException("handshake failed", e);
                    }
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                            .isEqualTo("hello");
                    return s.getSession().getProtocol();
                }
            } finally {
                serverSide.get(15, TimeUnit.SECONDS);
            }
        }
    }
}
