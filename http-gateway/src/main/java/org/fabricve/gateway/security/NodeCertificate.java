package org.fabricve.gateway.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node's TLS identity: a private key and certificate under {@code dataDir/tls/}.
 *
 * <p>On first start a self-signed RSA-2048 certificate is generated (SHA256withRSA, valid 10 years,
 * {@code CN=<node>, O=Fabric VE}, SubjectAltNames {@code DNS:<node>, DNS:localhost, IP:127.0.0.1, IP:::1},
 * end-entity, serverAuth) and stored as {@code node.key} (PKCS#8 PEM, mode 0600) and {@code node.pem}
 * (PEM, 0644). Later starts load those files, so the fingerprint stays the same. An operator may replace
 * both files with a CA-issued key and certificate: {@code node.pem} may then hold the chain (leaf first)
 * and {@code node.key} may be PKCS#8 or traditional (PKCS#1/SEC1) PEM.
 *
 * <p>If only one of the files exists, or either is unreadable or corrupt, or the key does not belong to
 * the certificate, {@link SecurityFileException} names the file; nothing is regenerated.
 */
public final class NodeCertificate {

    /** Directory under the data directory. */
    public static final String TLS_DIR = "tls";
    /** Private key file name (PKCS#8 PEM, 0600). */
    public static final String KEY_FILE = "node.key";
    /** Certificate file name (PEM, 0644). */
    public static final String CERT_FILE = "node.pem";
    /** Protocols the server engine enables, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final int VALIDITY_YEARS = 10;
    /** Back-date notBefore a little so that clients with a slightly slow clock accept a fresh certificate. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final Path keyPath;
    private final Path certPath;
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;
    private final SSLContext sslContext;

    private NodeCertificate(Path keyPath, Path certPath, PrivateKey privateKey, List<X509Certificate> chain) {
        this.keyPath = keyPath;
        this.certPath = certPath;
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
        this.sslContext = buildContext(privateKey, this.chain);
    }

    /**
     * Loads {@code dataDir/tls/node.key} and {@code node.pem}, generating both when neither exists.
     *
     * @param nodeName the node's name, used as CN and first DNS SubjectAltName
     * @param clock    the validity period of a generated certificate starts at this clock's now
     * @throws SecurityFileException if the files are incomplete, unreadable, corrupt or do not match
     */
    public static NodeCertificate loadOrCreate(Path dataDir, String nodeName, Clock clock) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        if (nodeName == null || nodeName.isBlank() || nodeName.length() > 253) {
            throw new IllegalArgumentException("invalid node name: " + nodeName);
        }
        SecureFiles.ensureDirectory(dataDir, SecureFiles.OWNER_ONLY_DIR);
        Path dir = SecureFiles.ensureDirectory(dataDir.resolve(TLS_DIR), SecureFiles.OWNER_ONLY_DIR);
        Path keyPath = dir.resolve(KEY_FILE);
        Path certPath = dir.resolve(CERT_FILE);
        boolean keyExists = Files.exists(keyPath, LinkOption.NOFOLLOW_LINKS);
        boolean certExists = Files.exists(certPath, LinkOption.NOFOLLOW_LINKS);
        if (!keyExists && !certExists) {
            generate(keyPath, certPath, nodeName, clock);
        } else if (!keyExists) {
            throw new SecurityFileException(keyPath, "missing, but " + certPath
                    + " exists; restore the key or remove both files to generate a new certificate");
        } else if (!certExists) {
            throw new SecurityFileException(certPath, "missing, but " + keyPath
                    + " exists; restore the certificate or remove both files to generate a new one");
        }
        PrivateKey key = readKey(keyPath);
        List<X509Certificate> chain = readChain(certPath);
        requireMatch(key, chain.get(0), keyPath);
        return new NodeCertificate(keyPath, certPath, key, chain);
    }

    // ---- generation -----------------------------------------------------------------------------

    private static void generate(Path keyPath, Path certPath, String nodeName, Clock clock) {
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
            kpg.initialize(2048, random);
            KeyPair kp = kpg.generateKeyPair();

            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "Fabric VE")
                    .addRDN(BCStyle.CN, nodeName)
                    .build();
            Instant now = clock.instant();
            Instant notBefore = now.minus(BACKDATE);
            Instant notAfter = now.atZone(ZoneOffset.UTC).plusYears(VALIDITY_YEARS).toInstant();
            BigInteger serial = new BigInteger(127, random).setBit(126); // positive, 16 bytes

            Set<String> dnsNames = new LinkedHashSet<>(List.of(nodeName, "localhost"));
            List<GeneralName> sans = new ArrayList<>();
            for (String dns : dnsNames) {
                sans.add(new GeneralName(GeneralName.dNSName, dns));
            }
            sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            sans.add(new GeneralName(GeneralName.iPAddress, "::1"));

            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, serial, Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(new GeneralName[0])));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(kp.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(kp.getPublic()));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);

            // Key first: a crash in between leaves "key without certificate", reported clearly at next start.
            SecureFiles.writeAtomically(keyPath,
                    pem("PRIVATE KEY", kp.getPrivate().getEncoded()), SecureFiles.OWNER_ONLY);
            SecureFiles.writeAtomically(certPath, pem("CERTIFICATE", cert.getEncoded()), SecureFiles.WORLD_READABLE);
        } catch (IOException e) {
            throw new SecurityFileException(keyPath.getParent(), "cannot write node certificate: " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the node certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    // ---- loading --------------------------------------------------------------------------------

    private static PrivateKey readKey(Path keyPath) {
        String text = readText(keyPath, "private key");
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new SecurityFileException(keyPath, "corrupt private key (not a readable PEM key): " + e.getMessage(), e);
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            throw new SecurityFileException(keyPath, "corrupt private key: " + e.getMessage(), e);
        }
        throw new SecurityFileException(keyPath, parsed == null
                ? "corrupt private key (no PEM block found)"
                : "unsupported content (expected an unencrypted PEM private key, found "
                        + parsed.getClass().getSimpleName() + ")");
    }

    private static List<X509Certificate> readChain(Path certPath) {
        String text = readText(certPath, "certificate");
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SecurityFileException(certPath, "corrupt certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new SecurityFileException(certPath, "corrupt certificate (no PEM certificate found)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : certs) {
            chain.add((X509Certificate) c);
        }
        return chain;
    }

    private static String readText(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new SecurityFileException(file, "cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** Proves the key belongs to the certificate by signing and verifying a challenge. */
    private static void requireMatch(PrivateKey key, X509Certificate cert, Path keyPath) {
        PublicKey pub = cert.getPublicKey();
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            throw new SecurityFileException(keyPath, "unsupported key algorithm " + pub.getAlgorithm());
        }
        try {
            byte[] challenge = "fabric-ve key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(challenge);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(pub);
            verifier.update(challenge);
            if (!verifier.verify(sig)) {
                throw new SecurityFileException(keyPath, "private key does not belong to the certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new SecurityFileException(keyPath, "private key does not belong to the certificate: "
                    + e.getMessage(), e);
        }
    }

    private static SSLContext buildContext(PrivateKey key, List<X509Certificate> chain) {
        try {
            char[] pass = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("node", key, pass, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    // ---- accessors ------------------------------------------------------------------------------

    /**
     * A server {@link SSLContext} holding the node key and certificate. Use {@link #newServerEngine()} (or
     * set {@link #PROTOCOLS} on the engine/socket) to restrict the protocols to TLS 1.2 and 1.3; Java 17
     * disables older versions by default anyway.
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** A server-mode engine from {@link #sslContext()} with only TLS 1.3 and 1.2 enabled. */
    public SSLEngine newServerEngine() {
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS.toArray(new String[0]));
        return engine;
    }

    /** {@code dataDir/tls/node.pem}. */
    public Path certificatePath() {
        return certPath;
    }

    /** {@code dataDir/tls/node.key}. */
    public Path privateKeyPath() {
        return keyPath;
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The certificate chain as stored in {@code node.pem}, leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** SHA-256 of the leaf certificate's DER encoding as colon-separated upper-case hex, as Proxmox shows. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
            StringBuilder sb = new StringBuilder(digest.length * 3);
            for (byte b : digest) {
                if (sb.length() > 0) {
                    sb.append(':');
                }
                sb.append(String.format(Locale.ROOT, "%02X", b & 0xFF));
            }
            return sb.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute the certificate fingerprint", e);
        }
    }

    @Override
    public String toString() {
        return "NodeCertificate[" + certificate().getSubjectX500Principal().getName() + ", " + certPath
                + ", sha256=" + sha256Fingerprint() + "]";
    }
}
