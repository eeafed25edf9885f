package org.fabricve.ha.model;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** HA rules as Proxmox VE 9 has them: node affinity and resource affinity (JSON: with a {@code type} tag). */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME, property = "type")
@com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Rule.NodeAffinity.class, name = "node-affinity"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Rule.ResourceAffinity.class, name = "resource-affinity")})
public sealed interface Rule {

    String id();

    List<Sid> resources();

    /** Free text of the operator's (Proxmox's rule {@code comment}); empty when none. */
    String comment();

    /** The same rule over other resources. */
    Rule withResources(List<Sid> resources);

    /**
     * Keep {@code resources} on {@code nodes}, higher priority preferred. Strict: never anywhere else
     * (a service with no allowed node online stays down); non-strict: other nodes are a last resort.
     */
    record NodeAffinity(String id, List<Sid> resources, SortedMap<String, Integer> nodes, boolean strict, String comment)
            implements Rule {
        public NodeAffinity {
            resources = List.copyOf(resources);
            nodes = new TreeMap<>(nodes);
            comment = comment == null ? "" : comment; // journals written before rules had comments
        }

        public NodeAffinity(String id, List<Sid> resources, SortedMap<String, Integer> nodes, boolean strict) {
            this(id, resources, nodes, strict, "");
        }

        public static NodeAffinity of(String id, List<Sid> resources, Map<String, Integer> nodes, boolean strict) {
            return new NodeAffinity(id, resources, new TreeMap<>(nodes), strict, "");
        }

        public NodeAffinity withComment(String text) {
            return new NodeAffinity(id, resources, nodes, strict, text);
        }

        @Override
        public NodeAffinity withResources(List<Sid> rs) {
            return new NodeAffinity(id, rs, nodes, strict, comment);
        }
    }

    /** Positive: the resources run on one node together; negative: each on a different node. */
    record ResourceAffinity(String id, List<Sid> resources, Affinity affinity, String comment) implements Rule {
        public ResourceAffinity {
            resources = List.copyOf(resources);
            comment = comment == null ? "" : comment; // journals written before rules had comments
        }

        public ResourceAffinity(String id, List<Sid> resources, Affinity affinity) {
            this(id, resources, affinity, "");
        }

        public ResourceAffinity withComment(String text) {
            return new ResourceAffinity(id, resources, affinity, text);
        }

        @Override
        public ResourceAffinity withResources(List<Sid> rs) {
            return new ResourceAffinity(id, rs, affinity, comment);
        }
    }

    enum Affinity {
        POSITIVE, NEGATIVE;

        public String wire() {
            return name().toLowerCase();
        }
    }
}
