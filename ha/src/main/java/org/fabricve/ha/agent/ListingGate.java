package org.fabricve.ha.agent;

import java.util.ArrayList;
import java.util.List;
import org.fabricve.ha.manager.CommandResult;

/**
 * Holds an agent's finished orders until a listing of the running guests that began after them is in. A
 * report pairs the results with that listing; were a start's success paired with a listing taken before the
 * start, the manager would take the guest for stopped and start it again.
 */
public record ListingGate(List<Finished> waiting, List<Finished> inListing) {

    /** An order of {@code generation} that finished with {@code result}. */
    public record Finished(long generation, CommandResult result) {
    }

    /** The results a completed listing covers, and the gate after it. */
    public record Released(ListingGate gate, List<Finished> results) {
    }

    public static final ListingGate EMPTY = new ListingGate(List.of(), List.of());

    public ListingGate {
        waiting = List.copyOf(waiting);
        inListing = List.copyOf(inListing);
    }

    public ListingGate finished(Finished f) {
        List<Finished> w = new ArrayList<>(waiting);
        w.add(f);
        return new ListingGate(w, inListing);
    }

    /** A listing begins: what finished before now is what it will cover. */
    public ListingGate listingStarted() {
        List<Finished> covered = new ArrayList<>(inListing);
        covered.addAll(waiting);
        return new ListingGate(List.of(), covered);
    }

    /** The listing is in ({@code listed}) or failed; a failed one covers nothing, its results wait for the next. */
    public Released listingDone(boolean listed) {
        if (listed) return new Released(new ListingGate(waiting, List.of()), inListing);
        List<Finished> w = new ArrayList<>(inListing);
        w.addAll(waiting);
        return new Released(new ListingGate(w, List.of()), List.of());
    }
}
