package org.fabricve.ha.manager;

import org.fabricve.ha.model.Sid;

/** Operator commands the manager executes (Proxmox's crm commands). */
public sealed interface CrmCommand {
    record Migrate(Sid sid, String node) implements CrmCommand {
    }

    record Relocate(Sid sid, String node) implements CrmCommand {
    }

    record NodeMaintenance(String node, boolean enable) implements CrmCommand {
    }
}
