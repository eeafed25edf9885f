package org.fabricve.ha.manager;

import org.fabricve.ha.model.Sid;

/** Operator commands the manager executes (Proxmox's crm commands); JSON with a {@code kind} tag. */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME, property = "kind")
@com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = CrmCommand.Migrate.class, name = "migrate"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = CrmCommand.Relocate.class, name = "relocate"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = CrmCommand.NodeMaintenance.class, name = "node-maintenance")})
public sealed interface CrmCommand {
    record Migrate(Sid sid, String node) implements CrmCommand {
    }

    record Relocate(Sid sid, String node) implements CrmCommand {
    }

    record NodeMaintenance(String node, boolean enable) implements CrmCommand {
    }
}
