#ifndef SMARTSETUP_CDBUS_SHIM_H
#define SMARTSETUP_CDBUS_SHIM_H
#include <dbus/dbus.h>
#endif
