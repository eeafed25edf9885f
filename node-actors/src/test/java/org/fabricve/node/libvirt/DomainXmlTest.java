package org.fabricve.node.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainSpec.DiskSpec;
import org.fabricve.core.hypervisor.DomainSpec.NicSpec;
import org.fabricve.core.hypervisor.HypervisorException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class DomainXmlTest {

    @Test
    void goldenSimpleTestDomain() {
        String xml = DomainXml.build(Specs.simple("vm-100", 100), DomainType.TEST);
        assertThat(xml).isEqualTo("""
                <domain type="test">
                  <name>vm-100</name>
                  <metadata>
                    <fabric xmlns="https://fabricve.org/xmlns/domain/1.0" vmid="100" type="qemu"/>
                  </metadata>
                  <memory unit="KiB">524288</memory>
                  <currentMemory unit="KiB">524288</currentMemory>
                  <vcpu>1</vcpu>
                  <os>
                    <type>hvm</type>
                    <boot dev="hd"/>
                  </os>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                  </devices>
                </domain>""");
    }

    @Test
    void goldenFullKvmDomain() {
        String xml = DomainXml.build(Specs.full("web", 101, "Web server"), DomainType.KVM,
                "6695eb01-f6a4-8304-79aa-97f2502e193f");
        assertThat(xml).isEqualTo("""
                <domain type="kvm">
                  <name>web</name>
                  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
                  <title>Web server</title>
                  <metadata>
                    <fabric xmlns="https://fabricve.org/xmlns/domain/1.0" vmid="101" type="qemu"/>
                  </metadata>
                  <memory unit="KiB">2097152</memory>
                  <currentMemory unit="KiB">2097152</currentMemory>
                  <vcpu>2</vcpu>
                  <os>
                    <type>hvm</type>
                    <boot dev="hd"/>
                  </os>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <disk type="file" device="disk">
                      <driver name="qemu" type="qcow2"/>
                      <source file="/var/lib/vz/images/101/vm-101-disk-0.qcow2"/>
                      <target dev="sdg" bus="scsi"/>
                    </disk>
                    <disk type="file" device="disk">
                      <driver name="qemu" type="raw"/>
                      <source file="/var/lib/vz/images/101/vm-101-disk-1.raw"/>
                      <target dev="sda" bus="sata"/>
                    </disk>
                    <disk type="file" device="cdrom">
                      <driver name="qemu" type="raw"/>
                      <source file="/var/lib/vz/template/iso/debian.iso"/>
                      <target dev="hdc" bus="ide"/>
                      <readonly/>
                    </disk>
                    <disk type="file" device="disk">
                      <driver name="qemu" type="raw"/>
                      <source file="/dev/zvol/data"/>
                      <target dev="vdb" bus="virtio"/>
                    </disk>
                    <interface type="bridge">
                      <mac address="52:54:00:12:34:56"/>
                      <source bridge="vmbr0"/>
                      <model type="virtio"/>
                      <vlan>
                        <tag id="10"/>
                      </vlan>
                    </interface>
                    <interface type="bridge">
                      <mac address="52:54:00:12:34:57"/>
                      <source bridge="vmbr1"/>
                      <model type="e1000"/>
                    </interface>
                  </devices>
                </domain>""");
    }

    @Test
    void realLxcUsesExeInitAndNoDisks() throws Exception {
        DomainSpec spec = new DomainSpec("ct200", GuestType.LXC, 200, null, 256, 1,
                List.of(new DiskSpec("scsi", 0, "/x.raw", false)),
                List.of(new NicSpec(0, "veth", "52:54:00:00:00:01", "vmbr0", 0)));
        Document doc = DomainMetadata.Xml.parse(DomainXml.build(spec, DomainType.LXC));
        XPath xp = XPathFactory.newInstance().newXPath();
        assertThat(xp.evaluate("/domain/@type", doc)).isEqualTo("lxc");
        assertThat(xp.evaluate("/domain/os/type", doc)).isEqualTo("exe");
        assertThat(xp.evaluate("/domain/os/init", doc)).isEqualTo("/sbin/init");
        assertThat(xp.evaluate("count(/domain/devices/disk)", doc)).isEqualTo("0");
        assertThat(xp.evaluate("/domain/devices/interface/source/@bridge", doc)).isEqualTo("vmbr0");
        assertThat(DomainMetadata.read(DomainXml.build(spec, DomainType.LXC)))
                .contains(new DomainMetadata(200, GuestType.LXC));
    }

    @Test
    void hostileValuesAreEscapedAndParseBackToTheSameValues() throws Exception {
        String title = "<script>alert(\"x\")</script> & 'quotes' ]]> &amp;";
        String path = "/images/a\"b'c<d>&e ]]>.qcow2";
        String bridge = "br\"0'<&>";
        String name = "vm<&>\"'";
        DomainSpec spec = new DomainSpec(name, GuestType.QEMU, 7, title, 64, 1,
                List.of(new DiskSpec("virtio", 0, path, false)),
                List.of(new NicSpec(0, "virtio\"/><evil/>", "52:54:00:00:00:02", bridge, 4094)));
        String xml = DomainXml.build(spec, DomainType.TEST);
        assertThat(xml).doesNotContain("<script>").doesNotContain("<evil/>");
        Document doc = DomainMetadata.Xml.parse(xml);
        XPath xp = XPathFactory.newInstance().newXPath();
        assertThat(xp.evaluate("/domain/name", doc)).isEqualTo(name);
        assertThat(xp.evaluate("/domain/title", doc)).isEqualTo(title);
        assertThat(xp.evaluate("/domain/devices/disk/source/@file", doc)).isEqualTo(path);
        assertThat(xp.evaluate("/domain/devices/interface/source/@bridge", doc)).isEqualTo(bridge);
        assertThat(xp.evaluate("/domain/devices/interface/model/@type", doc)).isEqualTo("virtio\"/><evil/>");
        assertThat(xp.evaluate("count(//evil)", doc)).isEqualTo("0");
        assertThat(DomainMetadata.read(xml)).contains(new DomainMetadata(7, GuestType.QEMU));
    }

    @Test
    void refusesWhatXmlCannotCarryNamingTheField() {
        DomainSpec bell = new DomainSpec("vm1", GuestType.QEMU, 1, "ding\u0007", 64, 1, List.of(), List.of());
        assertThatThrownBy(() -> DomainXml.build(bell, DomainType.TEST))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("title").hasMessageContaining("vm1");
        DomainSpec newline = new DomainSpec("vm1", GuestType.QEMU, 1, null, 64, 1,
                List.of(new DiskSpec("scsi", 0, "/a\nb", false)), List.of());
        assertThatThrownBy(() -> DomainXml.build(newline, DomainType.TEST))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("scsi0 path");
        DomainSpec twice = new DomainSpec("vm1", GuestType.QEMU, 1, null, 64, 1,
                List.of(new DiskSpec("scsi", 0, "/a", false), new DiskSpec("scsi", 0, "/b", false)), List.of());
        assertThatThrownBy(() -> DomainXml.build(twice, DomainType.TEST))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("scsi0");
        DomainSpec badBus = new DomainSpec("vm1", GuestType.QEMU, 1, null, 64, 1,
                List.of(new DiskSpec("floppy", 0, "/a", false)), List.of());
        assertThatThrownBy(() -> DomainXml.build(badBus, DomainType.TEST))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("floppy");
    }

    @Test
    void targetNamesNeverCollideAcrossSataAndScsi() {
        assertThat(DomainXml.targetDev("ide", 0)).isEqualTo("hda");
        assertThat(DomainXml.targetDev("ide", 2)).isEqualTo("hdc");
        assertThat(DomainXml.targetDev("sata", 0)).isEqualTo("sda");
        assertThat(DomainXml.targetDev("sata", 5)).isEqualTo("sdf");
        assertThat(DomainXml.targetDev("scsi", 0)).isEqualTo("sdg");
        assertThat(DomainXml.targetDev("scsi", 19)).isEqualTo("sdz");
        assertThat(DomainXml.targetDev("scsi", 20)).isEqualTo("sdaa");
        assertThat(DomainXml.targetDev("scsi", 30)).isEqualTo("sdak");
        assertThat(DomainXml.targetDev("virtio", 15)).isEqualTo("vdp");
        assertThatThrownBy(() -> DomainXml.targetDev("sata", 6)).isInstanceOf(HypervisorException.class);
    }

    @Test
    void metadataRoundTripAndForeignDomains() {
        for (GuestType t : GuestType.values()) {
            DomainSpec spec = new DomainSpec("g", t, 123456, null, 64, 1, List.of(), List.of());
            assertThat(DomainMetadata.read(DomainXml.build(spec, DomainType.TEST)))
                    .contains(new DomainMetadata(123456, t));
        }
        assertThat(DomainMetadata.read("<domain type='kvm'><name>foreign</name></domain>")).isEmpty();
        assertThat(DomainMetadata.read("<domain><metadata><other xmlns='urn:x' vmid='1'/></metadata></domain>"))
                .isEmpty();
        assertThat(DomainMetadata.read("<domain><metadata><fabric xmlns='" + DomainXml.METADATA_NS
                + "' vmid='x' type='qemu'/></metadata></domain>")).isEmpty();
        assertThatThrownBy(() -> DomainMetadata.read("<domain")).isInstanceOf(IllegalArgumentException.class);
    }
}
