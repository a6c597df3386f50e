import PVECore
/// What guest setup reads from the host: its resolv.conf values and its time zone.
///
/// Proxmox: `PVE::LXC::Setup->new` stores `host_resolv_conf` (`PVE::INotify::read_etc_resolv_conf`),
/// `host_timezone` (`PVE::Systemd::get_timezone`) and `host_localtime` (`abs_path('/etc/localtime')`).
public struct HostEnvironment: Sendable, Hashable {
    /// `search`/`domain` value of the host's resolv.conf (first word; the last such line wins).
    public var search: String?
    /// Up to three host nameservers (`dns1`..`dns3`).
    public var nameservers: [String]
    /// The host's zone name, e.g. `Europe/Vienna` (used for `timezone: host`).
    public var timezone: String?
    /// The host's resolved `/etc/localtime` target, e.g. `/usr/share/zoneinfo/Europe/Vienna`.
    public var localtime: String?

    /// Host facts; every value is optional.
    public init(search: String? = nil, nameservers: [String] = [], timezone: String? = nil, localtime: String? = nil) {
        self.search = search
        self.nameservers = nameservers
        self.timezone = timezone
        self.localtime = localtime
    }

    /// Parses a host resolv.conf as `PVE::INotify::read_etc_resolv_conf` does.
    public static func parseResolvConf(_ bytes: [UInt8]) -> (search: String?, nameservers: [String]) {
        var search: String?
        var servers: [String] = []
        for line in bytes.split(separator: Bytes.newline, omittingEmptySubsequences: false) {
            let words = Bytes.words(line)
            if let first = words.first, !Bytes.isSpace(line.first ?? 0),
                first.elementsEqual("search".utf8) || first.elementsEqual("domain".utf8)
            {
                // `^(search|domain)\s+(\S+)`: needs whitespace right after the keyword.
                let kwLen = first.count
                if line.count > kwLen, Bytes.isSpace(line[line.startIndex + kwLen]), words.count > 1 {
                    search = Bytes.string(words[1])
                }
                continue
            }
            if let first = words.first, first.elementsEqual("nameserver".utf8), words.count > 1 {
                let kwEnd = (first.startIndex + first.count)
                guard kwEnd < line.endIndex, Bytes.isSpace(line[kwEnd]) else { continue }
                // `^\s*nameserver\s+($IPRE)\s*`: an IP prefix of the word, followed by blank or end.
                let word = Bytes.string(words[1])
                if let ip = Self.leadingIP(word) {
                    if servers.count < 3 { servers.append(ip) }
                }
            }
        }
        return (search, servers)
    }

    /// The longest prefix of `word` that is an IP address (the regex is not anchored at the end).
    private static func leadingIP(_ word: String) -> String? {
        var candidate = Substring(word)
        while !candidate.isEmpty {
            if IPAddress(candidate) != nil { return String(candidate) }
            candidate = candidate.dropLast()
        }
        return nil
    }
}
