package org.fabricve.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.fabricve.core.config.GuestConfig;
import org.fabricve.core.config.GuestType;
import org.fabricve.core.config.VolumeRequest;
import org.fabricve.core.guest.ActiveOperation;
import org.fabricve.core.guest.Guest;
import org.fabricve.core.guest.GuestEvent;
import org.fabricve.core.guest.GuestOperation;
import org.fabricve.core.guest.GuestState;
import org.fabricve.core.guest.Rejection;
import org.fabricve.core.hypervisor.HostInfo;
import org.fabricve.core.hypervisor.RunState;
import org.fabricve.core.node.NodeEvent;
import org.fabricve.core.node.NodeState;
import org.fabricve.core.storage.StorageDefinition;
import org.fabricve.core.storage.StorageEvent;
import org.fabricve.core.task.TaskRecord;
import org.fabricve.core.task.Upid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every journalled record survives the configured serializer (Jackson CBOR) unchanged. */
class SerializationRoundTripTest {

    private static ActorSystem<Void> system;
    private static Serialization serialization;

    private static final GuestConfig CONFIG = GuestConfig.of(GuestType.QEMU, Map.of(
            "name", "web", "memory", "2048", "cores", "2", "scsi0", "local:vm-100-disk-0,size=32G",
            "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10", "ide2", "none,media=cdrom"));
    private static final GuestConfig LXC = GuestConfig.of(GuestType.LXC, Map.of("hostname", "ct", "rootfs", "local:8"));
    private static final Upid UPID = new Upid("pve1", 0x1A, 0x2B, 1_700_000_000L, "qmstart", "100", "root@pam");
    private static final TaskRecord RUNNING = TaskRecord.started(UPID, "start VM 100");
    private static final TaskRecord FINISHED = RUNNING.finished(1_700_000_009L, "OK", List.of("started"));
    private static final TaskRecord FAILED = TaskRecord.started(
            new Upid("pve1", 0x1B, 0x2B, 1_700_000_010L, "qmstop", "100", "root@pam"), "stop VM 100")
            .finished(1_700_000_011L, "timeout", List.of());

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "ser",
                ConfigFactory.parseResources("fabric-persistence.conf").withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(system.classicSystem());
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    static Stream<Object> instances() {
        HostInfo host = new HostInfo("pve1", 16, 64L << 30, "AMD EPYC 7302");
        return Stream.of(
                // GuestEvent: all four, with and without the optional (null) parts
                new GuestEvent.CreationStarted(100, GuestType.QEMU, "pve1", CONFIG,
                        List.of(new VolumeRequest("scsi0", "local", 32)), RUNNING),
                new GuestEvent.CreationStarted(101, GuestType.LXC, "pve2", LXC, List.of(), RUNNING),
                new GuestEvent.OperationStarted(100, GuestOperation.START, RUNNING, null, List.of()),
                new GuestEvent.OperationStarted(100, GuestOperation.SHUTDOWN, RUNNING, null, List.of(),
                        new org.fabricve.core.guest.ShutdownOptions(30, true)),
                new GuestEvent.OperationStarted(100, GuestOperation.CONFIG, RUNNING, CONFIG.with("cores", "4"),
                        List.of(new VolumeRequest("scsi1", "local-lvm", 8))),
                new GuestEvent.TaskFinished(100, FINISHED, CONFIG, null),
                new GuestEvent.TaskFinished(100, FAILED, null, RunState.PAUSED),
                new GuestEvent.TaskFinished(100, FINISHED, CONFIG, null, CONFIG.without("memory")),
                new GuestEvent.RunStateObserved(100, RunState.RUNNING, RunState.STOPPED, "domain crashed", 1_700_000_100L),
                new GuestEvent.HomeMoved(100, "pve1", "pve2", true, "HA recovery after a fence", 1_700_000_200L),
                // NodeEvent: both
                new NodeEvent.NodeRegistered("pve1", host, 1_700_000_000L),
                new NodeEvent.ForeignDomainsChanged("pve1", Set.of("win10", "fabric-999"), Set.of("old"), 5),
                new NodeEvent.ForeignDomainsChanged("pve1", Set.of(), Set.of(), 6),
                new NodeEvent.TaskRecorded("pve1", FINISHED),
                // StorageEvent
                new StorageEvent.StorageDefined(new StorageDefinition("nfs", "nfs", "/mnt/pve/nfs",
                        List.of("images", "iso"), List.of("pve1", "pve2"), true), 7),
                // states
                new GuestState(new Guest(100, GuestType.QEMU, "pve1", CONFIG, RunState.RUNNING),
                        new ActiveOperation(GuestOperation.CONFIG, RUNNING, CONFIG.with("memory", "4096"),
                                List.of(new VolumeRequest("scsi1", "local", 4))),
                        List.of(FINISHED, FAILED)),
                new GuestState(new Guest(100, GuestType.QEMU, "pve1", CONFIG, RunState.STOPPED),
                        new ActiveOperation(GuestOperation.START, RUNNING, null, List.of()), List.of()),
                new GuestState(new Guest(100, GuestType.QEMU, "pve1", CONFIG, RunState.RUNNING),
                        new ActiveOperation(GuestOperation.SHUTDOWN, RUNNING, null, List.of(), false,
                                new org.fabricve.core.guest.ShutdownOptions(0, false)), List.of()),
                new GuestState(null, null, List.of(FAILED)),
                GuestState.EMPTY,
                new NodeState("pve1", host, Set.of("win10")),
                NodeState.empty("pve2"),
                // smaller pieces that travel inside replies
                UPID,
                Rejection.invalid("digest", "changed"),
                Rejection.conflict("busy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instances")
    void roundTrips(Object original) {
        Serializer serializer = serialization.findSerializerFor(original);
        assertThat(serializer.getClass().getName()).contains("Jackson");
        String manifest = Serializers.manifestFor(serializer, original);
        byte[] bytes = serialization.serialize(original).get();
        Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
        assertThat(back).isEqualTo(original);
        assertThat(back.getClass()).isEqualTo(original.getClass());
    }

    @Test
    void configsComeBackSortedAndImmutable() {
        GuestEvent.CreationStarted e = new GuestEvent.CreationStarted(100, GuestType.QEMU, "pve1", CONFIG, List.of(),
                RUNNING);
        Serializer serializer = serialization.findSerializerFor(e);
        var back = (GuestEvent.CreationStarted) serialization.deserialize(serialization.serialize(e).get(),
                serializer.identifier(), Serializers.manifestFor(serializer, e)).get();
        assertThat(back.config().values()).isInstanceOf(java.util.SortedMap.class);
        assertThat(back.config().values().keySet()).containsExactlyElementsOf(CONFIG.values().keySet());
        assertThat(back.config().disks()).isEqualTo(CONFIG.disks());
        assertThat(back.task().running()).isTrue();
    }

    @Test
    void everyEventTypeIsCovered() {
        var covered = instances().map(Object::getClass).collect(java.util.stream.Collectors.toSet());
        for (Class<?> family : List.of(GuestEvent.class, NodeEvent.class, StorageEvent.class)) {
            assertThat(family.getPermittedSubclasses()).allSatisfy(c -> assertThat(covered).contains(c));
        }
    }
}
