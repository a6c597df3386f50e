import Glibc
import PVEConfig

/// UUIDs for new network connection files (`UUID=` of RedHat `ifcfg-*`, `uuid=` of
/// NetworkManager keyfiles).
///
/// Proxmox: `UUID::uuid()` — a fresh random UUID on every run; Proxmox's own test runner mocks it
/// to all zeros. A setup run uses random UUIDs unless its request asks for a reproducible run
/// (``GuestSetupRequest/seed`` set).
package enum ConnectionUUID {
    /// Where the UUIDs come from.
    package enum Source: Sendable, Hashable {
        /// `00000000-0000-0000-0000-000000000000` (Proxmox's test mode).
        case zero
        /// Random version-4 UUIDs from `/dev/urandom` (Proxmox's production behaviour).
        case random
    }

    /// The all-zero UUID.
    package static let zero = "00000000-0000-0000-0000-000000000000"

    /// A new UUID from `source` (falls back to zeros if `/dev/urandom` is unreadable).
    package static func make(_ source: Source) -> String {
        guard source == .random, var bytes = randomBytes(16) else { return zero }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return format(bytes)
    }

    /// Lower-case `8-4-4-4-12` text of 16 bytes.
    static func format(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func randomBytes(_ count: Int) -> [UInt8]? {
        guard let f = fopen("/dev/urandom", "rb") else { return nil }
        defer { fclose(f) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, f) }
        return n == count ? bytes : nil
    }
}

extension SetupContext {
    /// `UUID::uuid()` for a connection file.
    mutating func connectionUUID() -> String { ConnectionUUID.make(connectionUUIDs) }
}
