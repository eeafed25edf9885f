package org.fabricve.node.libvirt;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.fabricve.core.hypervisor.HypervisorException;

/** Pure: libvirt storage pool XML, every value escaped by the XML writer. */
final class PoolXml {
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private PoolXml() {}

    /** A {@code dir} pool named {@code name} whose volumes are the files in {@code path} (absolute). */
    static String dir(String name, String path) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9._-]{0,63}")) {
            throw new HypervisorException("invalid storage pool name '" + name + "'");
        }
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c < 0x20)) {
            throw new HypervisorException("storage pool " + name + ": path must be absolute: " + path);
        }
        StringWriter out = new StringWriter(256);
        try {
            XMLStreamWriter x = OUTPUT.createXMLStreamWriter(out);
            x.writeStartElement("pool");
            x.writeAttribute("type", "dir");
            x.writeStartElement("name");
            x.writeCharacters(name);
            x.writeEndElement();
            x.writeStartElement("target");
            x.writeStartElement("path");
            x.writeCharacters(path);
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new HypervisorException("cannot build the XML of storage pool " + name + ": " + e.getMessage(), e);
        }
        return out.toString();
    }
}
