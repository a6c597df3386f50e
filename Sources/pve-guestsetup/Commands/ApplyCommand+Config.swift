import PVEConfig
import PVEGuestSetup

/// The engine's input model built from the real config reader's result.
///
/// Proxmox: the `$conf` hash from `PVE::LXC::Config::parse_pct_config` (main section), with
/// `parse_lxc_network` run on each `netN` (its error is kept and raised by the setup steps).
extension GuestSetupConfig {
    init(_ config: ContainerConfig) {
        let s = config.main
        self.init()
        hostname = s["hostname"]
        nameserver = s["nameserver"]
        searchdomain = s["searchdomain"]
        tty = s["tty"].flatMap { Int($0) }
        unprivileged = Self.truthy(s["unprivileged"])
        timezone = s["timezone"]
        ostype = s["ostype"]
        features = s["features"]
        testmode = Self.truthy(s["testmode"])
        lxc = s.lxc.map { (key: $0.key, value: $0.value) }
        for key in s.keys where key.hasPrefix("net") {
            guard let n = Int(key.dropFirst(3)), String(n) == key.dropFirst(3), let value = s[key] else { continue }
            var settings = NetworkSettings(parsing: value)
            do {
                _ = try NetworkInterface(parsing: value, macGenerator: { "00:00:00:00:00:00" })
            } catch {
                var text = error.description
                while text.hasSuffix("\n") { text.removeLast() }
                settings.formatError = text
            }
            networks[n] = settings
        }
    }

    /// Proxmox booleans (`1`, `on`, `yes`, `true` after `check_type`).
    static func truthy(_ value: String?) -> Bool {
        guard let v = value?.lowercased() else { return false }
        return v == "1" || v == "on" || v == "yes" || v == "true"
    }
}
