// The effects of this module: reading the running host. Everything else is pure.
import Glibc
import PVERuntime

/// ``HostLookup`` on the running host: `stat`, `lstat` and whole-file reads of host paths.
public struct LiveHostLookup: HostLookup {
    /// Creates the lookup.
    public init() {}

    /// `stat(path)`.
    public func status(of path: String) -> Result<HostFileStatus, HostLookupFailure> {
        var st = stat()
        guard stat(path, &st) == 0 else { return .failure(Self.failure(errno)) }
        return .success(HostFileStatus(mode: UInt32(st.st_mode), rdev: UInt64(st.st_rdev)))
    }

    /// Whether `lstat(path)` says symbolic link.
    public func isSymbolicLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// The whole file.
    public func contents(of path: String) -> Result<[UInt8], HostLookupFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Self.failure(errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Self.failure(errno))
            }
            if n == 0 { return .success(out) }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    static func failure(_ code: Int32) -> HostLookupFailure {
        HostLookupFailure(code: code, text: strerror(code).map { String(cString: $0) } ?? "Unknown error \(code)")
    }

    /// The first line of a file without its newline, nil when it cannot be read.
    func firstLine(_ path: String) -> String? {
        guard case .success(let bytes) = contents(of: path) else { return nil }
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") }
        return String(decoding: line, as: UTF8.self)
    }
}

extension HostFacts {
    /// The running host's facts, read where Proxmox reads them: `lxc-start --version`,
    /// `/proc/self/cgroup`, the unified hierarchy's `cgroup.controllers`, the `lxc` cgroup's
    /// effective cpuset, `/sys/class/net/*/mtu`, and `uname`.
    public static func current() -> HostFacts {
        let host = LiveHostLookup()
        var facts = HostFacts(lxcConfigDir: "/usr/share/lxc/config")
        facts.lxcVersion = lxcStartVersion()
        facts.cgroupV1Controllers = v1Controllers(host)
        facts.cgroupV2Controllers = v2Controllers(host)
        facts.cpus = cpus(host, facts: facts)
        facts.bridgeMTU = interfaceMTUs(host)
        var names = utsname()
        uname(&names)
        facts.kernelRelease = withUnsafeBytes(of: &names.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return facts
    }

    private static func lxcStartVersion() -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"] {
            let path = dir + "/lxc-start"
            guard access(path, X_OK) == 0 else { continue }
            guard let result = try? SpawnRunner().run(Command(path, ["--version"])) else { return nil }
            return LXCVersion.parse(result.outputText)?.text
        }
        return nil
    }

    /// Controller names of the v1 hierarchies in `/proc/self/cgroup` (`N:names:path` lines).
    private static func v1Controllers(_ host: LiveHostLookup) -> [String] {
        guard case .success(let bytes) = host.contents(of: "/proc/self/cgroup") else { return [] }
        var names: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, fields[0].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
            for name in fields[1].split(separator: UInt8(ascii: ",")) {
                let s = String(decoding: name, as: UTF8.self)
                if !names.contains(s) { names.append(s) }
            }
        }
        return names
    }

    private static func v2Controllers(_ host: LiveHostLookup) -> [String]? {
        for path in ["/sys/fs/cgroup/cgroup.controllers", "/sys/fs/cgroup/unified/cgroup.controllers"] {
            guard case .success(let bytes) = host.contents(of: path), !bytes.isEmpty, bytes != [0x30] else { continue }
            return bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        return nil
    }

    /// The effective CPUs of the `lxc` cgroup (`PVE::CpuSet->new_from_path(…/lxc, 1)`).
    private static func cpus(_ host: LiveHostLookup, facts: HostFacts) -> String {
        let base: String
        switch facts.cpusetVersion {
        case 2?: base = facts.cgroupMode == 2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified"
        case 1?: base = "/sys/fs/cgroup/cpuset"
        default: return ""
        }
        let legacy = base + "/lxc/cpuset.effective_cpus"
        if case .success = host.status(of: legacy) { return host.firstLine(legacy) ?? "" }
        return host.firstLine(base + "/lxc/cpuset.cpus.effective") ?? ""
    }

    /// `/sys/class/net/<name>/mtu` of every interface.
    private static func interfaceMTUs(_ host: LiveHostLookup) -> [String: Int] {
        var result: [String: Int] = [:]
        guard let dir = opendir("/sys/class/net") else { return result }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            if let line = host.firstLine("/sys/class/net/\(name)/mtu"), let mtu = Int(line) { result[name] = mtu }
        }
        return result
    }
}
