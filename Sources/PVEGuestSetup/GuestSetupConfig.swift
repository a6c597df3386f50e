public import PVEConfig

/// The view of a `ContainerConfig` that guest setup reads: the main section's
/// hostname, DNS, time zone, OS type, `unprivileged`, `features`, `tty`, raw `lxc.*` entries, and
/// every `netN` parsed once into a `NetworkInterface` (or the error Proxmox raises
/// for it).
///
/// Proxmox: the `$conf` hash handed to `PVE::LXC::Setup->new` (from
/// `PVE::LXC::Config::parse_pct_config`, whose lenient reader keeps values that fail their
/// format), with `parse_lxc_network` run on each `netN` by the setup steps.
public struct GuestSetupConfig: Sendable, Hashable {
    /// `hostname`.
    public var hostname: String?
    /// `nameserver` (blank-separated addresses).
    public var nameserver: String?
    /// `searchdomain`.
    public var searchdomain: String?
    /// The `netN` entries in index order.
    public var networks: [GuestNetwork]
    /// `tty` (Proxmox default 2).
    public var tty: Int?
    /// `unprivileged`.
    public var unprivileged: Bool
    /// `timezone` (a zone name or `host`).
    public var timezone: String?
    /// `ostype`.
    public var ostype: String?
    /// The raw `features` property string.
    public var features: String?
    /// Raw `lxc.*` entries in file order.
    public var lxc: [LXCEntry]
    /// Proxmox's `testmode` (set only by its test runner): fixed DNS defaults.
    public var testmode: Bool

    /// The setup view of `config`'s main section.
    public init(_ config: ContainerConfig) {
        let s = config.main
        hostname = s["hostname"]
        nameserver = s["nameserver"]
        searchdomain = s["searchdomain"]
        tty = s["tty"].flatMap { Int($0) }
        unprivileged = Self.truthy(s["unprivileged"])
        timezone = s["timezone"]
        ostype = s["ostype"]
        features = s["features"]
        testmode = Self.truthy(s["testmode"])
        lxc = s.lxc
        var networks: [GuestNetwork] = []
        for key in s.keys where key.hasPrefix("net") {
            let digits = key.dropFirst(3)
            guard let n = Int(digits), String(n) == digits, let value = s[key] else { continue }
            networks.append(GuestNetwork(index: n, value: value))
        }
        self.networks = networks.sorted { $0.index < $1.index }
    }

    /// An empty config (every value absent).
    public init() {
        self.init(ContainerConfig())
    }

    /// Proxmox booleans (`1`, `on`, `yes`, `true` after `check_type`).
    static func truthy(_ value: String?) -> Bool {
        guard let v = value?.lowercased() else { return false }
        return v == "1" || v == "on" || v == "yes" || v == "true"
    }

    /// The tty count (`PVE::LXC::Config::get_tty_count`): `tty` or 2.
    public var ttyCount: Int { tty ?? 2 }

    /// Whether `features` enables `nesting`.
    public var nestingEnabled: Bool {
        guard let features else { return false }
        for part in features.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == "nesting" { return Self.truthy(String(kv[1])) }
        }
        return false
    }

    /// The parsed interfaces in index order, as a network writer walks them.
    /// - throws: the format error of the first `netN` that fails Proxmox's network format
    ///   (Proxmox walks them in hash order; index order is the deterministic choice).
    public func interfaces() throws(SetupError) -> [NetworkInterface] {
        var result: [NetworkInterface] = []
        result.reserveCapacity(networks.count)
        for network in networks { result.append(try network.interface.get()) }
        return result
    }

    /// `net0` parsed, or `nil` without `net0`.
    /// - throws: its format error.
    public func primaryInterface() throws(SetupError) -> NetworkInterface? {
        guard let first = networks.first, first.index == 0 else { return nil }
        return try first.interface.get()
    }
}

/// One `netN` entry: its index and the parsed interface, or the error `parse_lxc_network`
/// raises for it.
public struct GuestNetwork: Sendable, Hashable {
    /// `N` of `netN`.
    public var index: Int
    /// The interface, or Proxmox's `format error` text (e.g. a missing `name`).
    public var interface: Result<NetworkInterface, SetupError>

    /// Wraps an already parsed interface.
    public init(index: Int, interface: NetworkInterface) {
        self.index = index
        self.interface = .success(interface)
    }

    /// Parses `value` as `parse_lxc_network` does.
    public init(index: Int, value: String) {
        self.index = index
        do {
            interface = .success(try NetworkInterface(parsing: value, macGenerator: { "00:00:00:00:00:00" }))
        } catch {
            var text = error.description
            while text.hasSuffix("\n") { text.removeLast() }
            interface = .failure(SetupError(text))
        }
    }
}
