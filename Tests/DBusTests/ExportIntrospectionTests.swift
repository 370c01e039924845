import Testing

@testable import DBus

@Suite("Export: org.freedesktop.DBus.Introspectable")
struct ExportIntrospectionTests {
    static let doctype = """
        <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
        """

    static let introspectable = """
         <interface name="org.freedesktop.DBus.Introspectable">
          <method name="Introspect">
           <arg name="xml_data" type="s" direction="out"/>
          </method>
         </interface>
        """

    static let properties = """
         <interface name="org.freedesktop.DBus.Properties">
          <method name="Get">
           <arg name="interface_name" type="s" direction="in"/>
           <arg name="property_name" type="s" direction="in"/>
           <arg name="value" type="v" direction="out"/>
          </method>
          <method name="GetAll">
           <arg name="interface_name" type="s" direction="in"/>
           <arg name="properties" type="a{sv}" direction="out"/>
          </method>
          <method name="Set">
           <arg name="interface_name" type="s" direction="in"/>
           <arg name="property_name" type="s" direction="in"/>
           <arg name="value" type="v" direction="in"/>
          </method>
          <signal name="PropertiesChanged">
           <arg name="interface_name" type="s"/>
           <arg name="changed_properties" type="a{sv}"/>
           <arg name="invalidated_properties" type="as"/>
          </signal>
         </interface>
        """

    @Test func objectXMLListsEveryMemberWithAccessAndAnnotations() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        try server.register(
            [
                DBusExportedInterface(
                    "org.example.Lamp1",
                    methods: [
                        DBusExportedMethod(
                            "Dim", inputs: [DBusArgument("level", .byte)], outputs: [DBusArgument(nil, .boolean)],
                            annotations: [.deprecated]
                        ) { _ in [.boolean(true)] }
                    ],
                    properties: [
                        DBusExportedProperty("On", type: .boolean, get: { _ in .boolean(true) }, set: { _, _ in }),
                        DBusExportedProperty("Serial", type: .string, emitsChanged: .constant, get: { _ in .string("1") }),
                        DBusExportedProperty("Key", type: .ay, emitsChanged: .invalidates, get: nil, set: { _, _ in }),
                    ],
                    signals: [DBusExportedSignal("Blink", arguments: [DBusArgument("times", .uint16)])],
                    annotations: [DBusAnnotation("org.example.Note", "a<b & \"c\"")])
            ], at: Fixture.path("/lamp"))
        server.handle(Fixture.call("Introspect", interface: "org.freedesktop.DBus.Introspectable", path: Fixture.path("/lamp")))
        let reply = try await sink.next()
        let expected = Self.doctype + "\n<node>\n" + Self.introspectable + "\n" + Self.properties + "\n" + """
             <interface name="org.example.Lamp1">
              <method name="Dim">
               <arg name="level" type="y" direction="in"/>
               <arg type="b" direction="out"/>
               <annotation name="org.freedesktop.DBus.Deprecated" value="true"/>
              </method>
              <signal name="Blink">
               <arg name="times" type="q"/>
              </signal>
              <property name="On" type="b" access="readwrite"/>
              <property name="Serial" type="s" access="read">
               <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="const"/>
              </property>
              <property name="Key" type="ay" access="write">
               <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="invalidates"/>
              </property>
              <annotation name="org.example.Note" value="a&lt;b &amp; &quot;c&quot;"/>
             </interface>
            </node>

            """
        #expect(reply.body == [.string(expected)])
    }

    @Test func intermediateNodesListChildrenAndAnswerOnlyIntrospect() async throws {
        let (server, sink, _) = try Fixture.server()
        try server.register([DBusExportedInterface("org.example.Other1")], at: Fixture.path("/org/example/other"))
        let root = try server.introspect(.root)
        #expect(root == Self.doctype + "\n<node>\n" + Self.introspectable + "\n <node name=\"org\"/>\n</node>\n")
        let example = try server.introspect(Fixture.path("/org/example"))
        #expect(example.hasSuffix(" <node name=\"echo\"/>\n <node name=\"other\"/>\n</node>\n"))
        server.handle(
            Fixture.call(
                "GetAll", interface: "org.freedesktop.DBus.Properties", path: Fixture.path("/org"), body: [.string("")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownObject")
        #expect(throws: DBusError.self) { try server.introspect(Fixture.path("/net")) }
    }

    @Test func objectManagerRootAndSubtreeChildrenAppear() throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: .root)
        try server.registerSubtree(
            DBusSubtree(
                interfaces: { _ in [DBusExportedInterface("org.example.Dev1")] },
                children: { path in path.rawValue == "/devs" ? ["b", "a"] : [] }),
            at: Fixture.path("/devs"))
        let root = try server.introspect(.root)
        #expect(root.contains("<interface name=\"org.freedesktop.DBus.ObjectManager\">"))
        #expect(root.contains("<signal name=\"InterfacesAdded\">"))
        #expect(root.contains("<arg name=\"objpath_interfaces_and_properties\" type=\"a{oa{sa{sv}}}\" direction=\"out\"/>"))
        #expect(root.hasSuffix(" <node name=\"devs\"/>\n</node>\n"))
        let devs = try server.introspect(Fixture.path("/devs"))
        #expect(devs.contains("<interface name=\"org.example.Dev1\">"))
        #expect(devs.hasSuffix(" <node name=\"a\"/>\n <node name=\"b\"/>\n</node>\n"))
    }
}

extension DBusType {
    static let ay = DBusType.array(.byte)
}
