import PVEConfig
import PVECore
import PVESystem

extension BaseSetup {
    /// `set_timezone`: `/etc/localtime` symlink and `/etc/timezone`.
    package static func setTimezone(_ ctx: inout SetupContext) throws(SetupError) {
        guard let zone = ctx.config.timezone else { return }
        var tzPath = "/usr/share/zoneinfo/\(zone)"
        if zone == "host" {
            guard let local = ctx.host.localtime else {
                throw SetupError("invalid /etc/localtime")
            }
            tzPath = local
        }
        guard ctx.isFile(tzPath) else {
            ctx.warn("container does not have \(tzPath), timezone can not be modified")
            return
        }
        if ctx.absolutePath("/etc/localtime") != tzPath {
            let tmp = "/localtime.\(ctx.pid).new.tmpfile"
            ctx.symlink(tzPath, at: tmp)
            ctx.rename(tmp, to: "/etc/localtime")
        }
        if ctx.isFile("/etc/timezone") {
            let contents = zone == "host" ? (ctx.host.timezone ?? "") : zone
            try ctx.setContents("/etc/timezone", "\(contents)\n".bytes)
        }
    }

    /// Whether the guest uses systemd (`/lib/systemd/systemd` or `/usr/lib/systemd/systemd` executable).
    static func usesSystemd(_ ctx: SetupContext) -> Bool {
        ctx.isExecutable("/lib/systemd/systemd") || ctx.isExecutable("/usr/lib/systemd/systemd")
    }

    /// `clear_machine_id`: on create remove `/etc/machine-id`; on clone empty it (systemd guests).
    package static func clearMachineID(_ ctx: inout SetupContext, clone: Bool) throws(SetupError) {
        let systemd = usesSystemd(ctx)
        let dbus = "/var/lib/dbus/machine-id"
        let machineID = "/etc/machine-id"
        let existed = ctx.isFile(machineID)
        if ctx.isFile(dbus), !ctx.isSymlink(dbus), systemd {
            ctx.unlink(dbus)
        }
        guard existed else { return }
        if clone {
            let old = try ctx.firstLine(machineID) ?? []
            if systemd, old != Array("uninitialized".utf8) {
                try ctx.setContents(machineID, [Bytes.newline])
            }
        } else {
            ctx.unlink(machineID)
        }
    }

    /// The crontab files Proxmox randomises: `/etc/crontab` then `/etc/cron.d/<[A-Za-z0-9_-]+>`.
    static func crontabFiles(_ ctx: SetupContext) -> [String] {
        var files: [String] = []
        if ctx.isFile("/etc/crontab") { files.append("/etc/crontab") }
        if let names = try? ctx.fs.list("/etc/cron.d") {
            for name in names
            where !name.isEmpty
                && name.utf8.allSatisfy({ b in
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
                })
            {
                files.append("/etc/cron.d/\(name)")
            }
        }
        return files
    }

    /// `$randomize_crontab`: every root entry's minute becomes `int(rand() * 59)`.
    package static func randomizeCrontab(_ ctx: inout SetupContext) throws(SetupError) {
        for file in crontabFiles(ctx) {
            let data = try ctx.contents(file)
            var out: [UInt8] = []
            out.reserveCapacity(data.count)
            for line in Bytes.splitLines(data) {
                if let rest = crontabRest(line) {
                    out.append(contentsOf: String(ctx.random.nextInt(below: 59)).utf8)
                    out.append(contentsOf: rest)
                } else {
                    out.append(contentsOf: line)
                }
                out.append(Bytes.newline)
            }
            try ctx.setContents(file, out)
        }
    }

    /// `^\d+(\s+\S+\s+\S+\s+\S+\s+\S+\s+root\s+\S.*)$`: the part after the minute, or nil.
    static func crontabRest(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var i = line.startIndex
        while i < line.endIndex, Bytes.isDigit(line[i]) { i += 1 }
        guard i > line.startIndex else { return nil }
        let rest = line[i...]
        // Fields: 4 schedule fields, then `root`, then a command starting with a non-blank.
        var j = i
        func blanks() -> Bool {
            let s = j
            while j < line.endIndex, Bytes.isSpace(line[j]) { j += 1 }
            return j > s
        }
        func word() -> ArraySlice<UInt8>? {
            let s = j
            while j < line.endIndex, !Bytes.isSpace(line[j]) { j += 1 }
            return j > s ? line[s..<j] : nil
        }
        for _ in 0..<4 {
            guard blanks(), word() != nil else { return nil }
        }
        guard blanks(), let user = word(), user.elementsEqual("root".utf8), blanks(), j < line.endIndex else {
            return nil
        }
        return rest
    }

    /// `setup_securetty`: appends missing entries to an existing `/etc/securetty`.
    package static func setupSecuretty(_ ctx: inout SetupContext, devttydir: String, add: [String] = []) throws(SetupError) {
        let path = "/etc/securetty"
        guard ctx.isFile(path) else { return }
        var entries = add
        if entries.isEmpty {
            entries = ["console", "tty1", "tty2", "tty3", "tty4"].map { devttydir + $0 }
        }
        var data = try ctx.contents(path)
        if data.last == Bytes.newline { data.removeLast() }
        data.append(Bytes.newline)
        for entry in entries {
            let e = Array(entry.utf8)
            let present = data.split(separator: Bytes.newline, omittingEmptySubsequences: false).contains { line in
                Bytes.hasPrefix(line, e) && line.dropFirst(e.count).allSatisfy(Bytes.isSpace)
            }
            if !present {
                data += e
                data.append(Bytes.newline)
            }
        }
        try ctx.setContents(path, data)
    }
}
