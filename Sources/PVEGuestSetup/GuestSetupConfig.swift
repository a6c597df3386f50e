/// The values of a container config that guest setup reads.
///
/// Proxmox: the `$conf` hash handed to `PVE::LXC::Setup->new` (parsed by
/// `PVE::LXC::Config::parse_pct_config`). Build it from the config reader, or with
/// `GuestSetupConfig(parsing:)` from `<vmid>.conf` text.
public struct GuestSetupConfig: Sendable, Equatable {
    public var hostname: String?
    public var nameserver: String?
    public var searchdomain: String?
    /// `netN` keys by index, as raw property strings.
    public var networks: [Int: NetworkSettings]
    /// `tty` (Proxmox default 2).
    public var tty: Int?
    public var unprivileged: Bool
    public var timezone: String?
    public var ostype: String?
    /// The raw `features` property string.
    public var features: String?
    /// Raw `lxc.*` entries in file order.
    public var lxc: [(key: String, value: String)]
    /// Proxmox's `testmode` (set only by its test runner): fixed DNS defaults.
    public var testmode: Bool

    public init(
        hostname: String? = nil, nameserver: String? = nil, searchdomain: String? = nil,
        networks: [Int: NetworkSettings] = [:], tty: Int? = nil, unprivileged: Bool = false,
        timezone: String? = nil, ostype: String? = nil, features: String? = nil,
        lxc: [(key: String, value: String)] = [], testmode: Bool = false
    ) {
        self.hostname = hostname
        self.nameserver = nameserver
        self.searchdomain = searchdomain
        self.networks = networks
        self.tty = tty
        self.unprivileged = unprivileged
        self.timezone = timezone
        self.ostype = ostype
        self.features = features
        self.lxc = lxc
        self.testmode = testmode
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.hostname == b.hostname && a.nameserver == b.nameserver && a.searchdomain == b.searchdomain
            && a.networks == b.networks && a.tty == b.tty && a.unprivileged == b.unprivileged
            && a.timezone == b.timezone && a.ostype == b.ostype && a.features == b.features
            && a.lxc.map { $0.key } == b.lxc.map { $0.key } && a.lxc.map { $0.value } == b.lxc.map { $0.value }
            && a.testmode == b.testmode
    }


    /// The tty count (`PVE::LXC::Config::get_tty_count`): `tty` or 2.
    public var ttyCount: Int { tty ?? 2 }

    /// Whether `features` enables `nesting`.
    public var nestingEnabled: Bool {
        guard let features else { return false }
        for part in features.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == "nesting" { return kv[1] == "1" || kv[1] == "on" || kv[1] == "yes" || kv[1] == "true" }
        }
        return false
    }

    /// Networks sorted by index (Proxmox iterates in hash order; sorted order is the deterministic choice).
    public var sortedNetworks: [(index: Int, settings: NetworkSettings)] {
        networks.keys.sorted().compactMap { k in networks[k].map { (k, $0) } }
    }
}

/// One `netN` entry, as `PVE::LXC::Config::parse_lxc_network` returns it.
public struct NetworkSettings: Sendable, Hashable {
    /// All `key=value` fields.
    public var fields: [String: String]
    /// Proxmox's `parse_lxc_network` error for an invalid value (e.g. `format error\nip: ...`);
    /// setup steps that parse the interface fail with it.
    public var formatError: String?

    public init(fields: [String: String], formatError: String? = nil) {
        self.fields = fields
        self.formatError = formatError
    }

    public var name: String? { fields["name"] }
    public var ip: String? { fields["ip"] }
    public var gw: String? { fields["gw"] }
    public var ip6: String? { fields["ip6"] }
    public var gw6: String? { fields["gw6"] }
}

/// A minimal reader for `<vmid>.conf` text: the main section only (up to the first `[...]` line),
/// `key: value` lines and raw `lxc.*` entries. Stand-in until the full config reader is wired in.
///
/// Proxmox: `PVE::LXC::Config::parse_pct_config` (subset, without schema validation).
extension GuestSetupConfig {
    public init(parsing text: String) throws(SetupError) {
        self.init()
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("[") { break }
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if line.hasPrefix("lxc.") {
                let sep = line.firstIndex(where: { $0 == ":" || $0 == "=" || $0 == " " || $0 == "\t" })
                guard let sep else { continue }
                let key = line[..<sep].trimmingBlanks()
                var rest = line[sep...].drop { $0 == " " || $0 == "\t" }
                if rest.first == ":" || rest.first == "=" { rest = rest.dropFirst() }
                lxc.append((String(key), String(rest.trimmingBlanks())))
                continue
            }
            // `^([a-z][a-z_]*\d*):\s*(.+?)\s*$`; other lines are skipped (Proxmox warns).
            guard let colon = line.firstIndex(of: ":"), line[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                !line[..<colon].isEmpty
            else { continue }
            let rest = line[line.index(after: colon)...]
            guard !rest.isEmpty else { continue }
            var value = rest.trimmingBlanks()
            if value.isEmpty { value = rest.suffix(1) }
            set(String(line[..<colon]), String(value))
        }
    }

    mutating func set(_ key: String, _ value: String) {
        switch key {
        case "hostname": hostname = value
        case "nameserver": nameserver = value
        case "searchdomain": searchdomain = value
        case "tty": tty = Int(value)
        case "unprivileged": unprivileged = value == "1"
        case "timezone": timezone = value
        case "ostype": ostype = value
        case "features": features = value
        case "testmode": testmode = value == "1"
        default:
            if key.hasPrefix("net"), let n = Int(key.dropFirst(3)) {
                networks[n] = NetworkSettings(parsing: value)
            }
        }
    }
}

extension NetworkSettings {
    /// Splits a `netN` property string into its fields (`name=eth0,ip=dhcp`).
    public init(parsing string: String) {
        var fields: [String: String] = [:]
        for part in string.split(separator: ",") {
            if let eq = part.firstIndex(of: "=") {
                fields[String(part[..<eq])] = String(part[part.index(after: eq)...])
            }
        }
        self.init(fields: fields)
    }
}

extension Substring {
    func trimmingBlanks() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
