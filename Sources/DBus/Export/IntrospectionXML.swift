/// Writes introspection XML in the format of the D-Bus specification's
/// "Introspection Data Format", with the DOCTYPE that libdbus and GDBus emit.
enum IntrospectionXML {
    static let doctype = """
        <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">

        """

    /// The document for a node with `interfaces` and child nodes named `children`.
    static func document(interfaces: [DBusExportedInterface], children: [String]) -> String {
        var xml = doctype + "<node>\n"
        for interface in interfaces {
            write(interface, into: &xml)
        }
        for child in children {
            xml += " <node name=\"\(escape(child))\"/>\n"
        }
        xml += "</node>\n"
        return xml
    }

    private static func write(_ interface: DBusExportedInterface, into xml: inout String) {
        xml += " <interface name=\"\(escape(interface.name))\">\n"
        for method in interface.methods {
            xml += "  <method name=\"\(escape(method.name))\">\n"
            for argument in method.inputs {
                write(argument, direction: "in", into: &xml)
            }
            for argument in method.outputs {
                write(argument, direction: "out", into: &xml)
            }
            write(method.annotations, indent: "   ", into: &xml)
            xml += "  </method>\n"
        }
        for signal in interface.signals {
            xml += "  <signal name=\"\(escape(signal.name))\">\n"
            for argument in signal.arguments {
                write(argument, direction: nil, into: &xml)
            }
            write(signal.annotations, indent: "   ", into: &xml)
            xml += "  </signal>\n"
        }
        for property in interface.properties {
            var annotations = property.annotations
            if property.emitsChanged != .withValue {
                annotations.append(
                    DBusAnnotation("org.freedesktop.DBus.Property.EmitsChangedSignal", property.emitsChanged.rawValue))
            }
            let head = "  <property name=\"\(escape(property.name))\" type=\"\(escape(property.type.signature))\""
                + " access=\"\(property.access.rawValue)\""
            if annotations.isEmpty {
                xml += head + "/>\n"
            } else {
                xml += head + ">\n"
                write(annotations, indent: "   ", into: &xml)
                xml += "  </property>\n"
            }
        }
        write(interface.annotations, indent: "  ", into: &xml)
        xml += " </interface>\n"
    }

    private static func write(_ argument: DBusArgument, direction: String?, into xml: inout String) {
        xml += "   <arg"
        if let name = argument.name {
            xml += " name=\"\(escape(name))\""
        }
        xml += " type=\"\(escape(argument.type.signature))\""
        if let direction {
            xml += " direction=\"\(direction)\""
        }
        xml += "/>\n"
    }

    private static func write(_ annotations: [DBusAnnotation], indent: String, into xml: inout String) {
        for annotation in annotations {
            xml += indent + "<annotation name=\"\(escape(annotation.name))\" value=\"\(escape(annotation.value))\"/>\n"
        }
    }

    /// Escapes the five XML special characters for use in an attribute value.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension DBusObjectServer {
    /// The introspection XML of `path`: its interfaces, standard ones included, and its children.
    public func introspect(_ path: DBusObjectPath) throws(DBusError) -> String {
        guard let object = resolve(path) else {
            throw DBusError(.unknownObject, message: "No such object path '\(path)'")
        }
        return IntrospectionXML.document(interfaces: interfaces(of: object), children: children(of: object))
    }
}
