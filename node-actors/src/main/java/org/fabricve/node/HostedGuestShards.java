package org.fabricve.node;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORMultiMap;
import org.apache.pekko.cluster.ddata.ORMultiMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Which guest shards each member hosts guests of, shared through Distributed Data: the input of
 * {@link AwayFromHostAllocation}. A member publishes the shards of the HA guests its nodes run; every member
 * keeps the whole map, so the shard coordinator, wherever it runs, reads it locally and at once.
 *
 * <p>Each member writes only its own entry, locally; gossip spreads it within seconds. The map is a hint: a stale
 * entry only places a shard less well, never makes it unreachable.
 */
public final class HostedGuestShards implements Extension {

    private static final Key<ORMultiMap<String, String>> KEY = ORMultiMapKey.create("fabric-hosted-guest-shards");

    private final HashCodeMessageExtractor<Object> shards;
    private final Map<String, Set<String>> byLocalNode = new ConcurrentHashMap<>();
    private final AtomicReference<Map<Address, Set<String>>> byMember = new AtomicReference<>(Map.of());
    private final ActorRef<Command> publisher;
    /** Null until the first publication, which replaces whatever an earlier incarnation at this address left. */
    private Set<String> published;

    private static final class Id extends ExtensionId<HostedGuestShards> {
        @Override
        public HostedGuestShards createExtension(ActorSystem<?> system) {
            return new HostedGuestShards(system);
        }
    }

    private static final Id ID = new Id();

    public static HostedGuestShards get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    private HostedGuestShards(ActorSystem<?> system) {
        this.shards = new HashCodeMessageExtractor<>(ClusterShardingSettings.create(system).numberOfShards());
        String self = Cluster.get(system).selfMember().address().toString();
        SelfUniqueAddress writer = DistributedData.get(system).selfUniqueAddress();
        this.publisher = system.systemActorOf(publisher(self, writer), "hosted-guest-shards", Props.empty());
    }

    /** The shard of a guest's entity: the same function sharding uses for the guest entity type. */
    public String shardOf(int vmid) {
        return shards.shardId(Integer.toString(vmid));
    }

    /** The message extractor the guest entity type is sharded with, so that {@link #shardOf} stays true. */
    public <M> HashCodeMessageExtractor<M> extractor() {
        return new HashCodeMessageExtractor<>(shards.numberOfShards());
    }

    /** {@code node}, one of this member's, now runs (or is responsible for) these guests. */
    public synchronized void hosting(String node, Collection<Integer> vmids) {
        Set<String> ids = new TreeSet<>();
        vmids.forEach(v -> ids.add(shardOf(v)));
        byLocalNode.put(node, ids);
        Set<String> union = new TreeSet<>();
        byLocalNode.values().forEach(union::addAll);
        if (union.equals(published)) return;
        published = Set.copyOf(union);
        publisher.tell(new Publish(published));
    }

    /** Each member's hosted guest shards, as last heard. */
    public Map<Address, Set<String>> byMember() {
        return byMember.get();
    }

    private sealed interface Command {
    }

    private record Publish(Set<String> shards) implements Command {
    }

    private record Heard(Replicator.SubscribeResponse<ORMultiMap<String, String>> response) implements Command {
    }

    private record Written(Replicator.UpdateResponse<ORMultiMap<String, String>> response) implements Command {
    }

    private Behavior<Command> publisher(String self, SelfUniqueAddress writer) {
        return Behaviors.setup(ctx -> DistributedData.<Command, ORMultiMap<String, String>>withReplicatorMessageAdapter(replicator -> {
            replicator.subscribe(KEY, Heard::new);
            return Behaviors.receive(Command.class)
                    .onMessage(Publish.class, p -> {
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, ORMultiMap.create(),
                                Replicator.writeLocal(), replyTo, m -> m.put(writer, self, p.shards())), Written::new);
                        return Behaviors.same();
                    })
                    .onMessage(Heard.class, h -> {
                        if (h.response() instanceof Replicator.Changed<ORMultiMap<String, String>> changed) {
                            byMember.set(parse(changed.get(KEY).getEntries()));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Written.class, w -> Behaviors.same())
                    .build();
        }));
    }

    private static Map<Address, Set<String>> parse(Map<String, java.util.Set<String>> entries) {
        Map<Address, Set<String>> out = new java.util.HashMap<>();
        entries.forEach((member, ids) -> out.put(AddressFromURIString.parse(member), Set.copyOf(ids)));
        return Map.copyOf(out);
    }
}
