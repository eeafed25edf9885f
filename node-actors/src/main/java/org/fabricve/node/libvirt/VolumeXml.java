package org.fabricve.node.libvirt;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.fabricve.core.hypervisor.HypervisorException;

/** Pure: libvirt storage volume XML for a new volume, every value escaped by the XML writer. */
final class VolumeXml {
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private VolumeXml() {}

    static String build(String name, long capacityBytes, String format) {
        if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
            throw new HypervisorException("invalid volume name '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < 0x20) {
                throw new HypervisorException("volume name contains a control character: " + name.strip());
            }
        }
        if (capacityBytes <= 0) {
            throw new HypervisorException("capacity of volume " + name + " must be positive: " + capacityBytes);
        }
        StringWriter out = new StringWriter(256);
        try {
            XMLStreamWriter x = OUTPUT.createXMLStreamWriter(out);
            x.writeStartElement("volume");
            x.writeStartElement("name");
            x.writeCharacters(name);
            x.writeEndElement();
            x.writeStartElement("capacity");
            x.writeAttribute("unit", "bytes");
            x.writeCharacters(Long.toString(capacityBytes));
            x.writeEndElement();
            x.writeStartElement("target");
            x.writeEmptyElement("format");
            x.writeAttribute("type", format);
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new HypervisorException("cannot build the XML of volume " + name + ": " + e.getMessage(), e);
        }
        return out.toString();
    }
}
