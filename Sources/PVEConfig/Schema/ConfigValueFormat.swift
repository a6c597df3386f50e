import PVECore
/// The value formats of top-level container config keys whose values are property strings or
/// other special formats — the single entry point the config reader uses for value checks
/// (Proxmox: `PVE::LXC::Config::check_type` → `PVE::JSONSchema::check_format`).
///
/// ```swift
/// if let format = ConfigValueFormat(configKey: "net0") {
///     try ConfigValueFormat.check("name=eth0,bridge=vmbr0", as: format)
/// }
/// ```
/// On failure the thrown ``PropertyStringError``'s `description` is exactly the text Proxmox puts
/// after `vm <vmid> - unable to parse value of '<key>' - ` (it ends in a newline).
///
/// Only the format is checked, as `check_type` does: a `hostname`'s `maxLength` or the
/// `lock`/`ostype` enumerations are not part of it, and neither are booleans/integers (those
/// have their own rules in the config reader). Property-string formats are checked by schema
/// only: `dev0: mode=0660` passes (only `parse_device` insists on a path).
public struct ConfigValueFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Storage: Sendable, Hashable {
        case rootfs, mountPoint, unused, network, device, features
        case startup, tags, dnsName, dnsNameList, nameserverList, timezone, configID, volumeID
    }

    private let storage: Storage

    private init(storage: Storage) {
        self.storage = storage
    }

    /// `rootfs` (`$rootfs_desc`).
    public static let rootfs = ConfigValueFormat(storage: .rootfs)
    /// `mp0`…`mp255` (`$mp_desc`, `pve-ct-mountpoint`).
    public static let mountPoint = ConfigValueFormat(storage: .mountPoint)
    /// `unused0`…`unused255` (`$unused_desc`).
    public static let unused = ConfigValueFormat(storage: .unused)
    /// `net0`…`net31` (`$netconf_desc`, `pve-lxc-network`).
    public static let network = ConfigValueFormat(storage: .network)
    /// `dev0`…`dev255` (`$dev_desc`).
    public static let device = ConfigValueFormat(storage: .device)
    /// `features` (`$features_desc`).
    public static let features = ConfigValueFormat(storage: .features)
    /// `startup` (`pve-startup-order`).
    public static let startup = ConfigValueFormat(storage: .startup)
    /// `tags` (`pve-tag-list`).
    public static let tags = ConfigValueFormat(storage: .tags)
    /// `hostname` (`dns-name`).
    public static let dnsName = ConfigValueFormat(storage: .dnsName)
    /// `searchdomain` (`dns-name-list`).
    public static let dnsNameList = ConfigValueFormat(storage: .dnsNameList)
    /// `nameserver` (`lxc-ip-with-ll-iface-list`): IP addresses, link-local with `%iface` allowed.
    public static let addressList = ConfigValueFormat(storage: .nameserverList)
    /// `timezone` (`pve-ct-timezone`). ``check(_:as:)`` accepts `host`, `UTC` and, without a zone
    /// list, nothing else; use ``check(_:as:isKnownZone:)`` to supply `zone.tab`'s names.
    public static let timezone = ConfigValueFormat(storage: .timezone)
    /// `parent` (`pve-configid`).
    public static let configID = ConfigValueFormat(storage: .configID)
    /// `hookscript` (`pve-volume-id`).
    public static let volumeID = ConfigValueFormat(storage: .volumeID)

    /// The format of a top-level config key, or nil if the key has no special format
    /// (plain strings, booleans, integers, numbers, unknown keys).
    /// `net0`…`net31`, `mp0`…`mp255`, `unused0`…`unused255`, `dev0`…`dev255` are recognised.
    public init?(configKey key: String) {
        switch key {
        case "rootfs": self = .rootfs
        case "features": self = .features
        case "startup": self = .startup
        case "tags": self = .tags
        case "hostname": self = .dnsName
        case "searchdomain": self = .dnsNameList
        case "nameserver": self = .addressList
        case "timezone": self = .timezone
        case "parent": self = .configID
        case "hookscript": self = .volumeID
        default:
            func indexed(_ prefix: String, _ limit: Int) -> Bool {
                guard key.hasPrefix(prefix) else { return false }
                let digits = key.dropFirst(prefix.count)
                guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                    digits == "0" || !digits.hasPrefix("0"), let n = Int(digits)
                else { return false }
                return n < limit
            }
            if indexed("net", 32) {
                self = .network
            } else if indexed("mp", 256) {
                self = .mountPoint
            } else if indexed("unused", 256) {
                self = .unused
            } else if indexed("dev", 256) {
                self = .device
            } else {
                return nil
            }
        }
    }

    /// The Proxmox format name, e.g. `pve-lxc-network`.
    public var description: String {
        switch storage {
        case .rootfs: "pve-ct-rootfs"
        case .mountPoint: "pve-ct-mountpoint"
        case .unused: "pve-ct-unused"
        case .network: "pve-lxc-network"
        case .device: "pve-ct-dev"
        case .features: "pve-ct-features"
        case .startup: "pve-startup-order"
        case .tags: "pve-tag-list"
        case .dnsName: "dns-name"
        case .dnsNameList: "dns-name-list"
        case .nameserverList: "lxc-ip-with-ll-iface-list"
        case .timezone: "pve-ct-timezone"
        case .configID: "pve-configid"
        case .volumeID: "pve-volume-id"
        }
    }

    /// Checks `value` as Proxmox's `check_format` does for this format.
    ///
    /// - Throws: ``PropertyStringError`` carrying Proxmox's exact message(s).
    public static func check(_ value: String, as format: ConfigValueFormat) throws(PropertyStringError) {
        try check(value, as: format, isKnownZone: { _ in false })
    }

    /// ``check(_:as:)`` with the set of time-zone names for `timezone` (Proxmox reads column 3 of
    /// `/usr/share/zoneinfo/zone.tab`).
    public static func check(
        _ value: String, as format: ConfigValueFormat, isKnownZone: (String) -> Bool
    ) throws(PropertyStringError) {
        try Bytes.withBytes(value) { (s) throws(PropertyStringError) in
            try format.check(bytes: s, isKnownZone: isKnownZone)
        }
    }

    /// ``check(_:as:isKnownZone:)`` on the UTF-8 bytes of a value, without building a `String`
    /// (the config reader's path; the caller makes sure the bytes are valid UTF-8).
    package static func check(
        utf8 s: UnsafeBufferPointer<UInt8>, as format: ConfigValueFormat, isKnownZone: (String) -> Bool
    ) throws(PropertyStringError) {
        try format.check(bytes: s, isKnownZone: isKnownZone)
    }

    private func check(
        bytes s: UnsafeBufferPointer<UInt8>, isKnownZone: (String) -> Bool
    ) throws(PropertyStringError) {
        func plain(_ message: String?) throws(PropertyStringError) {
            if let message { throw PropertyStringError(message: message, offset: 0) }
        }
        func list(_ item: (UnsafeBufferPointer<UInt8>) -> String?) throws(PropertyStringError) {
            var items = ValueList.Items(s)
            while let r = items.next() {
                if let message = item(UnsafeBufferPointer(rebasing: s[r])) {
                    throw PropertyStringError(message: message, offset: r.lowerBound)
                }
            }
        }
        switch storage {
        case .rootfs: try LXCSchemas.rootfs.check(s)
        case .mountPoint: try LXCSchemas.mountPoint.check(s)
        case .unused: try LXCSchemas.unused.check(s)
        case .network: try LXCSchemas.network.check(s)
        case .device: try LXCSchemas.device.check(s)
        case .features: try LXCSchemas.features.check(s)
        case .startup: try plain(FormatCheck.startupOrder(s))
        case .tags: try list(FormatCheck.tag)
        case .dnsName: try plain(FormatCheck.dnsName(s))
        case .dnsNameList: try list(FormatCheck.dnsName)
        case .nameserverList: try list(FormatCheck.ipWithLinkLocalInterface)
        case .timezone: try plain(FormatCheck.timezone(s, isKnownZone: isKnownZone))
        case .configID: try plain(FormatCheck.configID(s))
        case .volumeID: try plain(FormatCheck.volumeID(s))
        }
    }
}
