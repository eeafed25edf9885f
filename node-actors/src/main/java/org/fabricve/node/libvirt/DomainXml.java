package org.fabricve.node.libvirt;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainSpec.DiskSpec;
import org.fabricve.core.hypervisor.DomainSpec.NicSpec;
import org.fabricve.core.hypervisor.HypervisorException;

/**
 * Pure: turns a {@link DomainSpec} into libvirt domain XML. Written through StAX, so every value is escaped
 * by the XML writer; values that XML 1.0 cannot carry at all (control characters) are refused.
 *
 * <p>Fabric's own data (vmid, guest type) goes into {@code <metadata>} as one element in the fabric namespace,
 * declared as the default namespace (no prefix): {@code <fabric xmlns="https://fabricve.org/xmlns/domain/1.0"
 * vmid="100" type="qemu"/>}. libvirt drops metadata children that have no namespace at all.
 *
 * <p>Disk target names: ide N -> hd[a+N]; sata N -> sd[a+N] (sata0..5 = sda..sdf); scsi N -> sd[a+6+N]
 * (scsi0 = sdg, so sata and scsi never collide); virtio N -> vd[a+N]. Names past z continue aa, ab, ...
 * as libvirt counts them.
 */
public final class DomainXml {

    /** Namespace of the fabric element inside {@code <metadata>}. */
    public static final String METADATA_NS = "https://fabricve.org/xmlns/domain/1.0";
    /** Local name of the fabric element inside {@code <metadata>}. */
    public static final String METADATA_ELEMENT = "fabric";

    /** sata0..sata5 take sda..sdf; scsi disks start after them. */
    static final int SCSI_OFFSET = 6;

    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private DomainXml() {}

    /** Domain XML without a UUID (libvirt generates one). */
    public static String build(DomainSpec spec, DomainType type) {
        return build(spec, type, null);
    }

    /**
     * Domain XML; {@code uuid} (may be null) keeps the identity of an existing domain when redefining it.
     *
     * @throws HypervisorException naming the field when the spec cannot be expressed
     */
    public static String build(DomainSpec spec, DomainType type, String uuid) {
        validate(spec);
        StringWriter out = new StringWriter(1024);
        try {
            XMLStreamWriter raw = OUTPUT.createXMLStreamWriter(out);
            Writer w = new Writer(raw);
            w.start("domain").attr("type", type.xmlName());
            w.leaf("name", spec.name());
            if (uuid != null) {
                w.leaf("uuid", uuid);
            }
            if (spec.title() != null && !spec.title().isBlank()) {
                w.leaf("title", spec.title());
            }
            w.start("metadata");
            w.emptyNs(METADATA_ELEMENT, METADATA_NS)
                    .attr("vmid", Integer.toString(spec.vmid()))
                    .attr("type", spec.type().apiName());
            w.end();
            String kib = Long.toString(spec.memoryMiB() * 1024L);
            w.start("memory").attr("unit", "KiB").text(kib).endInline();
            w.start("currentMemory").attr("unit", "KiB").text(kib).endInline();
            w.leaf("vcpu", Integer.toString(spec.vcpus()));
            w.start("os");
            if (type == DomainType.LXC) {
                w.leaf("type", "exe");
                w.leaf("init", "/sbin/init");
            } else {
                w.leaf("type", "hvm");
                w.empty("boot").attr("dev", "hd");
            }
            w.end();
            w.leaf("on_poweroff", "destroy");
            w.leaf("on_reboot", "restart");
            w.leaf("on_crash", "destroy");
            w.start("devices");
            if (type != DomainType.LXC) {
                for (DiskSpec d : spec.disks()) {
                    writeDisk(w, d);
                }
            }
            for (NicSpec n : spec.nics()) {
                writeNic(w, n);
            }
            w.end(); // devices
            w.end(); // domain
            raw.writeEndDocument();
            raw.close();
        } catch (XMLStreamException e) {
            throw new HypervisorException("cannot build the XML of domain " + spec.name() + ": " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static void writeDisk(Writer w, DiskSpec d) throws XMLStreamException {
        w.start("disk").attr("type", "file").attr("device", d.cdrom() ? "cdrom" : "disk");
        w.empty("driver").attr("name", "qemu").attr("type", guessFormat(d.path()));
        if (d.path() != null) {
            w.empty("source").attr("file", d.path());
        }
        w.empty("target").attr("dev", targetDev(d.bus(), d.index())).attr("bus", d.bus());
        if (d.cdrom()) {
            w.empty("readonly");
        }
        w.end();
    }

    private static void writeNic(Writer w, NicSpec n) throws XMLStreamException {
        w.start("interface").attr("type", "bridge");
        if (n.mac() != null && !n.mac().isEmpty()) {
            w.empty("mac").attr("address", n.mac());
        }
        w.empty("source").attr("bridge", n.bridge());
        if (n.model() != null && !n.model().isEmpty()) {
            w.empty("model").attr("type", n.model());
        }
        if (n.vlanTag() > 0) {
            w.start("vlan");
            w.empty("tag").attr("id", Integer.toString(n.vlanTag()));
            w.end();
        }
        w.end();
    }

    /** qcow2 for *.qcow2 paths, raw otherwise (ISO images and raw disks). */
    static String guessFormat(String path) {
        if (path == null) {
            return "raw";
        }
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".qcow2")) {
            return "qcow2";
        }
        if (p.endsWith(".vmdk")) {
            return "vmdk";
        }
        return "raw";
    }

    /** The guest device name for a bus and slot: see the class comment. */
    public static String targetDev(String bus, int index) {
        if (index < 0) {
            throw new HypervisorException("disk index must not be negative: " + bus + index);
        }
        switch (bus) {
            case "ide":
                return "hd" + letters(index);
            case "sata":
                if (index >= SCSI_OFFSET) {
                    throw new HypervisorException("sata index out of range (0-5): sata" + index);
                }
                return "sd" + letters(index);
            case "scsi":
                return "sd" + letters(SCSI_OFFSET + index);
            case "virtio":
                return "vd" + letters(index);
            default:
                throw new HypervisorException("unsupported disk bus '" + bus + "' (ide, sata, scsi, virtio)");
        }
    }

    /** 0 -> a, 25 -> z, 26 -> aa, 27 -> ab ... (libvirt's disk name scheme). */
    public static String letters(int index) {
        StringBuilder sb = new StringBuilder();
        int i = index;
        do {
            sb.insert(0, (char) ('a' + i % 26));
            i = i / 26 - 1;
        } while (i >= 0);
        return sb.toString();
    }

    private static void validate(DomainSpec spec) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw new HypervisorException("domain name must not be empty");
        }
        checkChars("name", spec.name(), spec.name());
        if (spec.title() != null) {
            checkChars("title", spec.title(), spec.name());
            if (spec.title().indexOf('\n') >= 0 || spec.title().indexOf('\r') >= 0) {
                throw new HypervisorException("title of domain " + spec.name() + " must not contain line breaks");
            }
        }
        if (spec.memoryMiB() <= 0) {
            throw new HypervisorException("memory of domain " + spec.name() + " must be positive: " + spec.memoryMiB());
        }
        if (spec.vcpus() <= 0) {
            throw new HypervisorException("vcpus of domain " + spec.name() + " must be positive: " + spec.vcpus());
        }
        List<String> devs = new ArrayList<>();
        for (DiskSpec d : spec.disks()) {
            if (d.bus() == null) {
                throw new HypervisorException("disk of domain " + spec.name() + " has no bus");
            }
            if (d.path() == null && !d.cdrom()) {
                throw new HypervisorException("disk " + d.bus() + d.index() + " of domain " + spec.name()
                        + " has no path");
            }
            if (d.path() != null) {
                checkAttr(d.bus() + d.index() + " path", d.path(), spec.name());
            }
            String dev = targetDev(d.bus(), d.index());
            if (devs.contains(dev)) {
                throw new HypervisorException("disk " + d.bus() + d.index() + " of domain " + spec.name()
                        + " is defined twice");
            }
            devs.add(dev);
        }
        for (NicSpec n : spec.nics()) {
            String nic = "net" + n.index();
            if (n.bridge() == null || n.bridge().isEmpty()) {
                throw new HypervisorException(nic + " of domain " + spec.name() + " has no bridge");
            }
            checkAttr(nic + " bridge", n.bridge(), spec.name());
            if (n.mac() != null) {
                checkAttr(nic + " mac", n.mac(), spec.name());
            }
            if (n.model() != null) {
                checkAttr(nic + " model", n.model(), spec.name());
            }
            if (n.vlanTag() < 0 || n.vlanTag() > 4094) {
                throw new HypervisorException(nic + " of domain " + spec.name() + ": vlan tag out of range (1-4094): "
                        + n.vlanTag());
            }
        }
    }

    /** Attribute values: no control characters at all (a parser would normalize tabs and line breaks away). */
    private static void checkAttr(String field, String value, String domain) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < 0x20) {
                throw new HypervisorException(field + " of domain " + domain
                        + " contains a control character (U+" + String.format("%04X", (int) value.charAt(i)) + ")");
            }
        }
        checkChars(field, value, domain);
    }

    /** Refuses characters that XML 1.0 cannot represent, even escaped. */
    private static void checkChars(String field, String value, String domain) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || Character.isSurrogate(c);
            if (!ok) {
                throw new HypervisorException(field + " of domain " + domain
                        + " contains a character XML cannot carry (U+" + String.format("%04X", (int) c) + ")");
            }
        }
    }

    /** StAX with two-space indentation: elements with children on their own lines, leaves inline. */
    private static final class Writer {
        private final XMLStreamWriter x;
        private int depth;

        Writer(XMLStreamWriter x) {
            this.x = x;
        }

        private void indent() throws XMLStreamException {
            if (depth > 0) {
                x.writeCharacters("\n" + "  ".repeat(depth));
            }
        }

        /** Starts an element that gets content; close it with {@link #end()} or {@link #endInline()}. */
        Writer start(String name) throws XMLStreamException {
            indent();
            x.writeStartElement(name);
            depth++;
            return this;
        }

        /** Writes an empty element; attributes may follow. */
        Writer empty(String name) throws XMLStreamException {
            indent();
            x.writeEmptyElement(name);
            return this;
        }

        /** Writes an empty element in a namespace declared as the default one (no prefix). */
        Writer emptyNs(String name, String ns) throws XMLStreamException {
            indent();
            x.writeEmptyElement("", name, ns);
            x.writeDefaultNamespace(ns);
            return this;
        }

        Writer attr(String name, String value) throws XMLStreamException {
            x.writeAttribute(name, value);
            return this;
        }

        Writer text(String value) throws XMLStreamException {
            x.writeCharacters(value);
            return this;
        }

        void leaf(String name, String value) throws XMLStreamException {
            start(name).text(value).endInline();
        }

        /** Closes an element whose content stayed on one line. */
        void endInline() throws XMLStreamException {
            x.writeEndElement();
            depth--;
        }

        /** Closes an element that has child elements: end tag on its own line. */
        void end() throws XMLStreamException {
            depth--;
            x.writeCharacters("\n" + "  ".repeat(depth));
            x.writeEndElement();
        }
    }
}
