package org.fabricve.ha.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.manager.CrmCommand;
import org.fabricve.ha.manager.HaEvent;
import org.fabricve.ha.manager.LrmMode;
import org.fabricve.ha.manager.ManagerReply;
import org.fabricve.ha.manager.ManagerState;
import org.fabricve.ha.manager.NodeCommand;
import org.fabricve.ha.manager.NodeReport;
import org.fabricve.ha.manager.ServiceState;
import org.fabricve.ha.manager.ServiceStatus;
import org.fabricve.ha.model.HaConfigEvent;
import org.fabricve.ha.model.RequestedState;
import org.fabricve.ha.model.Rule;
import org.fabricve.ha.model.ServiceConfig;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.Test;

/** The HA records that cross members or land in the journal survive Jackson CBOR (the fabric's binding). */
class HaJsonTest {

    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory()).findAndRegisterModules();

    private static <T> T roundTrip(T value, Class<T> type) throws Exception {
        return CBOR.readValue(CBOR.writeValueAsBytes(value), type);
    }

    @Test
    void messagesEventsAndStateRoundTrip() throws Exception {
        Sid vm = Sid.parse("vm:101");
        NodeReport report = new NodeReport("node1", 3, LrmMode.ACTIVE, Set.of(vm),
                Map.of(7L, new CommandResult(vm, 7, CommandResult.Outcome.SUCCESS)), false);
        assertThat(roundTrip(report, NodeReport.class)).isEqualTo(report);
        ManagerReply reply = new ManagerReply("node1", true, List.of(new NodeCommand("node1", 3, vm, 7, NodeCommand.Action.START, null)),
                Map.of(vm, ServiceState.STARTED), Set.of(vm));
        assertThat(roundTrip(reply, ManagerReply.class)).isEqualTo(reply);
        HaEvent.ServiceAdded added = new HaEvent.ServiceAdded(vm, ServiceStatus.initial(ServiceState.STARTED, "node1", 7));
        assertThat(roundTrip(added, HaEvent.ServiceAdded.class)).isEqualTo(added);
        HaConfigEvent.RulesSet rules = new HaConfigEvent.RulesSet(List.of(
                Rule.NodeAffinity.of("r1", List.of(vm), Map.of("node1", 2), true),
                new Rule.ResourceAffinity("r2", List.of(vm, Sid.parse("ct:102")), Rule.Affinity.NEGATIVE)));
        assertThat(roundTrip(rules, HaConfigEvent.RulesSet.class)).isEqualTo(rules);
        HaConfigEvent.RulesSet commented = new HaConfigEvent.RulesSet(List.of(
                Rule.NodeAffinity.of("r1", List.of(vm), Map.of("node1", 2), true).withComment("prefer node1")));
        assertThat(roundTrip(commented, HaConfigEvent.RulesSet.class)).isEqualTo(commented);
        // a rule journalled before rules had comments reads back with an empty one
        HaConfigEvent.RulesSet old = CBOR.readValue(CBOR.writeValueAsBytes(Map.of("rules", List.of(Map.of("type", "resource-affinity",
                "id", "r2", "resources", List.of("vm:101", "ct:102"), "affinity", "NEGATIVE")))), HaConfigEvent.RulesSet.class);
        assertThat(old.rules()).singleElement().satisfies(r -> assertThat(r.comment()).isEmpty());
        HaConfigEvent.ResourceSet set = new HaConfigEvent.ResourceSet(ServiceConfig.of(vm, "node1", RequestedState.STARTED), true);
        assertThat(roundTrip(set, HaConfigEvent.ResourceSet.class)).isEqualTo(set);
        HaManagerEntity.Crm crm = new HaManagerEntity.Crm(new CrmCommand.Migrate(vm, "node2"), null);
        assertThat(roundTrip(crm, HaManagerEntity.Crm.class).command()).isEqualTo(crm.command());
        ManagerState state = org.fabricve.ha.manager.HaManager.evolve(ManagerState.empty(), added);
        assertThat(roundTrip(state, ManagerState.class)).isEqualTo(state);
    }
}
