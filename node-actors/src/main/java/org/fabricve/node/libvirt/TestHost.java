package org.fabricve.node.libvirt;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The node file of libvirt's test driver ({@code test:///ABS/PATH.xml}) that describes one whole simulated
 * host: CPUs, memory, a {@code local} dir pool, a {@code vmbr0} bridge network, and (after
 * {@link #saveState}) domains with their run states and volumes.
 *
 * <p>Test driver facts this relies on (libvirt src/test/test_driver.c): {@code /node/cpu/{nodes,sockets,cores,
 * threads}} give cpus = their product (capped by {@code /node/cpu/active}); {@code /node/memory} is in KiB;
 * every {@code /node/pool} and {@code /node/network} is active after open; pool volumes are
 * {@code /node/pool/volume} elements; a {@code /node/domain} runs unless it has
 * {@code <test:runstate>N</test:runstate>} (namespace {@value #TEST_NS}), N being a virDomainState number
 * (1 running, 3 paused, 5 shut off...); the driver reports the real machine's host name, so the simulated
 * name is kept in an element of fabric's own namespace, which libvirt ignores.
 */
public final class TestHost {

    /** Namespace of the test driver's per-domain elements (runstate, transient...). */
    public static final String TEST_NS = "http://libvirt.org/schemas/domain/test/1.0";
    /** Namespace of fabric's own element in the node file (the simulated host name). */
    public static final String HOST_NS = "https://fabricve.org/xmlns/testhost/1.0";

    /** virDomainState number for a shut-off domain. */
    static final int VIR_DOMAIN_SHUTOFF = 5;

    private TestHost() {}

    /** Writes a fresh host: cpus (1 node, 1 socket, cpus cores, 1 thread), memory, pool {@code local}, network {@code vmbr0}. */
    public static void write(Path file, String hostname, int cpus, long memoryMiB, Path localPoolDir) {
        if (cpus <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException("cpus and memory must be positive: " + cpus + ", " + memoryMiB);
        }
        Document doc = DomainMetadata.Xml.builder().newDocument();
        Element node = doc.createElement("node");
        doc.appendChild(node);

        Element host = doc.createElementNS(HOST_NS, "host");
        host.setAttribute("name", hostname);
        node.appendChild(host);

        Element cpu = child(node, "cpu", null);
        child(cpu, "mhz", "2400");
        child(cpu, "model", "fabric-sim");
        child(cpu, "active", Integer.toString(cpus));
        child(cpu, "nodes", "1");
        child(cpu, "sockets", "1");
        child(cpu, "cores", Integer.toString(cpus));
        child(cpu, "threads", "1");
        child(node, "memory", Long.toString(memoryMiB * 1024L));

        Element net = child(node, "network", null);
        child(net, "name", "vmbr0");
        child(net, "bridge", null).setAttribute("name", "vmbr0");
        child(net, "forward", null).setAttribute("mode", "bridge");

        Element pool = child(node, "pool", null);
        pool.setAttribute("type", "dir");
        child(pool, "name", "local");
        Element target = child(pool, "target", null);
        child(target, "path", localPoolDir.toAbsolutePath().toString());

        writeAtomically(file, doc);
    }

    /** The libvirt URI of a node file: {@code test://} + the absolute path, percent-encoded where URIs need it. */
    public static String uri(Path file) {
        try {
            String raw = new URI(null, null, file.toAbsolutePath().toString(), null).getRawPath();
            return "test://" + raw;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot make a URI of " + file, e);
        }
    }

    /** The node file a test:///... URI points at (decoding what {@link #uri} encoded); empty for test:///default. */
    static Optional<Path> fileOf(String uri) {
        if (!uri.startsWith("test://")) {
            return Optional.empty();
        }
        String path;
        try {
            path = new URI(uri).getPath();
        } catch (URISyntaxException e) {
            path = uri.substring("test://".length());
        }
        if (path == null || path.isEmpty() || path.equals("/default")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(path));
    }

    /** The simulated host name written by {@link #write}, if the file has one. */
    public static Optional<String> readHostname(Path file) {
        Document doc = parse(file);
        for (Node n = doc.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && HOST_NS.equals(n.getNamespaceURI()) && "host".equals(n.getLocalName())) {
                return Optional.of(((Element) n).getAttribute("name"));
            }
        }
        return Optional.empty();
    }

    /**
     * Rewrites the node file with the connection's current domains (persistent config, run state) and the
     * current volumes of the file's pools, keeping everything else (host name, CPU, memory, pools, networks),
     * so that a new connection to the file finds the host as it was, like a libvirtd that kept running.
     */
    public static void saveState(Path file, LibvirtHypervisor hv) {
        Document doc = parse(file);
        Element node = doc.getDocumentElement();
        List<Element> pools = new ArrayList<>();
        Node firstAfterDomains = null;
        for (Node n = node.getFirstChild(); n != null; ) {
            Node next = n.getNextSibling();
            if (n instanceof Element && n.getNamespaceURI() == null) {
                String tag = n.getLocalName();
                if ("domain".equals(tag)) {
                    node.removeChild(n);
                } else if ("pool".equals(tag)) {
                    pools.add((Element) n);
                }
            }
            n = next;
        }
        // domains go after the fabric host element (or first), in libvirt's list order
        for (Node n = node.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && !HOST_NS.equals(n.getNamespaceURI())) {
                firstAfterDomains = n;
                break;
            }
        }
        for (LibvirtHypervisor.SavedDomain d : hv.savedDomains()) {
            Element dom = (Element) doc.importNode(
                    DomainMetadata.Xml.parse(d.inactiveXml()).getDocumentElement(), true);
            if (!d.persistent()) {
                if (d.libvirtState() == VIR_DOMAIN_SHUTOFF) {
                    continue; // a transient domain that is off no longer exists
                }
                dom.appendChild(doc.createElementNS(TEST_NS, "test:transient"));
            }
            Element rs = doc.createElementNS(TEST_NS, "test:runstate");
            rs.setTextContent(Integer.toString(d.libvirtState()));
            dom.appendChild(rs);
            node.insertBefore(dom, firstAfterDomains);
        }
        for (Element pool : pools) {
            for (Node n = pool.getFirstChild(); n != null; ) {
                Node next = n.getNextSibling();
                if (n instanceof Element && "volume".equals(n.getLocalName())) {
                    pool.removeChild(n);
                }
                n = next;
            }
            String name = textOf(pool, "name");
            if (name == null) {
                continue;
            }
            for (String vol : hv.savedVolumes(name)) {
                pool.appendChild(doc.importNode(DomainMetadata.Xml.parse(vol).getDocumentElement(), true));
            }
        }
        writeAtomically(file, doc);
    }

    private static String textOf(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && tag.equals(n.getLocalName())) {
                return n.getTextContent().trim();
            }
        }
        return null;
    }

    private static Element child(Element parent, String tag, String text) {
        Element e = parent.getOwnerDocument().createElement(tag);
        if (text != null) {
            e.setTextContent(text);
        }
        parent.appendChild(e);
        return e;
    }

    private static Document parse(Path file) {
        try {
            return DomainMetadata.Xml.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test host file " + file, e);
        }
    }

    /** Drops indentation text between elements, so that re-serializing with INDENT does not pile it up. */
    private static void stripIndentation(Node parent) {
        boolean hasElements = false;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                hasElements = true;
                break;
            }
        }
        for (Node n = parent.getFirstChild(); n != null; ) {
            Node next = n.getNextSibling();
            if (hasElements && n.getNodeType() == Node.TEXT_NODE && n.getNodeValue().isBlank()) {
                parent.removeChild(n);
            } else if (n instanceof Element) {
                stripIndentation(n);
            }
            n = next;
        }
    }

    private static void writeAtomically(Path file, Document doc) {
        stripIndentation(doc.getDocumentElement());
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(out));
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize test host file " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test host file " + file, e);
        }
    }
}
