import DBus

/// `io.smartsetup1.Manager1`: translates calls into the manager's requests and its state into
/// properties; nothing else.
enum ManagerInterface {
    static let version = "1.0"

    static func make(_ manager: JobManager) -> DBusExportedInterface {
        let request = DBusType.dictionary(key: .string, value: .variant)
        func submitting(_ kind: JobKind) -> DBusExportedMethod {
            DBusExportedMethod(kind.methodName, inputs: [.init("request", request)], outputs: [.init("job", .objectPath)]) {
                [weak manager] invocation throws(DBusError) in
                guard let manager else { throw ServiceNames.error(ServiceNames.ErrorName.shuttingDown, "the service is stopping") }
                guard !manager.isStopping else { throw ServiceNames.error(ServiceNames.ErrorName.shuttingDown, "the service is stopping") }
                let sender = try caller(invocation)
                let dictionary = try invocation.arguments[0].propertyDictionary().mapValues { DBusValue.variant($0) }
                let parser = RequestParser(adapters: manager.adapters, limits: manager.limits)
                let parsed: JobRequest
                do throws(RequestError) {
                    parsed = try await parser.parse(kind, dictionary)
                } catch {
                    throw ServiceNames.error(ServiceNames.ErrorName.invalidArguments, error.description)
                }
                return [.objectPath(try manager.submit(parsed, owner: sender))]
            }
        }
        return DBusExportedInterface(
            ServiceNames.manager,
            methods: [
                submitting(.pair), submitting(.wifiScan), submitting(.identify), submitting(.reset),
                DBusExportedMethod("StartDiscovery") { [weak manager] invocation throws(DBusError) in
                    try manager?.startDiscovery(owner: try caller(invocation))
                    return []
                },
                DBusExportedMethod("StopDiscovery") { [weak manager] invocation throws(DBusError) in
                    try manager?.stopDiscovery(owner: try caller(invocation))
                    return []
                },
                DBusExportedMethod("RegisterAgent", inputs: [.init("agent", .objectPath)]) { [weak manager] invocation throws(DBusError) in
                    guard case .objectPath(let path) = invocation.arguments[0] else { throw DBusError(.invalidArguments, message: "agent: an object path") }
                    try manager?.registerAgent(path, owner: try caller(invocation))
                    return []
                },
                DBusExportedMethod("UnregisterAgent", inputs: [.init("agent", .objectPath)]) { [weak manager] invocation throws(DBusError) in
                    guard case .objectPath(let path) = invocation.arguments[0] else { throw DBusError(.invalidArguments, message: "agent: an object path") }
                    try manager?.unregisterAgent(path, owner: try caller(invocation))
                    return []
                },
                DBusExportedMethod("GetHistory", inputs: [.init("filter", request)], outputs: [.init("records", .array(request))]) {
                    [weak manager] invocation throws(DBusError) in
                    let filter = try invocation.arguments[0].propertyDictionary().mapValues { DBusValue.variant($0) }
                    let query: HistoryQuery
                    do throws(RequestError) { query = try HistoryQuery(filter) } catch {
                        throw ServiceNames.error(ServiceNames.ErrorName.invalidArguments, error.description)
                    }
                    guard let history = manager?.history else {
                        throw ServiceNames.error(ServiceNames.ErrorName.failed, "this service keeps no history")
                    }
                    do {
                        let records = try await history.records(query)
                        return [.array(element: request, values: records.map(DBusValue.propertyDictionary))]
                    } catch {
                        throw ServiceNames.error(ServiceNames.ErrorName.failed, "the history could not be read")
                    }
                },
            ],
            properties: [
                DBusExportedProperty("Version", type: .string) { _ in .string(version) },
                DBusExportedProperty("Adapters", type: .array(.string)) { [weak manager] _ in .stringArray(manager?.adapters ?? []) },
                DBusExportedProperty("Discovering", type: .boolean) { [weak manager] _ in .boolean(manager?.counts.discovering ?? false) },
                DBusExportedProperty("QueuedJobs", type: .uint32) { [weak manager] _ in .uint32(UInt32(manager?.counts.queued ?? 0)) },
                DBusExportedProperty("RunningJobs", type: .uint32) { [weak manager] _ in .uint32(UInt32(manager?.counts.running ?? 0)) },
                DBusExportedProperty("MaxQueuedJobs", type: .uint32) { [weak manager] _ in .uint32(UInt32(manager?.limits.maxQueuedJobs ?? 0)) },
                DBusExportedProperty("JobsPerAdapter", type: .uint32) { [weak manager] _ in .uint32(UInt32(manager?.limits.jobsPerAdapter ?? 0)) },
            ])
    }

    private static func caller(_ invocation: DBusMethodInvocation) throws(DBusError) -> String {
        guard let sender = invocation.sender else { throw DBusError(.failed, message: "the call has no sender") }
        return sender
    }
}
