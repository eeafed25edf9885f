package org.fabricve.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fabricve.core.config.Fixtures.errors;
import static org.fabricve.core.config.Fixtures.lxc;
import static org.fabricve.core.config.Fixtures.params;
import static org.fabricve.core.config.Fixtures.update;
import static org.fabricve.core.config.Fixtures.valid;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Container configs (node: 8 cpus, 16384 MiB, storages local and local-lvm). */
class LxcTest {

    private static final String TEMPLATE = "local:vztmpl/debian-12-standard_12.2-1_amd64.tar.zst";

    private static Validation ct(String... kv) {
        String[] all = new String[kv.length + 2];
        all[0] = "ostemplate";
        all[1] = TEMPLATE;
        System.arraycopy(kv, 0, all, 2, kv.length);
        return lxc(all);
    }

    @Test
    void aTypicalContainer() {
        Validation.Valid v = valid(ct("hostname", "ct1", "memory", "1024", "swap", "512", "cores", "2",
                "rootfs", "local-lvm:8", "mp0", "local-lvm:100,mp=/srv/data,backup=1", "net0", "name=eth0,bridge=vmbr0,ip=dhcp",
                "unprivileged", "1", "features", "nesting=1,keyctl=on", "ostype", "debian", "arch", "amd64",
                "password", "secret123", "ssh-public-keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoo user@host\nssh-rsa AAAAB3Nza== other"));
        GuestConfig c = v.config();
        assertThat(c.type()).isEqualTo(GuestType.LXC);
        assertThat(c.name()).isEqualTo("ct1");
        assertThat(c.memoryMiB()).isEqualTo(1024);
        assertThat(c.vcpus()).isEqualTo(2);
        assertThat(c.values()).doesNotContainKeys("password", "ssh-public-keys").containsEntry("ostemplate", TEMPLATE)
                .containsEntry("features", "keyctl=1,nesting=1");
        assertThat(c.get("net0")).matches("name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth");
        assertThat(v.newVolumes()).containsExactly(new VolumeRequest("mp0", "local-lvm", 100), new VolumeRequest("rootfs", "local-lvm", 8));
        assertThat(c.disks()).extracting(DiskEntry::key, DiskEntry::bus, DiskEntry::index)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mp0", "mp", 0), org.assertj.core.groups.Tuple.tuple("rootfs", "rootfs", 0));
        assertThat(c.nics()).containsExactly(new NicEntry("net0", 0, "veth", c.nics().get(0).mac(), "vmbr0", 0,
                Map.of("name", "eth0", "bridge", "vmbr0", "hwaddr", c.nics().get(0).mac(), "ip", "dhcp", "type", "veth")));
    }

    /** Chosen default: without rootfs we use Proxmox's "local:4" if the node has "local", else it is an error. */
    @Test
    void rootfsDefaultsToFourGiBOnLocal() {
        Validation.Valid v = valid(ct());
        assertThat(v.config().get("rootfs")).isEqualTo("local:4");
        assertThat(v.newVolumes()).containsExactly(new VolumeRequest("rootfs", "local", 4));
        assertThat(v.config().memoryMiB()).isEqualTo(512);
        assertThat(v.config().vcpus()).isEqualTo(1);
        NodeLimits noLocal = new NodeLimits(4, 4096, Set.of("tank", "local-zfs"));
        Map<String, String> e = errors(GuestConfigValidator.validateCreate(GuestType.LXC, 100,
                params("ostemplate", "tank:vztmpl/alpine.tar.xz"), noLocal, new SplittableRandom(1)));
        assertThat(e).containsOnlyKeys("rootfs");
    }

    @Test
    void ostemplateIsRequiredOnCreate() {
        assertThat(errors(lxc("hostname", "ct1"))).containsOnlyKeys("ostemplate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local:vztmpl/x.tar", "local:iso/x.tar.gz", "local:vztmpl/../x.tar.gz", "nowhere:vztmpl/x.tar.gz",
            "vztmpl/x.tar.gz", "local:vztmpl/x y.tar.gz", "/var/lib/vz/template/cache/x.tar.gz", "local:vztmpl/x.tar.gz;id"})
    void badTemplates(String template) {
        assertThat(errors(lxc("ostemplate", template))).containsOnlyKeys("ostemplate");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "memory|15", "memory|16385", "swap|-1", "cores|0", "cores|9", "cpulimit|8.5", "cpulimit|-1", "cpuunits|500001",
            "tty|7", "cmode|ssh", "arch|x86_64", "ostype|windows", "unprivileged|2", "hostname|-bad", "hostname|a_b",
            "features|nesting=2", "features|bogus=1", "features|mount=nfs;c$fs", "nameserver|1.2.3", "nameserver|999.1.1.1",
            "searchdomain|-x.com", "password|1234", "vmid|100", "name|vm", "scsi0|local:1", "mp256|local:1,mp=/x",
            "net32|name=eth0,bridge=vmbr0", "ssh-public-keys|not a key"})
    void badContainerValues(String key, String value) {
        assertThat(errors(ct(key, value))).containsOnlyKeys(key);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "memory|16", "memory|16384", "swap|0", "cores|1", "cores|8", "cpulimit|0", "cpulimit|8", "cpulimit|0.5",
            "cpuunits|0", "tty|0", "tty|6", "cmode|console", "arch|arm64", "arch|riscv64", "ostype|nixos", "ostype|unmanaged",
            "console|no", "onboot|1", "protection|0", "nameserver|1.1.1.1 2606:4700:4700::1111", "searchdomain|example.com lan",
            "startup|order=2,up=10", "tags|db;prod", "description|hello world", "features|mount=nfs;cifs,fuse=1,mknod=0",
            "mp255|local:1,mp=/mnt/last", "net31|name=eth31,bridge=vmbr0"})
    void goodContainerValues(String key, String value) {
        valid(ct(key, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local:8", "local:8,acl=1,quota=1,ro=0,size=8G,mountoptions=noatime;nodev",
            "local:subvol-100-disk-0,size=8G"})
    void rootfsValues(String value) {
        valid(ct("rootfs", value));
    }

    @Test
    void rootfsMayNotHaveAMountPointButMpMust() {
        assertThat(errors(ct("rootfs", "local:8,mp=/data"))).containsOnlyKeys("rootfs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local:8", "local:8,mp=data", "local:8,mp=/data/../etc", "local:8,mp=/./x", "local:8,mp=/",
            "local:8,mp=/da ta", "local:8,mp=/data\"", "local:8,mp=/<x>", "local:8,mp=/data,mountoptions=exec",
            "/srv/host-dir,mp=/data", "local:../x,mp=/data", "local:8,mp=/x,mp=/y", "nowhere:8,mp=/data"})
    void badMountPoints(String value) {
        assertThat(errors(ct("mp0", value))).containsOnlyKeys("mp0");
    }

    @Test
    void allocatedContainerVolumesKeepTheirMountPoint() {
        GuestConfig c = valid(ct("mp0", "local-lvm:8,mp=/data,backup=1")).config()
                .withAllocatedVolume("mp0", "local-lvm", "vm-100-disk-1", 8);
        assertThat(c.get("mp0")).isEqualTo("local-lvm:vm-100-disk-1,backup=1,mp=/data,size=8G");
        DiskEntry mp = c.disks().get(0);
        assertThat(mp).isEqualTo(new DiskEntry("mp0", "mp", 0, "local-lvm", "vm-100-disk-1", 8L, false, false,
                Map.of("backup", "1", "mp", "/data", "size", "8G")));
    }

    @Test
    void nullParamsAreAnEmptyRequest() {
        assertThat(errors(GuestConfigValidator.validateCreate(GuestType.LXC, 100, null, Fixtures.NODE, new SplittableRandom(1))))
                .containsOnlyKeys("ostemplate");
    }

    @Test
    void mountPathsMustBeDistinct() {
        assertThat(errors(ct("mp0", "local:1,mp=/data", "mp1", "local:1,mp=/data/"))).containsOnlyKeys("mp1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"name=eth0,bridge=vmbr0,ip=10.0.0.5/24,gw=10.0.0.1", "name=eth0,bridge=vmbr0,ip6=auto",
            "name=eth0,bridge=vmbr0,ip6=fd00::5/64,gw6=fd00::1,ip=manual", "name=eth0,bridge=vmbr0,tag=10,firewall=1,rate=5,mtu=9000",
            "name=eth0,bridge=vmbr0,hwaddr=02:00:00:00:00:0a", "name=eth0,bridge=vmbr0,type=veth"})
    void goodContainerNics(String value) {
        valid(ct("net0", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bridge=vmbr0", "name=eth0", "name=eth 0,bridge=vmbr0", "name=eth0,bridge=vmbr0,ip=10.0.0.5",
            "name=eth0,bridge=vmbr0,ip=10.0.0.256/24", "name=eth0,bridge=vmbr0,ip=10.0.0.5/33", "name=eth0,bridge=vmbr0,gw=fd00::1",
            "name=eth0,bridge=vmbr0,ip6=fd00::zz/64", "name=eth0,bridge=vmbr0,gw6=example.com", "name=eth0,bridge=vmbr0,tag=4095",
            "name=eth0,bridge=vmbr0,hwaddr=01:00:00:00:00:01", "name=eth0,bridge=vmbr0,type=macvlan", "name=eth0,bridge=vmbr0,mtu=63",
            "eth0,bridge=vmbr0", "virtio=BC:24:11:00:00:01,bridge=vmbr0"})
    void badContainerNics(String value) {
        assertThat(errors(ct("net0", value))).containsOnlyKeys("net0");
    }

    @Test
    void interfaceNamesMustBeDistinct() {
        assertThat(errors(ct("net0", "name=eth0,bridge=vmbr0", "net1", "name=eth0,bridge=vmbr1"))).containsOnlyKeys("net1");
    }

    @Test
    void updatesRejectCreateOnlyKeysAndRootfsDeletion() {
        GuestConfig current = valid(ct("hostname", "ct1")).config();
        assertThat(errors(update(current, params("ostemplate", TEMPLATE, "password", "secret123"), List.of("rootfs"))))
                .containsOnlyKeys("ostemplate", "password", "rootfs");
        GuestConfig c = valid(update(current, params("memory", "2048", "mp0", "local:2,mp=/data"), List.of("hostname"))).config();
        assertThat(c.memoryMiB()).isEqualTo(2048);
        assertThat(c.name()).isNull();
    }
}
