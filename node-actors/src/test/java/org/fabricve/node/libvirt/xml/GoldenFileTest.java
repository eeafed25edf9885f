package org.fabricve.node.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fabricve.core.config.GuestType;
import org.fabricve.node.libvirt.DomainMetadata;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Golden files: each representative config's XML is compared with src/test/resources/golden/NAME.xml in
 * canonical form (formatting and attribute order do not matter). Run with -Dgolden.update=true to rewrite the
 * files after an intended change, then review the diff. The same files are validated against libvirt's RNG
 * schema when virt-xml-validate is installed (package libvirt-clients).
 */
class GoldenFileTest {

    static final Path DIR = Path.of("src/test/resources/golden");

    @TestFactory
    Stream<DynamicTest> matchesGoldenFile() {
        return GoldenConfigs.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String xml = c.xml().get();
            Path file = DIR.resolve(c.name() + ".xml");
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(file, xml, StandardCharsets.UTF_8);
            }
            assertThat(file).exists();
            assertThat(Fixtures.canonical(xml)).isEqualTo(Fixtures.canonical(Files.readString(file)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> hasTheBasicStructure() {
        return GoldenConfigs.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String xml = c.xml().get();
            Document d = Fixtures.parse(xml);
            Element root = d.getDocumentElement();
            assertThat(root.getTagName()).isEqualTo("domain");
            assertThat(root.getAttribute("type")).isIn("kvm", "qemu", "lxc");
            assertThat(d.getElementsByTagName("name").getLength()).isEqualTo(1);
            // one <memory> of the domain (DIMM devices are <memory> elements too, inside <devices>)
            assertThat(d.getElementsByTagName("memory")).satisfies(all -> {
                int top = 0;
                for (int i = 0; i < all.getLength(); i++) {
                    top += all.item(i).getParentNode() == root ? 1 : 0;
                }
                assertThat(top).isEqualTo(1);
            });
            assertThat(d.getElementsByTagName("vcpu").getLength()).isEqualTo(1);
            assertThat(d.getElementsByTagName("os").getLength()).isEqualTo(1);
            assertThat(d.getElementsByTagName("devices").getLength()).isEqualTo(1);
            Optional<DomainMetadata> meta = DomainMetadata.read(xml);
            assertThat(meta).isPresent();
            assertThat(meta.get().type()).isEqualTo(root.getAttribute("type").equals("lxc") ? GuestType.LXC : GuestType.QEMU);
            // boot orders are unique and dense
            List<Integer> orders = new java.util.ArrayList<>();
            var boots = d.getElementsByTagName("boot");
            for (int i = 0; i < boots.getLength(); i++) {
                orders.add(Integer.parseInt(((Element) boots.item(i)).getAttribute("order")));
            }
            assertThat(orders).doesNotHaveDuplicates();
            for (int i = 1; i <= orders.size(); i++) {
                assertThat(orders).contains(i);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> validatesAgainstLibvirtSchema() {
        Optional<Path> tool = Stream.of("/usr/bin/virt-xml-validate", "/usr/local/bin/virt-xml-validate")
                .map(Path::of).filter(Files::isExecutable).findFirst();
        return GoldenConfigs.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Assumptions.assumeTrue(tool.isPresent(), "virt-xml-validate not installed (package libvirt-clients)");
            // virt-xml-validate runs xmllint, which libvirt-clients only recommends (--no-install-recommends skips it)
            Assumptions.assumeTrue(Stream.of("/usr/bin/xmllint", "/usr/local/bin/xmllint").map(Path::of).anyMatch(Files::isExecutable),
                    "xmllint not installed (package libxml2-utils), virt-xml-validate needs it");
            Path tmp = Files.createTempFile("domain-", ".xml");
            try {
                Files.writeString(tmp, c.xml().get());
                Process p = new ProcessBuilder(tool.get().toString(), tmp.toString(), "domain")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
            } finally {
                Files.deleteIfExists(tmp);
            }
        }));
    }
}
