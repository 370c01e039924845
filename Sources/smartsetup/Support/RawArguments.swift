/// The command line's own octets. Swift decodes `argv` as UTF-8 and replaces what is not
/// UTF-8 with U+FFFD; an SSID is an octet string, so it is taken from `argv` as given.
enum RawArguments {
    /// The octets of the value of `option` (`--ssid X` or `--ssid=X`, the last one given), or
    /// `parsed`'s UTF-8 when the command line does not show it (the value came from elsewhere).
    static func octets(of option: String, parsed: String) -> [UInt8] {
        let arguments = (0..<Int(CommandLine.argc)).map { index -> [UInt8] in
            guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
            var octets: [UInt8] = []
            var offset = 0
            while pointer[offset] != 0 {
                octets.append(UInt8(bitPattern: pointer[offset]))
                offset += 1
            }
            return octets
        }
        return value(of: Array(option.utf8), in: arguments) ?? Array(parsed.utf8)
    }

    /// The value of `option` in `arguments` (the last one; nothing after a `--`).
    static func value(of option: [UInt8], in arguments: [[UInt8]]) -> [UInt8]? {
        var found: [UInt8]?
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == Array("--".utf8) { break }
            if argument == option, index + 1 < arguments.count {
                found = arguments[index + 1]
                index += 2
                continue
            }
            if argument.starts(with: option + [0x3D]) { found = Array(argument.dropFirst(option.count + 1)) }
            index += 1
        }
        return found
    }
}
