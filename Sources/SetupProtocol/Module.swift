// The SetupProtocol module: the sans-I/O handoff protocol core (issue 3 fills it).
