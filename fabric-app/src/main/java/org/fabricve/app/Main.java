package org.fabricve.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fabric} command line; {@code ./fabric} at the repository root runs it. */
@Command(name = "fabric", mixinStandardHelpOptions = true, version = "Fabric VE " + FabricNode.VERSION,
        description = "Fabric VE: virtualization management on an actor fabric.",
        subcommands = {UpCommand.class, HaSimCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        CommonPoolFloor.apply();
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
