package org.fabricve.node.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.fabricve.core.config.DiskEntry;
import org.fabricve.core.hypervisor.DomainSpec;
import org.fabricve.core.hypervisor.DomainStatus;
import org.fabricve.core.hypervisor.IoCounters;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.Hypervisor;
import org.fabricve.core.hypervisor.HypervisorException;
import org.fabricve.core.hypervisor.PoolInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.hypervisor.VolumeInfo;
import org.fabricve.node.libvirt.xml.Accel;
import org.fabricve.node.libvirt.xml.HostPaths;
import org.fabricve.node.libvirt.xml.LxcDomainXml;
import org.fabricve.node.libvirt.xml.QemuDomainXml;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainBlockStats;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInterfaceStats;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.ErrorCallback;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The {@link Hypervisor} port over libvirt-java, holding one {@link Connect} for its whole life
 * (a test:///FILE connection is a host of its own: reopening it would start a fresh host).
 *
 * <p>Threads: libvirt's C API may share one connection between threads, and every libvirt-java handle
 * (Domain, StoragePool, StorageVol) is created, used and freed inside one method call, so operations run
 * concurrently under a shared read lock; {@link #close()} takes the write lock so that no call uses the
 * connection while it closes. Check-then-act sequences (start when stopped...) re-check the state when
 * libvirt refuses, so a concurrent or external change that already reached the goal is not an error.
 */
public final class LibvirtHypervisor implements Hypervisor {

    /** virDomainUndefineFlags: MANAGED_SAVE | SNAPSHOTS_METADATA (the test driver accepts no others). */
    private static final int UNDEFINE_FLAGS = 1 | 2;
    /** virDomainXMLFlags: VIR_DOMAIN_XML_INACTIVE. */
    static final int XML_INACTIVE = 2;

    /**
     * Keeps libvirt from printing every refused call on stderr (its default when a connection has no error
     * function): errors reach callers as exceptions. Static so that JNA's native callback stays reachable.
     */
    private static final ErrorCallback QUIET = new ErrorCallback();

    private final Connect conn;
    private final String uri;
    private final DomainType domainType;
    private final String hostnameOverride;
    private final Path stateDir;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** OVMF firmware as Debian's ovmf package installs it. */
    static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    private LibvirtHypervisor(Connect conn, String uri, DomainType domainType, String hostnameOverride,
                              Path stateDir) {
        this.conn = conn;
        this.uri = uri;
        this.domainType = domainType;
        this.hostnameOverride = hostnameOverride;
        this.stateDir = stateDir;
    }

    /**
     * Opens a read-write connection with a fresh temporary state directory (see
     * {@link #connect(String, Path)}).
     */
    public static LibvirtHypervisor connect(String uri) {
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("fabric-libvirt-state");
        } catch (IOException e) {
            throw new HypervisorException("cannot create a state directory: " + e.getMessage(), e);
        }
        return connect(uri, stateDir);
    }

    /**
     * Opens a read-write connection. For a test:///ABS/PATH.xml host written by {@link TestHost} (see
     * {@link TestHost#uri}), the host name is the one written into the file (the test driver itself reports
     * the real machine's name).
     *
     * @param stateDir where this host keeps per-guest files of real guests: {@code nvram/} (OVMF variables)
     *                 and {@code serial/} (serial port logs, {@link #serialLog})
     */
    public static LibvirtHypervisor connect(String uri, Path stateDir) {
        Path state = stateDir.toAbsolutePath().normalize();
        Connect c;
        try {
            c = new Connect(uri, false);
        } catch (LibvirtException e) {
            throw new HypervisorException("cannot connect to " + uri + ": " + message(e), e);
        }
        try {
            c.setConnectionErrorCallback(QUIET);
            String driver = c.getType();
            boolean kvmOffered = "QEMU".equalsIgnoreCase(driver)
                    && c.getCapabilities().contains("<domain type='kvm'");
            DomainType type = DomainType.forDriver(driver, kvmOffered);
            String hostname = type == DomainType.TEST ? testHostname(uri) : null;
            return new LibvirtHypervisor(c, uri, type, hostname, state);
        } catch (LibvirtException | RuntimeException e) {
            try {
                c.close();
            } catch (LibvirtException ignored) {
                // already failing
            }
            if (e instanceof HypervisorException) {
                throw (HypervisorException) e;
            }
            throw new HypervisorException("cannot use " + uri + ": "
                    + (e instanceof LibvirtException ? message((LibvirtException) e) : e.getMessage()), e);
        }
    }

    /** The simulated host name kept in a test:///ABS/PATH.xml node file, if any. */
    private static String testHostname(String uri) {
        return TestHost.fileOf(uri).filter(Files::isRegularFile).flatMap(TestHost::readHostname).orElse(null);
    }

    /** The URI this hypervisor is connected to. */
    public String uri() {
        return uri;
    }

    /** The domain type written into domain XML on this connection. */
    public DomainType domainType() {
        return domainType;
    }

    /** Where this host keeps per-guest files of real guests. */
    public Path stateDir() {
        return stateDir;
    }

    /** Where serial port {@code port} of QEMU guest {@code vmid} is logged on a real hypervisor. */
    public Path serialLog(int vmid, int port) {
        return hostPaths(null).serialLog(vmid, port);
    }

    /** Whether domains are translated from the full guest config ({@link QemuDomainXml}). */
    private boolean realQemu() {
        return domainType == DomainType.KVM || domainType == DomainType.QEMU;
    }

    /**
     * Host paths for the full translation: volumes resolve to the target path of the libvirt pool named
     * like the storage (read once per call through {@code poolPaths}, null for an unknown pool).
     */
    private HostPaths hostPaths(java.util.Map<String, String> poolPaths) {
        return new HostPaths((storage, volume) -> {
            if (poolPaths == null) {
                return null;
            }
            String dir = poolPaths.computeIfAbsent(storage, s -> {
                try {
                    return poolTargetOrNull(s);
                } catch (LibvirtException e) {
                    throw new HypervisorException("cannot read storage pool " + s + ": " + message(e), e);
                }
            });
            return dir == null ? null : Path.of(dir).resolve(volume);
        }, OVMF_CODE, OVMF_VARS, stateDir.resolve("nvram"), stateDir.resolve("serial"));
    }

    /** The target path of a pool, or null when there is no such pool. Call under the lock. */
    private String poolTargetOrNull(String pool) throws LibvirtException {
        StoragePool p;
        try {
            p = conn.storagePoolLookupByName(pool);
        } catch (LibvirtException e) {
            if (code(e) == ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                return null;
            }
            throw e;
        }
        try {
            return firstText(DomainMetadata.Xml.parse(p.getXMLDesc(0)).getDocumentElement(), "path");
        } finally {
            free(p);
        }
    }

    /**
     * Makes sure a persistent directory pool {@code name} exists, targets {@code path} (created if missing),
     * is active and starts with libvirtd. Idempotent. An existing pool of that name that targets another
     * directory is stopped and redefined (its files stay where they are; libvirt forgets them).
     */
    public void ensureDirPool(String name, Path path) {
        run("set up storage pool " + name, () -> {
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new HypervisorException("cannot set up storage pool " + name + ": cannot create " + path
                        + ": " + e.getMessage(), e);
            }
            StoragePool p;
            try {
                p = conn.storagePoolLookupByName(name);
            } catch (LibvirtException e) {
                if (code(e) != ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                    throw e;
                }
                p = null;
            }
            String target = path.toAbsolutePath().normalize().toString();
            if (p != null) {
                String now = firstText(DomainMetadata.Xml.parse(p.getXMLDesc(0)).getDocumentElement(), "path");
                if (!target.equals(now)) {
                    if (p.isActive() == 1) {
                        p.destroy();
                    }
                    p.undefine();
                    free(p);
                    p = null;
                }
            }
            if (p == null) {
                p = conn.storagePoolDefineXML(PoolXml.dir(name, target), 0);
                p.build(0);
            }
            try {
                if (p.isActive() != 1) {
                    try {
                        p.create(0);
                    } catch (LibvirtException e) {
                        if (p.isActive() != 1) { // started meanwhile by another caller
                            throw e;
                        }
                    }
                }
                if (!p.getAutostart()) {
                    p.setAutostart(1);
                }
            } finally {
                free(p);
            }
        });
    }

    // ---------------------------------------------------------------- host

    @Override
    public HostInfo hostInfo() {
        return call("read host info", () -> {
            NodeInfo ni = conn.nodeInfo();
            String host = hostnameOverride != null ? hostnameOverride : conn.getHostName();
            return new HostInfo(host, ni.cpus, ni.memory * 1024L, ni.model);
        });
    }

    // ---------------------------------------------------------------- domains

    @Override
    public List<DomainStatus> listDomains() {
        return listing("list domains", 0);
    }

    /** libvirt lists only the running and paused ones itself, so the stopped ones cost nothing here. */
    @Override
    public List<DomainStatus> activeDomains() {
        return listing("list running domains", VIR_CONNECT_LIST_DOMAINS_ACTIVE).stream()
                .filter(d -> d.state().active()).toList();
    }

    private static final int VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1;

    private List<DomainStatus> listing(String what, int flags) {
        return call(what, () -> {
            Domain[] all = conn.listAllDomains(flags);
            List<DomainStatus> out = new ArrayList<>(all.length);
            try {
                for (Domain d : all) {
                    try {
                        out.add(status(d));
                    } catch (LibvirtException e) {
                        if (code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) { // vanished meanwhile: skip it
                            throw e;
                        }
                    }
                }
            } finally {
                for (Domain d : all) {
                    free(d);
                }
            }
            return out;
        });
    }

    @Override
    public Optional<DomainStatus> domain(String name) {
        return call("read domain " + name, () -> {
            Domain d = lookupOrNull(name);
            if (d == null) {
                return Optional.empty();
            }
            try {
                DomainStatus st = status(d);
                return Optional.of(st.state().active() ? st.withIo(io(d)).withUptime(uptime(name)) : st);
            } finally {
                free(d);
            }
        });
    }

    private static final java.util.regex.Pattern SERIAL_PTY = java.util.regex.Pattern.compile(
            "<(?:serial|console) type=['\"]pty['\"][^>]*>\\s*<source path=['\"](/dev/pts/[0-9]+)['\"]");

    @Override
    public Optional<String> serialConsole(String name) {
        return call("read the console of domain " + name, () -> {
            Domain d = lookupOrNull(name);
            if (d == null) {
                return Optional.empty();
            }
            try {
                if (d.isActive() != 1) {
                    return Optional.empty();
                }
                java.util.regex.Matcher m = SERIAL_PTY.matcher(d.getXMLDesc(0));
                return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            } finally {
                free(d);
            }
        });
    }

    /** Whether this connection has a domain of that name (defined or running). */
    public boolean defines(String name) {
        return call("look up domain " + name, () -> {
            Domain d = lookupOrNull(name);
            free(d);
            return d != null;
        });
    }

    @Override
    public void define(DomainSpec spec) {
        run("define domain " + spec.name(), () -> {
            String uuid = uuidOrNull(spec.name());
            try {
                free(conn.domainDefineXML(domainXml(spec, uuid)));
            } catch (LibvirtException e) {
                // defined meanwhile by another caller: libvirt refuses the same name with a new UUID;
                // redefine once with the UUID that won
                String now = uuid == null ? uuidOrNull(spec.name()) : null;
                if (now == null) {
                    throw e;
                }
                free(conn.domainDefineXML(domainXml(spec, now)));
            }
        });
    }

    /**
     * The test driver's shape ({@link DomainXml}) unless this is a real QEMU host and the spec carries the
     * full config: then {@link QemuDomainXml} with the UUID kept. A config the translation refuses fails the
     * define with the translation's message (it names the config key).
     */
    private String domainXml(DomainSpec spec, String uuid) {
        if (domainType == DomainType.LXC && spec.config() != null) {
            return containerXml(spec, uuid);
        }
        if (!realQemu() || spec.config() == null || spec.type() != org.fabricve.core.config.GuestType.QEMU) {
            return DomainXml.build(spec, domainType, uuid);
        }
        Accel accel = domainType == DomainType.KVM ? Accel.KVM : Accel.TCG;
        String xml;
        try {
            xml = QemuDomainXml.build(spec.vmid(), spec.name(), spec.config(), accel,
                    hostPaths(new java.util.HashMap<>()));
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(e.getMessage(), e);
        }
        try {
            Files.createDirectories(stateDir.resolve("serial"));
            Files.createDirectories(stateDir.resolve("nvram"));
        } catch (IOException e) {
            throw new HypervisorException("cannot create " + stateDir + ": " + e.getMessage(), e);
        }
        return uuid == null ? xml : withUuid(xml, uuid);
    }

    /** {@link LxcDomainXml} with the container's root: the directory volume its {@code rootfs} names. */
    private String containerXml(DomainSpec spec, String uuid) {
        if (spec.type() != org.fabricve.core.config.GuestType.LXC) {
            throw new HypervisorException("cannot define " + spec.name() + ": " + uri + " runs containers, not VMs");
        }
        HostPaths paths = hostPaths(new java.util.HashMap<>());
        DiskEntry rootfs = spec.config().disks().stream().filter(d -> d.bus().equals("rootfs")).findFirst()
                .orElseThrow(() -> new HypervisorException("rootfs: the container has no root file system"));
        String xml;
        try {
            if (rootfs.storage() == null) {
                throw new IllegalArgumentException("rootfs: host paths are not allowed");
            }
            Path root = paths.volume("rootfs", rootfs.storage(), rootfs.volume());
            xml = LxcDomainXml.build(spec.vmid(), spec.name(), spec.config(), root, paths);
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(e.getMessage(), e);
        }
        return uuid == null ? xml : withUuid(xml, uuid);
    }

    /** Inserts {@code <uuid>} right after the domain's {@code <name>} (the translation writes none). */
    static String withUuid(String xml, String uuid) {
        int at = xml.indexOf("</name>");
        if (at < 0 || xml.contains("<uuid>")) {
            return xml;
        }
        at += "</name>".length();
        return xml.substring(0, at) + "<uuid>" + uuid + "</uuid>" + xml.substring(at);
    }

    private String uuidOrNull(String name) throws LibvirtException {
        Domain existing = lookupOrNull(name);
        if (existing == null) {
            return null;
        }
        try {
            return existing.getUUIDString();
        } finally {
            free(existing);
        }
    }

    @Override
    public void undefine(String name) {
        run("undefine domain " + name, () -> {
            Domain d = lookupOrNull(name);
            if (d == null) {
                return;
            }
            try {
                if (d.isActive() == 1) {
                    try {
                        d.destroy();
                    } catch (LibvirtException e) {
                        if (code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                            return;
                        }
                        if (d.isActive() == 1 && !says(e, "not running")) {
                            throw e;
                        }
                    }
                }
                try {
                    d.undefine(UNDEFINE_FLAGS);
                } catch (LibvirtException e) {
                    if (says(e, "unsupported flags")) {
                        // the LXC driver has no managed save or snapshot metadata to remove
                        d.undefine();
                    } else if (code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        throw e;
                    }
                }
            } finally {
                free(d);
            }
        });
    }

    @Override
    public void start(String name) {
        onDomain("start", name, d -> {
            if (d.isActive() == 1) {
                return;
            }
            try {
                d.create();
            } catch (LibvirtException e) {
                // someone else started it meanwhile (and may even have stopped it again since)
                if (d.isActive() != 1 && !says(e, "already running")) {
                    throw e;
                }
            }
        });
    }

    /** Stopping a hibernated domain discards its saved memory, like a power-off would. */
    @Override
    public void stop(String name) {
        onDomain("stop", name, d -> {
            if (d.isActive() != 1) {
                if (d.hasManagedSaveImage() == 1) {
                    d.managedSaveRemove();
                }
                return;
            }
            try {
                d.destroy();
            } catch (LibvirtException e) {
                // someone else stopped it meanwhile (and may even have started it again since)
                if (d.isActive() == 1 && !says(e, "not running")) {
                    throw e;
                }
            }
        });
    }

    @Override
    public void shutdown(String name) {
        onDomain("shut down", name, d -> {
            if (d.isActive() == 1) {
                if (domainType == DomainType.LXC) {
                    ContainerShutdown.signalInit(uri, name);
                } else {
                    d.shutdown();
                }
            }
        });
    }

    @Override
    public void reboot(String name) {
        onDomain("reboot", name, d -> d.reboot(0));
    }

    @Override
    public void reset(String name) {
        onDomain("reset", name, d -> {
            if (d.isActive() != 1) {
                throw new HypervisorException("domain " + name + " is not running");
            }
            d.reset();
        });
    }

    /** libvirt's managed save: the image lives with the domain and {@code start} restores from it. */
    @Override
    public void hibernate(String name) {
        onDomain("hibernate", name, d -> {
            if (d.isActive() != 1) {
                throw new HypervisorException("domain " + name + " is not running");
            }
            d.managedSave();
        });
    }

    /** Suspending a paused domain is not an error; a stopped one is. */
    @Override
    public void suspend(String name) {
        onDomain("suspend", name, d -> {
            if (runState(d.getInfo().state) == RunState.PAUSED) {
                return;
            }
            d.suspend();
        });
    }

    /** Resuming a running domain is not an error; a stopped one is. */
    @Override
    public void resume(String name) {
        onDomain("resume", name, d -> {
            if (runState(d.getInfo().state) == RunState.RUNNING) {
                return;
            }
            d.resume();
        });
    }

    // ---------------------------------------------------------------- hotplug

    /** virDomainModificationImpact: VIR_DOMAIN_AFFECT_LIVE. */
    private static final int AFFECT_LIVE = 1;

    @Override
    public void attachDevice(String name, DomainSpec target, String key) {
        requireHotplug(key);
        String device = DeviceByAlias.find(domainXml(target, null), key).orElseThrow(() ->
                new HypervisorException("cannot hotplug " + key + ": the new config has no such device"));
        onDomain("hotplug " + key + " into", name, d -> d.attachDeviceFlags(device, AFFECT_LIVE));
    }

    @Override
    public void detachDevice(String name, String key) {
        requireHotplug(key);
        onDomain("unplug " + key + " from", name, d -> {
            Optional<String> device = DeviceByAlias.find(d.getXMLDesc(0), key);
            if (device.isPresent()) {
                d.detachDeviceFlags(device.get(), AFFECT_LIVE);
            }
        });
    }

    @Override
    public void setVcpus(String name, int count) {
        requireHotplug("vcpus");
        onDomain("set the vCPUs of", name, d -> d.setVcpusFlags(count, AFFECT_LIVE));
    }

    @Override
    public void addMemory(String name, long mib) {
        requireHotplug("memory");
        onDomain("add memory to", name, d -> d.attachDeviceFlags(QemuDomainXml.dimmDevice(mib), AFFECT_LIVE));
    }

    /** Only the full translation names devices by config key; the test driver cannot hotplug at all. */
    private void requireHotplug(String key) {
        if (!realQemu()) {
            throw new HypervisorException("cannot hotplug " + key + ": " + uri + " does not hotplug devices");
        }
    }

    // ---------------------------------------------------------------- storage

    @Override
    public List<PoolInfo> pools() {
        return call("list storage pools", () -> {
            Set<String> names = new LinkedHashSet<>(List.of(conn.listStoragePools()));
            names.addAll(List.of(conn.listDefinedStoragePools()));
            List<PoolInfo> out = new ArrayList<>(names.size());
            for (String name : names) {
                StoragePool p;
                try {
                    p = conn.storagePoolLookupByName(name);
                } catch (LibvirtException e) {
                    if (code(e) == ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                        continue; // vanished meanwhile
                    }
                    throw e;
                }
                try {
                    StoragePoolInfo info = p.getInfo();
                    Element root = DomainMetadata.Xml.parse(p.getXMLDesc(0)).getDocumentElement();
                    out.add(new PoolInfo(name, root.getAttribute("type"), firstText(root, "path"),
                            info.capacity, info.allocation, info.available, p.isActive() == 1));
                } finally {
                    free(p);
                }
            }
            return out;
        });
    }

    @Override
    public VolumeInfo createVolume(String pool, String volumeName, long capacityBytes, String format) {
        String fmt = format == null || format.isEmpty() ? "raw" : format;
        if (fmt.equals(SUBVOL)) {
            if (domainType != DomainType.TEST) {
                return onPool("create directory volume " + volumeName + " in", pool, p -> {
                    Path dir = DirectoryVolumes.create(Path.of(poolTarget(pool)), volumeName);
                    refresh(p);
                    return new VolumeInfo(pool, volumeName, dir.toString(), capacityBytes, 0, SUBVOL);
                });
            }
            fmt = "raw"; // a simulated host keeps a volume of the size asked for: nothing runs in it
        }
        String volumeFormat = fmt;
        return onPool("create volume " + volumeName + " in", pool, p -> {
            StorageVol v = p.storageVolCreateXML(VolumeXml.build(volumeName, capacityBytes, volumeFormat), 0);
            try {
                return volumeInfo(pool, v);
            } finally {
                free(v);
            }
        });
    }

    @Override
    public void deleteVolume(String pool, String volumeName) {
        onPool("delete volume " + volumeName + " in", pool, p -> {
            if (domainType != DomainType.TEST) {
                Path dir = DirectoryVolumes.inside(Path.of(poolTarget(pool)), volumeName);
                if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    // libvirt removes only an empty directory volume
                    DirectoryVolumes.delete(dir);
                    refresh(p);
                    return null;
                }
            }
            StorageVol v;
            try {
                v = p.storageVolLookupByName(volumeName);
            } catch (LibvirtException e) {
                if (code(e) == ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
                    return null;
                }
                throw e;
            }
            try {
                v.delete(0);
            } catch (LibvirtException e) {
                if (code(e) != ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
                    throw e;
                }
            } finally {
                free(v);
            }
            return null;
        });
    }

    @Override
    public List<VolumeInfo> volumes(String pool) {
        return onPool("list volumes of", pool, p -> {
            refresh(p);
            List<VolumeInfo> out = new ArrayList<>();
            for (String name : p.listVolumes()) {
                StorageVol v;
                try {
                    v = p.storageVolLookupByName(name);
                } catch (LibvirtException e) {
                    if (code(e) == ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
                        continue;
                    }
                    throw e;
                }
                try {
                    Element root = DomainMetadata.Xml.parse(v.getXMLDesc(0)).getDocumentElement();
                    if ("dir".equals(root.getAttribute("type")) && CONTENT_FOLDERS.contains(name)) {
                        // a content folder of a dir pool (iso/, vztmpl/): libvirt does not descend into it
                        contentFiles(pool, name, v.getPath(), out);
                    } else if ("dir".equals(root.getAttribute("type"))) {
                        out.add(new VolumeInfo(pool, name, v.getPath(), bytes(root, "capacity"),
                                bytes(root, "allocation"), SUBVOL));
                    } else {
                        out.add(volumeInfo(pool, v));
                    }
                } finally {
                    free(v);
                }
            }
            if (domainType == DomainType.TEST) {
                // the test driver sees no files, but a simulated host's pool path is a real folder of this member
                // (shared by its simulated hosts): what was uploaded there is its content too
                String target = poolTargetOrNull(pool);
                for (String folder : CONTENT_FOLDERS) {
                    if (target != null && Files.isDirectory(Path.of(target, folder))) {
                        contentFiles(pool, folder, Path.of(target, folder).toString(), out);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void unpackTemplate(String templateStorage, String templateVolume, String pool, String volumeName,
                               String hostname, boolean unprivileged) {
        if (domainType == DomainType.TEST) {
            return; // a simulated host has no files to unpack into
        }
        Path[] paths = call("find template " + templateStorage + ":" + templateVolume, () -> {
            try {
                Path template = hostPaths(new java.util.HashMap<>()).volume("ostemplate", templateStorage, templateVolume);
                return new Path[] {template, DirectoryVolumes.inside(Path.of(poolTarget(pool)), volumeName)};
            } catch (IllegalArgumentException e) {
                throw new HypervisorException(e.getMessage(), e);
            }
        });
        // outside the connection lock: unpacking a large template takes a while
        DirectoryVolumes.unpack(paths[0], paths[1]);
        if (hostname != null) {
            ContainerRootfs.writeHostname(paths[1], hostname);
        }
        if (unprivileged) {
            ContainerRootfs.shiftOwners(paths[1]);
        }
    }

    /** The target directory of a pool; "no such storage pool" when absent. Call under the lock. */
    private String poolTarget(String pool) throws LibvirtException {
        String dir = poolTargetOrNull(pool);
        if (dir == null) {
            throw new HypervisorException("storage '" + pool + "' does not exist on this node");
        }
        return dir;
    }

    /** Content folders whose files are listed as volumes {@code FOLDER/FILE}, as Proxmox names them. */
    private static final List<String> CONTENT_FOLDERS = List.of("iso", "vztmpl");

    private static void contentFiles(String pool, String folder, String path, List<VolumeInfo> out) {
        if (!CONTENT_FOLDERS.contains(folder) || path == null) {
            return;
        }
        try (var files = Files.list(Path.of(path))) {
            // hidden files are not content: an upload in progress is a hidden .upload-*.part
            files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted()
                    .forEach(f -> {
                long size;
                try {
                    size = Files.size(f);
                } catch (IOException e) {
                    return; // vanished meanwhile
                }
                String file = f.getFileName().toString();
                String format = folder.equals("iso") ? "iso" : file.endsWith(".tar.gz") ? "tgz" : "raw";
                out.add(new VolumeInfo(pool, folder + "/" + file, f.toString(), size, size, format));
            });
        } catch (IOException e) {
            throw new HypervisorException("cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- for TestHost.saveState

    /** A domain's persistent XML and raw libvirt state (virDomainState number), for saving a test host. */
    record SavedDomain(String inactiveXml, int libvirtState, boolean persistent) {}

    List<SavedDomain> savedDomains() {
        return call("dump domains", () -> {
            Domain[] all = conn.listAllDomains(0);
            List<SavedDomain> out = new ArrayList<>(all.length);
            try {
                for (Domain d : all) {
                    try {
                        out.add(new SavedDomain(d.getXMLDesc(XML_INACTIVE), d.getInfo().state.ordinal(),
                                d.isPersistent() == 1));
                    } catch (LibvirtException e) {
                        if (code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                            throw e;
                        }
                    }
                }
            } finally {
                for (Domain d : all) {
                    free(d);
                }
            }
            return out;
        });
    }

    /** The XML of every volume of a pool. */
    List<String> savedVolumes(String pool) {
        return onPool("dump volumes of", pool, p -> {
            List<String> out = new ArrayList<>();
            for (String name : p.listVolumes()) {
                StorageVol v = p.storageVolLookupByName(name);
                try {
                    out.add(v.getXMLDesc(0));
                } finally {
                    free(v);
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            conn.close();
        } catch (LibvirtException e) {
            throw new HypervisorException("cannot close the connection to " + uri + ": " + message(e), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------- helpers

    static RunState runState(DomainInfo.DomainState s) {
        switch (s) {
            case VIR_DOMAIN_RUNNING:
            case VIR_DOMAIN_BLOCKED:
                return RunState.RUNNING;
            case VIR_DOMAIN_PAUSED:
            case VIR_DOMAIN_PMSUSPENDED:
                return RunState.PAUSED;
            default:
                return RunState.STOPPED;
        }
    }

    private static DomainStatus status(Domain d) throws LibvirtException {
        DomainInfo info = d.getInfo();
        RunState state = runState(info.state);
        if (state == RunState.STOPPED && d.hasManagedSaveImage() == 1) {
            state = RunState.HIBERNATED;
        }
        boolean stopped = !state.active();
        return new DomainStatus(d.getName(), d.getUUIDString(), state, info.nrVirtCpu, info.maxMem * 1024L,
                stopped ? 0 : info.memory * 1024L, stopped ? 0 : info.cpuTime, IoCounters.NONE);
    }

    /** Seconds the domain's process has run, from libvirt's pid file; 0 where that is not on this host. */
    private long uptime(String name) {
        String driver = switch (domainType) {
            case QEMU, KVM -> "qemu";
            case LXC -> "lxc";
            default -> null;
        };
        if (driver == null || !uri.startsWith(driver + ":///")) {
            return 0;
        }
        return ProcessUptime.of(Path.of("/run/libvirt", driver, name + ".pid")).orElse(0);
    }

    private static final java.util.regex.Pattern DISK_TARGET = java.util.regex.Pattern.compile(
            "<disk\\b(?:(?!</disk>).)*?<target dev=['\"]([^'\"]+)['\"]", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern INTERFACE_TARGET = java.util.regex.Pattern.compile(
            "<interface\\b(?:(?!</interface>).)*?<target dev=['\"]([^'\"]+)['\"]", java.util.regex.Pattern.DOTALL);

    /**
     * The running domain's I/O, summed over the devices of its live XML. A device libvirt keeps no statistics for
     * (an empty CD-ROM drive, an interface the test driver does not count) adds nothing rather than failing the read.
     */
    private static IoCounters io(Domain d) throws LibvirtException {
        String xml = d.getXMLDesc(0);
        IoCounters sum = IoCounters.NONE;
        var disks = DISK_TARGET.matcher(xml);
        while (disks.find()) {
            try {
                DomainBlockStats b = d.blockStats(disks.group(1));
                sum = sum.plus(new IoCounters(Math.max(0, b.rd_bytes), Math.max(0, b.wr_bytes), 0, 0));
            } catch (LibvirtException uncounted) {
                // no statistics for this device
            }
        }
        var nics = INTERFACE_TARGET.matcher(xml);
        while (nics.find()) {
            try {
                DomainInterfaceStats n = d.interfaceStats(nics.group(1));
                sum = sum.plus(new IoCounters(0, 0, Math.max(0, n.rx_bytes), Math.max(0, n.tx_bytes)));
            } catch (LibvirtException uncounted) {
                // no statistics for this device
            }
        }
        return sum;
    }

    /** Re-reads an active pool's content (files copied into its directory by hand appear). */
    private void refresh(StoragePool p) throws LibvirtException {
        if (domainType != DomainType.TEST && p.isActive() == 1) {
            p.refresh(0);
        }
    }

    /**
     * Read from the volume's XML, not virStorageVolGetInfo: libvirt-java 0.5.4 maps the volume type to an
     * enum that lacks newer types (a directory volume fails an assertion there).
     */
    private static VolumeInfo volumeInfo(String pool, StorageVol v) throws LibvirtException {
        Element root = DomainMetadata.Xml.parse(v.getXMLDesc(0)).getDocumentElement();
        String format = null;
        NodeList formats = root.getElementsByTagName("format");
        if (formats.getLength() > 0) {
            format = ((Element) formats.item(0)).getAttribute("type");
        }
        return new VolumeInfo(pool, v.getName(), v.getPath(), bytes(root, "capacity"), bytes(root, "allocation"),
                format);
    }

    /** A size element of volume XML; libvirt writes bytes ({@code unit='bytes'}) in its output. */
    private static long bytes(Element root, String tag) {
        String text = firstText(root, tag);
        if (text == null || text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String firstText(Element root, String tag) {
        NodeList l = root.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
    }

    private Domain lookupOrNull(String name) throws LibvirtException {
        try {
            return conn.domainLookupByName(name);
        } catch (LibvirtException e) {
            if (code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return null;
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface LvCall<T> {
        T call() throws LibvirtException;
    }

    @FunctionalInterface
    private interface LvRun {
        void run() throws LibvirtException;
    }

    @FunctionalInterface
    private interface DomainOp {
        void apply(Domain d) throws LibvirtException;
    }

    @FunctionalInterface
    private interface PoolOp<T> {
        T apply(StoragePool p) throws LibvirtException;
    }

    /** Runs under the read lock; a LibvirtException becomes "cannot WHAT: libvirt's message". */
    private <T> T call(String what, LvCall<T> body) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new HypervisorException("cannot " + what + ": the connection to " + uri + " is closed");
            }
            return body.call();
        } catch (LibvirtException e) {
            throw new HypervisorException("cannot " + what + ": " + message(e), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void run(String what, LvRun body) {
        call(what, () -> {
            body.run();
            return null;
        });
    }

    /** Looks the domain up (absent: "cannot VERB domain NAME: no such domain"), applies op, frees the handle. */
    private void onDomain(String verb, String name, DomainOp op) {
        String what = verb + " domain " + name;
        run(what, () -> {
            Domain d = lookupOrNull(name);
            if (d == null) {
                throw new HypervisorException("cannot " + what + ": no such domain");
            }
            try {
                op.apply(d);
            } finally {
                free(d);
            }
        });
    }

    private <T> T onPool(String what, String pool, PoolOp<T> op) {
        String full = what + " storage pool " + pool;
        return call(full, () -> {
            StoragePool p;
            try {
                p = conn.storagePoolLookupByName(pool);
            } catch (LibvirtException e) {
                if (code(e) == ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                    throw new HypervisorException("cannot " + full + ": no such storage pool");
                }
                throw e;
            }
            try {
                return op.apply(p);
            } finally {
                free(p);
            }
        });
    }

    /** Whether libvirt's message says so: drivers differ in the error codes of "already running" and the like. */
    private static boolean says(LibvirtException e, String phrase) {
        return message(e).toLowerCase(java.util.Locale.ROOT).contains(phrase);
    }

    private static ErrorNumber code(LibvirtException e) {
        return e.getError() == null ? null : e.getError().getCode();
    }

    private static String message(LibvirtException e) {
        String m = e.getError() == null ? null : e.getError().getMessage();
        return m == null ? String.valueOf(e.getMessage()) : m;
    }

    private static void free(Domain d) {
        if (d != null) {
            try {
                d.free();
            } catch (LibvirtException ignored) {
                // freeing a handle does not fail in a way the caller can act on
            }
        }
    }

    private static void free(StoragePool p) {
        try {
            p.free();
        } catch (LibvirtException ignored) {
            // see above
        }
    }

    private static void free(StorageVol v) {
        try {
            v.free();
        } catch (LibvirtException ignored) {
            // see above
        }
    }
}
