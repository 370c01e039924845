// libbluetooth (BlueZ's HCI library) for SetupDoctor; apt: libbluetooth-dev.
#include <sys/socket.h>
#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>
