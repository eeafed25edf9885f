package org.fabricve.core.storage;

import java.util.List;
import org.fabricve.core.FabricSerializable;

/**
 * One entry of the cluster's storage configuration (Proxmox's storage.cfg): id, type, path, the content
 * kinds it holds and the nodes it is on (empty means every node).
 */
public record StorageDefinition(String storage, String type, String path, List<String> content, List<String> nodes,
                                boolean shared) implements FabricSerializable {
    public StorageDefinition {
        content = List.copyOf(content);
        nodes = List.copyOf(nodes);
    }

    public boolean availableOn(String node) {
        return nodes.isEmpty() || nodes.contains(node);
    }
}
