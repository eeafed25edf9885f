package org.fabricve.ha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.fabricve.ha.agent.ListingGate.Finished;
import org.fabricve.ha.manager.CommandResult;
import org.fabricve.ha.model.Sid;
import org.junit.jupiter.api.Test;

class ListingGateTest {

    private static Finished done(int vmid) {
        return new Finished(1, new CommandResult(new Sid(Sid.Type.VM, vmid), vmid, CommandResult.Outcome.SUCCESS));
    }

    @Test
    void aResultFinishedDuringAListingWaitsForTheNextOne() {
        ListingGate g = ListingGate.EMPTY.listingStarted().finished(done(100));
        ListingGate.Released first = g.listingDone(true);
        assertThat(first.results()).isEmpty();
        ListingGate.Released second = first.gate().listingStarted().listingDone(true);
        assertThat(second.results()).containsExactly(done(100));
        assertThat(second.gate()).isEqualTo(ListingGate.EMPTY);
    }

    @Test
    void aListingBegunAfterTheResultReleasesIt() {
        ListingGate g = ListingGate.EMPTY.finished(done(100)).finished(done(101)).listingStarted().finished(done(102));
        ListingGate.Released r = g.listingDone(true);
        assertThat(r.results()).containsExactly(done(100), done(101));
        assertThat(r.gate().waiting()).containsExactly(done(102));
    }

    @Test
    void aFailedListingReleasesNothingAndLosesNothing() {
        ListingGate g = ListingGate.EMPTY.finished(done(100)).listingStarted().finished(done(101));
        ListingGate.Released failed = g.listingDone(false);
        assertThat(failed.results()).isEmpty();
        assertThat(failed.gate().waiting()).containsExactly(done(100), done(101));
        assertThat(failed.gate().listingStarted().listingDone(true).results()).containsExactly(done(100), done(101));
    }
}
