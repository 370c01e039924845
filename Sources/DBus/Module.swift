// The DBus module: a Swift D-Bus layer over libdbus-1 (issue 2 fills it).
