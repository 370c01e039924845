import Foundation

/// The open file descriptors of this test process (`/proc/self/fd`): each number and what it
/// refers to (`socket:[…]`, `pipe:[…]`, `anon_inode:[eventfd]`, a path).
struct OpenFileDescriptors: Sendable {
    /// Descriptor number → link target.
    var targets: [Int32: String]

    /// The number of open descriptors.
    var count: Int { targets.count }

    /// Reads `/proc/self/fd` now. The descriptor of the directory listing itself is in every
    /// snapshot, so it cancels out of a comparison.
    static func now() throws -> OpenFileDescriptors {
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
    func opened(since earlier: OpenFileDescriptors) -> [String] {
        targets.filter { earlier.targets[$0.key] != $0.value }.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    }
}
