package org.fabricve.node.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.fabricve.core.config.GuestType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * What fabric wrote into a domain's {@code <metadata>}: tells fabric's domains from foreign ones.
 * See {@link DomainXml} for the element written.
 */
public record DomainMetadata(int vmid, GuestType type) {

    /**
     * Reads the fabric element from a domain's XML (as libvirt returns it). Empty when the domain has no
     * fabric metadata (a foreign domain) or the element is unreadable (bad vmid or type).
     *
     * @throws IllegalArgumentException when the text is not XML at all
     */
    public static Optional<DomainMetadata> read(String domainXml) {
        Element root = Xml.parse(domainXml).getDocumentElement();
        for (Node m = root.getFirstChild(); m != null; m = m.getNextSibling()) {
            if (m instanceof Element && "metadata".equals(m.getLocalName()) && m.getNamespaceURI() == null) {
                for (Node f = m.getFirstChild(); f != null; f = f.getNextSibling()) {
                    if (f instanceof Element && DomainXml.METADATA_ELEMENT.equals(f.getLocalName())
                            && DomainXml.METADATA_NS.equals(f.getNamespaceURI())) {
                        return fromElement((Element) f);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<DomainMetadata> fromElement(Element f) {
        try {
            int vmid = Integer.parseInt(f.getAttribute("vmid").trim());
            GuestType type = GuestType.fromApiName(f.getAttribute("type").trim());
            return Optional.of(new DomainMetadata(vmid, type));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            return Optional.empty();
        }
    }

    /** Namespace-aware DOM parsing with DTDs and external entities off. */
    static final class Xml {
        private Xml() {}

        static Document parse(String xml) {
            try {
                return builder().parse(new InputSource(new StringReader(xml)));
            } catch (SAXException | IOException e) {
                throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
            }
        }

        static DocumentBuilder builder() {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                f.setXIncludeAware(false);
                f.setExpandEntityReferences(false);
                DocumentBuilder b = f.newDocumentBuilder();
                b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // quiet: fatal errors throw
                return b;
            } catch (ParserConfigurationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
