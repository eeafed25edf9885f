package org.fabricve.node.libvirt;

import java.io.StringWriter;
import java.util.Optional;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The device of one config key in domain XML: the translation names every disk and NIC with the user alias
 * {@code ua-KEY}, and libvirt keeps user aliases in the live XML, so hotplug can find the device it added.
 */
final class DeviceByAlias {

    private DeviceByAlias() {}

    /** The device element (disk, interface...) under {@code <devices>} aliased {@code ua-KEY}, as XML text. */
    static Optional<String> find(String domainXml, String key) {
        String alias = "ua-" + key;
        Element root = DomainMetadata.Xml.parse(domainXml).getDocumentElement();
        NodeList devicesList = root.getElementsByTagName("devices");
        if (devicesList.getLength() == 0) {
            return Optional.empty();
        }
        NodeList children = devicesList.item(0).getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node n = children.item(i);
            if (n instanceof Element device && hasAlias(device, alias)) {
                return Optional.of(text(device));
            }
        }
        return Optional.empty();
    }

    private static boolean hasAlias(Element device, String alias) {
        NodeList aliases = device.getElementsByTagName("alias");
        for (int i = 0; i < aliases.getLength(); i++) {
            Element a = (Element) aliases.item(i);
            if (a.getParentNode() == device && alias.equals(a.getAttribute("name"))) {
                return true;
            }
        }
        return false;
    }

    private static String text(Element e) {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(e), new StreamResult(out));
            return out.toString();
        } catch (TransformerException ex) {
            throw new IllegalStateException("cannot write a device element: " + ex.getMessage(), ex);
        }
    }
}
