// SetupProtocol tests (issue 3 fills them).
