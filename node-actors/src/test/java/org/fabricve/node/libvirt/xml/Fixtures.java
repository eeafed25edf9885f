package org.fabricve.node.libvirt.xml;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.function.BiFunction;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestConfigValidator;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.NodeLimits;
import org.fabricve.core.config.Validation;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Shared test data: host paths, validated configs, and XML parsing/canonical form. */
final class Fixtures {

    static final NodeLimits NODE = new NodeLimits(16, 65_536, Set.of("local", "local-lvm"));
    static final Path LOCAL = Path.of("/var/lib/fabric/storage/local");

    /** "local" is a directory storage, "local-lvm" a block storage (/dev/pve/NAME) as in Proxmox. */
    static final BiFunction<String, String, Path> VOLUMES = (storage, volume) -> storage.equals("local-lvm")
            ? Path.of("/dev/pve").resolve(volume)
            : HostPaths.directories(Map.of("local", LOCAL)).apply(storage, volume);

    static final HostPaths PATHS = new HostPaths(VOLUMES,
            Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"),
            Path.of("/var/lib/fabric/nvram"), Path.of("/var/log/fabric/serial"));

    private Fixtures() {}

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Runs params through the real validator, so golden configs are configs the API accepts. */
    static GuestConfig valid(GuestType type, int vmid, Map<String, String> params) {
        Validation v = GuestConfigValidator.validateCreate(type, vmid, params, NODE, new SplittableRandom(7));
        if (v instanceof Validation.Invalid) {
            throw new AssertionError("fixture config rejected by the validator: " + ((Validation.Invalid) v).errors());
        }
        return ((Validation.Valid) v).config();
    }

    /** Unvalidated: for hostile values the validator would stop. */
    static GuestConfig raw(GuestType type, Map<String, String> values) {
        return GuestConfig.of(type, values);
    }

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + xml, e);
        }
    }

    /**
     * Canonical text of an XML document: one element per line, attributes sorted, whitespace-only text dropped,
     * other text trimmed. Two documents that differ only in formatting or attribute order compare equal.
     */
    static String canonical(String xml) {
        StringBuilder b = new StringBuilder();
        canonical(parse(xml).getDocumentElement(), 0, b);
        return b.toString();
    }

    private static void canonical(Element e, int depth, StringBuilder b) {
        b.append("  ".repeat(depth)).append('<');
        if (e.getNamespaceURI() != null) {
            b.append('{').append(e.getNamespaceURI()).append('}');
        }
        b.append(e.getLocalName());
        NamedNodeMap attrs = e.getAttributes();
        List<Attr> list = new ArrayList<>();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                list.add(a);
            }
        }
        list.sort(Comparator.comparing(Attr::getName));
        for (Attr a : list) {
            b.append(' ').append(a.getName()).append("=\"").append(a.getValue()).append('"');
        }
        b.append(">\n");
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element) {
                canonical((Element) c, depth + 1, b);
            } else if (c.getNodeType() == Node.TEXT_NODE || c.getNodeType() == Node.CDATA_SECTION_NODE) {
                String t = c.getNodeValue().strip();
                if (!t.isEmpty()) {
                    b.append("  ".repeat(depth + 1)).append("text: ").append(t).append('\n');
                }
            } else if (c.getNodeType() != Node.COMMENT_NODE) {
                throw new AssertionError("unexpected node " + c);
            }
        }
    }
}
