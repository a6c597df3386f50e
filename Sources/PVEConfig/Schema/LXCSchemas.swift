import PVECore
/// The container property-string formats of `PVE::LXC::Config`.
package enum LXCSchemas {
    /// Keys shared by `$rootfs_desc` and `$mp_desc`.
    private static let mountKeys: [PropertySchema.Key] = [
        .init("volume", .string, optional: false, format: .mountPointString),
        .init("size", .string, format: .diskSize),
        .init("acl", .boolean),
        .init("mountoptions", .string, pattern: .mountOptions),
        .init("idmap", .string, pattern: .idmap),
        .init("ro", .boolean),
        .init("quota", .boolean),
        .init("replicate", .boolean),
        .init("shared", .boolean),
    ]

    /// `$rootfs_desc` (Proxmox: `PVE::LXC::Config`, standard option `pve-ct-rootfs`).
    package static let rootfs = PropertySchema(mountKeys, defaultKey: "volume")

    /// `$mp_desc` (format `pve-ct-mountpoint`): rootfs keys plus `mp` (required), `backup`, `keepattrs`.
    package static let mountPoint = PropertySchema(
        mountKeys + [
            .init("backup", .boolean),
            .init("mp", .string, optional: false, format: .mountPointString),
            .init("keepattrs", .boolean),
        ],
        defaultKey: "volume"
    )

    /// `$unused_desc`.
    package static let unused = PropertySchema(
        [.init("volume", .string, optional: false, format: .volumeID)], defaultKey: "volume")

    /// `$netconf_desc` (format `pve-lxc-network`).
    package static let network = PropertySchema([
        .init("type", .string, enumeration: ["veth"]),
        .init("name", .string, optional: false, pattern: .interfaceName),
        .init("bridge", .string, pattern: .interfaceName),
        .init("hwaddr", .string, format: .macAddress),
        .init("mtu", .integer, minimum: 64, maximum: 65535),
        .init("ip", .string, format: .ipv4Config),
        .init("gw", .string, format: .ipv4),
        .init("ip6", .string, format: .ipv6Config),
        .init("gw6", .string, format: .ipv6),
        .init("firewall", .boolean),
        .init("tag", .integer, minimum: 1, maximum: 4094),
        .init("trunks", .string, pattern: .trunks),
        .init("rate", .number),
        .init("link_down", .boolean),
        .init("host-managed", .boolean),
    ])

    /// `$features_desc`.
    package static let features = PropertySchema([
        .init("mount", .string, pattern: .featureMount),
        .init("nesting", .boolean),
        .init("keyctl", .boolean),
        .init("fuse", .boolean),
        .init("mknod", .boolean),
        .init("force_rw_sys", .boolean),
    ])

    /// `$dev_desc`.
    package static let device = PropertySchema(
        [
            .init("path", .string, format: .deviceString),
            .init("mode", .string, pattern: .octalMode),
            .init("uid", .integer, minimum: 0),
            .init("gid", .integer, minimum: 0),
            .init("deny-write", .boolean),
        ],
        defaultKey: "path"
    )
}

/// Reading typed values out of a parsed property string.
extension PropertySchema.Parsed {
    @inline(__always)
    package func string(_ index: Int, _ s: UnsafeBufferPointer<UInt8>) -> String? {
        guard let slot = self[index] else { return nil }
        return Bytes.string(UnsafeBufferPointer(rebasing: s[slot.value]))
    }

    @inline(__always)
    package func bool(_ index: Int, _ s: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let slot = self[index] else { return nil }
        return parsePerlBoolean(UnsafeBufferPointer(rebasing: s[slot.value]))
    }
}

/// Writes `key=value` parts in Proxmox's canonical layout straight into a `String`'s storage:
/// ``build(_:)`` runs the field list twice, once to measure and once to write.
package struct PropertyStringWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>?
    private var count = 0

    private init(buffer: UnsafeMutableBufferPointer<UInt8>?) {
        self.buffer = buffer
    }

    /// The text that `fields` writes.
    @inline(__always)
    package static func build(_ fields: (inout PropertyStringWriter) -> Void) -> String {
        var counter = PropertyStringWriter(buffer: nil)
        fields(&counter)
        let length = counter.count
        return String(unsafeUninitializedCapacity: length) { storage in
            var writer = PropertyStringWriter(buffer: storage)
            fields(&writer)
            return min(writer.count, length)
        }
    }

    @inline(__always)
    private mutating func write(_ byte: UInt8) {
        if let buffer, count < buffer.count { buffer[count] = byte }
        count += 1
    }

    @inline(__always)
    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let buffer, let base = buffer.baseAddress, let source = bytes.baseAddress, count + bytes.count <= buffer.count {
            (base + count).update(from: source, count: bytes.count)
        }
        count += bytes.count
    }

    @inline(__always)
    private mutating func write(_ key: StaticString) {
        write(Bytes.buffer(key))
    }

    @inline(__always)
    private mutating func write(_ text: String) {
        if buffer == nil {
            count += text.utf8.count
            return
        }
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { write($0) }
        if done == nil {
            for b in text.utf8 { write(b) }
        }
    }

    @inline(__always)
    private mutating func separate() {
        if count > 0 { write(ASCII.comma) }
    }

    /// Appends a value without key (the default key's value).
    @inline(__always)
    package mutating func bare(_ value: String) {
        separate()
        write(value)
    }

    /// Appends `key=value` for a key known at compile time.
    @inline(__always)
    package mutating func add(_ key: String, _ value: String) {
        separate()
        write(key)
        write(ASCII.equals)
        write(value)
    }

    /// Appends `key=value` when `value` is present.
    @inline(__always)
    package mutating func add(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        separate()
        write(key)
        write(ASCII.equals)
        write(value)
    }

    /// Appends `key=1` or `key=0` when `value` is present.
    @inline(__always)
    package mutating func add(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        separate()
        write(key)
        write(ASCII.equals)
        write(value ? ASCII.one : ASCII.zero)
    }
}
