/// The configuration of a private dbus-daemon that behaves like the system bus: `<type>system</type>`,
/// EXTERNAL authentication on `socket`, and the system bus's default policy (method calls denied
/// unless a rule allows them; replies, signals and calls to the bus itself allowed). `rules` go at
/// the end of the default policy (later rules win); `include` names a policy file to add, as the
/// system bus includes `system.d/*.conf`.
public func systemLikeBusConfiguration(socket: String, rules: [String] = [], include: String? = nil) -> String {
    let extra = rules.map { "    " + $0 + "\n" }.joined()
    return """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <listen>unix:path=\(socket)</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow user="*"/>
            <deny send_type="method_call"/>
            <allow send_type="signal"/>
            <allow send_requested_reply="true" send_type="method_return"/>
            <allow send_requested_reply="true" send_type="error"/>
            <allow receive_type="method_call"/>
            <allow receive_type="method_return"/>
            <allow receive_type="error"/>
            <allow receive_type="signal"/>
            <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
        \(extra)  </policy>
        \(include.map { "  <include>\($0)</include>\n" } ?? "")</busconfig>

        """
}
