import Glibc
public import PVERuntime
import PVESystem

/// Generates SSH host keys with the host's `ssh-keygen`, like Proxmox's `generate_ssh_key`:
/// `ssh-keygen -f <tmp> -t <type> -N '' -E sha256 -C <comment>` in a private temporary
/// directory, then reads and deletes the key pair.
///
/// Proxmox: `PVE::LXC::Setup::generate_ssh_key` (temporary files under `/run/pve`).
public struct SSHKeygen: SSHHostKeyGenerator {
    /// Runs `ssh-keygen`.
    public var runner: any CommandRunner
    /// Absolute path of `ssh-keygen`.
    public var executable: String
    /// Where the temporary directory is created.
    public var temporaryParent: String

    /// A generator running `executable` through `runner`, with temporary files under `temporaryParent`.
    public init(runner: any CommandRunner, executable: String? = nil, temporaryParent: String = "/tmp") {
        self.runner = runner
        self.executable = executable ?? Self.locate() ?? "/usr/bin/ssh-keygen"
        self.temporaryParent = temporaryParent
    }

    /// The first `ssh-keygen` on `PATH` (or in the usual places).
    static func locate() -> String? {
        var dirs = ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"]
        if let p = getenv("PATH") { dirs = String(cString: p).split(separator: ":").map(String.init) + dirs }
        for d in dirs where access(d + "/ssh-keygen", X_OK) == 0 { return d + "/ssh-keygen" }
        return nil
    }

    public func generate(type: String, comment: String) throws(SetupError) -> (fingerprint: String, privateKey: [UInt8], publicKey: [UInt8]) {
        var template = Array("\(temporaryParent)/pve-guestsetup-keys.XXXXXX".utf8CString)
        let dir: String? = template.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress, let p = mkdtemp(base) else { return nil }
            return String(cString: p)
        }
        guard let dir else { throw SetupError("unable to create a temporary directory in \(temporaryParent) for ssh-keygen") }
        let name = "key.\(type)"
        defer {
            _ = unlink("\(dir)/\(name)")
            _ = unlink("\(dir)/\(name).pub")
            _ = rmdir(dir)
        }
        let command = Command(executable, ["-f", "\(dir)/\(name)", "-t", type, "-N", "", "-E", "sha256", "-C", comment])
        let result: CommandResult
        do {
            result = try runner.run(command).checked()
        } catch {
            throw SetupError("command '\(command)' failed: \(error.message)")
        }
        // `^((?:[0-9a-f]{2}:)+[0-9a-f]{2}|SHA256:[0-9a-z+/]{43})\s+<comment>$` (case-insensitive).
        var fingerprint = ""
        for line in result.outputText.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1)
            guard words.count == 2, words[1].trimmingBlanks() == Substring(comment) else { continue }
            let id = words[0]
            if id.lowercased().hasPrefix("sha256:") && id.count == 50 || id.contains(":") && !id.lowercased().hasPrefix("sha256:") {
                fingerprint = String(line)
            }
        }
        let keys: RootFS
        do {
            keys = try RootFS(path: dir)
            return (fingerprint, try keys.read("/" + name, limit: 1 << 20), try keys.read("/" + name + ".pub", limit: 1 << 20))
        } catch {
            throw SetupError("ssh-keygen did not leave a readable key pair: \(error)")
        }
    }
}

extension Substring {
    /// The text without leading and trailing blanks (space, tab).
    fileprivate func trimmingBlanks() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
