/// A parser of the Prometheus text exposition format (version 0.0.4), strict enough for a test:
/// every sample belongs to a family declared by `# TYPE`, names and label names are valid, label
/// values are quoted with escapes, values are numbers; histogram buckets are cumulative and end
/// with `+Inf` equal to `_count`.
enum PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var type: String
        var samples: [Sample] = []

        /// The value of the sample `name` with exactly `labels`, if any.
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [String: Family] {
        var families: [String: Family] = [:]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                if parts.count >= 4, parts[1] == "TYPE" {
                    guard isName(parts[2]), ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw ParseError(description: "bad TYPE line: \(line)")
                    }
                    guard families[parts[2]] == nil else { throw ParseError(description: "TYPE twice: \(line)") }
                    families[parts[2]] = Family(type: parts[3])
                }
                continue
            }
            let sample = try parseSample(line)
            let owner: String? = families[sample.name] != nil ? sample.name : ["_bucket", "_sum", "_count"].lazy.compactMap { suffix -> String? in
                let base = String(sample.name.dropLast(suffix.count))
                return sample.name.hasSuffix(suffix) && ["histogram", "summary"].contains(families[base]?.type) ? base : nil
            }.first
            guard let owner else { throw ParseError(description: "sample without TYPE: \(line)") }
            families[owner]?.samples.append(sample)
        }
        for (name, family) in families where family.type == "histogram" {
            try checkHistogram(name, family)
        }
        return families
    }

    static func checkHistogram(_ name: String, _ family: Family) throws {
        let series = Dictionary(grouping: family.samples.filter { $0.name == name + "_bucket" }) { sample in
            sample.labels.filter { $0.key != "le" }
        }
        for (labels, buckets) in series {
            let ordered = buckets.map { (bound: $0.labels["le"] == "+Inf" ? Double.infinity : Double($0.labels["le"] ?? "") ?? .nan, value: $0.value) }
            guard ordered.allSatisfy({ !$0.bound.isNaN }) else { throw ParseError(description: "\(name): bad le") }
            let sorted = ordered.sorted { $0.bound < $1.bound }
            guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0.value <= $1.value }) else { throw ParseError(description: "\(name): not cumulative") }
            guard sorted.last?.bound == .infinity,
                  sorted.last?.value == family.value(name + "_count", labels),
                  family.value(name + "_sum", labels) != nil
            else { throw ParseError(description: "\(name)\(labels): +Inf, _count or _sum missing or different") }
        }
    }

    static func parseSample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard isName(name) else { throw ParseError(description: "bad metric name: \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard isName(label), !label.contains(":") else { throw ParseError(description: "bad label name: \(line)") }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { throw ParseError(description: "expected =\": \(line)") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw ParseError(description: "dangling escape: \(line)") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw ParseError(description: "bad escape: \(line)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw ParseError(description: "unterminated label value: \(line)") }
                rest = rest.dropFirst()
                guard labels.updateValue(value, forKey: label) == nil else { throw ParseError(description: "label twice: \(line)") }
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw ParseError(description: "expected a space: \(line)") }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count) else { throw ParseError(description: "expected value [timestamp]: \(line)") }
        let text = String(fields[0])
        guard let value = text == "+Inf" ? Double.infinity : text == "-Inf" ? -Double.infinity : text == "NaN" ? Double.nan : Double(text) else {
            throw ParseError(description: "bad value: \(line)")
        }
        if fields.count == 2, Int64(fields[1]) == nil { throw ParseError(description: "bad timestamp: \(line)") }
        return Sample(name: name, labels: labels, value: value)
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_" || first == ":" else { return false }
        return name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == ":" }
    }
}
