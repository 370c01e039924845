// DBus module tests (issue 2 fills them).
