/*
 * The raw-libdbus side of the D-Bus benchmark: an echo server and a client that measures
 * method-call round trips, both written directly against libdbus-1.
 *
 *   raw_echo serve ADDRESS NAME           own NAME and answer org.example.Echo1.Echo(s) -> s
 *   raw_echo client ADDRESS NAME CALLS    CALLS sequential Echo calls to NAME, then one RESULT line
 *
 * The client prints: RESULT <calls> <calls per second> <p50 us> <p90 us> <p99 us>
 */
#include <dbus/dbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ECHO_PATH "/org/example/echo"
#define ECHO_INTERFACE "org.example.Echo1"
#define WARMUP_CALLS 1000
#define CALL_TIMEOUT_MS 5000

static DBusConnection *open_bus(const char *address)
{
	DBusError error;
	dbus_error_init(&error);
	DBusConnection *connection = dbus_connection_open_private(address, &error);
	if (connection == NULL) {
		fprintf(stderr, "raw_echo: cannot open %s: %s\n", address, error.message);
		exit(1);
	}
	if (!dbus_bus_register(connection, &error)) {
		fprintf(stderr, "raw_echo: cannot register: %s\n", error.message);
		exit(1);
	}
	dbus_connection_set_exit_on_disconnect(connection, FALSE);
	return connection;
}

static DBusHandlerResult answer(DBusConnection *connection, DBusMessage *message, void *unused)
{
	(void)unused;
	if (!dbus_message_is_method_call(message, ECHO_INTERFACE, "Echo"))
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	const char *text = NULL;
	DBusMessage *reply;
	if (dbus_message_get_args(message, NULL, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID)) {
		reply = dbus_message_new_method_return(message);
		dbus_message_append_args(reply, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID);
	} else {
		reply = dbus_message_new_error(message, DBUS_ERROR_INVALID_ARGS, "expected (s)");
	}
	dbus_connection_send(connection, reply, NULL);
	dbus_message_unref(reply);
	return DBUS_HANDLER_RESULT_HANDLED;
}

static int serve(const char *address, const char *name)
{
	DBusConnection *connection = open_bus(address);
	DBusObjectPathVTable vtable = { .message_function = answer };
	if (!dbus_connection_register_object_path(connection, ECHO_PATH, &vtable, NULL)) {
		fprintf(stderr, "raw_echo: cannot register %s\n", ECHO_PATH);
		return 1;
	}
	DBusError error;
	dbus_error_init(&error);
	if (dbus_bus_request_name(connection, name, DBUS_NAME_FLAG_DO_NOT_QUEUE, &error)
			!= DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
		fprintf(stderr, "raw_echo: cannot own %s\n", name);
		return 1;
	}
	while (dbus_connection_read_write_dispatch(connection, -1))
		;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int echo_once(DBusConnection *connection, const char *name)
{
	static const char *text = "hello, bus";
	DBusMessage *call = dbus_message_new_method_call(name, ECHO_PATH, ECHO_INTERFACE, "Echo");
	dbus_message_append_args(call, DBUS_TYPE_STRING, &text, DBUS_TYPE_INVALID);
	DBusError error;
	dbus_error_init(&error);
	DBusMessage *reply = dbus_connection_send_with_reply_and_block(connection, call, CALL_TIMEOUT_MS, &error);
	dbus_message_unref(call);
	if (reply == NULL) {
		fprintf(stderr, "raw_echo: call failed: %s\n", error.message);
		dbus_error_free(&error);
		return -1;
	}
	const char *echoed = NULL;
	int ok = dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &echoed, DBUS_TYPE_INVALID)
		&& strcmp(echoed, text) == 0;
	dbus_message_unref(reply);
	return ok ? 0 : -1;
}

static int client(const char *address, const char *name, long calls)
{
	DBusConnection *connection = open_bus(address);
	for (int i = 0; i < WARMUP_CALLS; i++)
		if (echo_once(connection, name) != 0)
			return 1;
	uint64_t *latencies = malloc(sizeof(uint64_t) * (size_t)calls);
	uint64_t start = now_ns();
	for (long i = 0; i < calls; i++) {
		uint64_t before = now_ns();
		if (echo_once(connection, name) != 0)
			return 1;
		latencies[i] = now_ns() - before;
	}
	double seconds = (double)(now_ns() - start) / 1e9;
	qsort(latencies, (size_t)calls, sizeof(uint64_t), compare);
	printf("RESULT %ld %.0f %.1f %.1f %.1f\n", calls, (double)calls / seconds,
	       latencies[calls * 50 / 100] / 1e3, latencies[calls * 90 / 100] / 1e3,
	       latencies[calls * 99 / 100] / 1e3);
	free(latencies);
	dbus_connection_close(connection);
	dbus_connection_unref(connection);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "client") == 0)
		return client(argv[2], argv[3], atol(argv[4]));
	fprintf(stderr, "usage: raw_echo serve ADDRESS NAME | raw_echo client ADDRESS NAME CALLS\n");
	return 2;
}
