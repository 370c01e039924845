import Foundation

/// The open file descriptors of this test process (`/proc/self/fd`): each number and what it
/// refers to (`socket:[…]`, `pipe:[…]`, `anon_inode:[eventfd]`, a path).
///
/// Counting the whole process's descriptors only means something when nothing else runs in it
/// (the fault matrix run alone). Tests that run beside other suites follow the descriptors of one
/// owner instead: ``identities(of:)`` names them by what they refer to (a pipe's or socket's
/// inode, which a later descriptor does not reuse), and ``stillOpen(_:)`` says which of those are
/// open, under whatever number.
public struct OpenFileDescriptors: Sendable {
    /// Descriptor number → link target.
    public var targets: [Int32: String]

    /// The number of open descriptors.
    public var count: Int { targets.count }

    /// Reads `/proc/self/fd` now. The descriptor of the directory listing itself is in every
    /// snapshot, so it cancels out of a comparison.
    public static func now() throws -> OpenFileDescriptors {
        let directory = "/proc/self/fd"
        var targets: [Int32: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            guard let number = Int32(name) else { continue }
            // A descriptor closed between the listing and the readlink is simply gone.
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)") else { continue }
            targets[number] = target
        }
        return OpenFileDescriptors(targets: targets)
    }

    /// What is open now and was not open in `earlier` (a number reused for something else
    /// counts as new), sorted by number, as "fd: target".
    public func opened(since earlier: OpenFileDescriptors) -> [String] {
        targets.filter { earlier.targets[$0.key] != $0.value }.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    }

    /// What `descriptors` refer to now, e.g. `pipe:[2451612]`: their identity, which stays
    /// theirs when the numbers are reused. Descriptors that are not open are left out.
    public static func identities(of descriptors: [Int32]) -> [String] {
        descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
    }

    /// The ones of `identities` that are still open in this snapshot, under any number.
    public func stillOpen(_ identities: [String]) -> [String] {
        let open = Set(targets.values)
        return identities.filter { open.contains($0) }
    }
}
