import PVECore
import PVESystem

extension BaseSetup {
    /// Whether `pw` already is a crypt hash: `^\$(1|2|2a|2x|2y|5|6)\$[a-zA-Z0-9./]{1,16}\$[a-zA-Z0-9./]+$`.
    package static func isCryptHash(_ pw: String) -> Bool {
        let parts = pw.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty else { return false }
        guard ["1", "2", "2a", "2x", "2y", "5", "6"].contains(String(parts[1])) else { return false }
        func ok(_ s: Substring) -> Bool {
            s.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x2F
            }
        }
        var last = parts[3]
        if last.hasSuffix("\n") { last = last.dropLast() }  // Perl `$` also matches before a final newline
        return (1...16).contains(parts[2].count) && ok(parts[2]) && !last.isEmpty && ok(last)
    }

    /// The hash Proxmox stores: `*` without password, a given hash as is, else SHA-512 crypt with
    /// salt `substr(sha1_base64(time), 0, 8)`.
    package static func passwordHash(_ password: String?, now: Int64) -> String {
        guard let password else { return "*" }
        if isCryptHash(password) { return password }
        let salt = String(Crypt.base64NoPadding(Crypt.sha1(Array(String(now).utf8))).prefix(8))
        // Proxmox runs `encode("utf8", $pw)` on the byte string it got from the command line, so
        // every byte ≥ 0x80 is encoded once more (as if it were a Latin-1 character).
        var bytes: [UInt8] = []
        for b in password.utf8 {
            if b < 0x80 {
                bytes.append(b)
            } else {
                bytes.append(0xC0 | (b >> 6))
                bytes.append(0x80 | (b & 0x3F))
            }
        }
        return Crypt.sha512Crypt(password: bytes, salt: salt)
    }

    /// `set_user_password`: the hash in `/etc/shadow` (with the last-change day) and `x` in
    /// `/etc/passwd`, or the hash in `/etc/passwd` without shadow file.
    package static func setUserPassword(_ ctx: inout SetupContext, user: String, password: String?) throws(SetupError) {
        let passwd = "/etc/passwd"
        guard ctx.isFile(passwd) else { return }
        let shadow = "/etc/shadow"
        let hash = passwordHash(password, now: ctx.now)
        let days = ctx.now >= 0 ? ctx.now / 86400 : (ctx.now - 86399) / 86400
        if ctx.isFile(shadow) {
            try replacePassword(&ctx, shadow, user: user, fields: 3, replacement: "\(user):\(hash):\(days):")
            try replacePassword(&ctx, passwd, user: user, fields: 2, replacement: "\(user):x:")
        } else {
            try replacePassword(&ctx, passwd, user: user, fields: 2, replacement: "\(user):\(hash):")
        }
    }

    /// `$replacepw`: replaces `^user:[^:]*:` (or with one more field) on every matching line,
    /// keeping the file's mode and owner. Read errors are swallowed, as in Proxmox.
    static func replacePassword(
        _ ctx: inout SetupContext, _ path: String, user: String, fields: Int, replacement: String
    ) throws(SetupError) {
        guard let data = try ctx.readIfReadable(path) else { return }
        let prefix = Array("\(user):".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 64)
        var start = 0
        while start < data.count {
            var end = start
            while end < data.count, data[end] != Bytes.newline { end += 1 }
            let line = data[start..<end]
            var replaced = false
            if Bytes.hasPrefix(line, prefix) {
                // Skip `fields - 1` more colon-terminated fields after the user name.
                var i = line.startIndex + prefix.count
                var ok = true
                for _ in 0..<(fields - 1) {
                    while i < line.endIndex, line[i] != UInt8(ascii: ":") { i += 1 }
                    guard i < line.endIndex else {
                        ok = false
                        break
                    }
                    i += 1
                }
                if ok {
                    out += Array(replacement.utf8)
                    out += line[i...]
                    replaced = true
                }
            }
            if !replaced { out += line }
            if end < data.count { out.append(Bytes.newline) }
            start = end + 1
        }
        try ctx.replaceKeepingMetadata(path, out)
    }

    /// `set_user_authorized_ssh_keys`: the marker block of `<home>/.ssh/authorized_keys`.
    /// - throws: `home directory '<home>' of <user> does not exist!`.
    package static func setUserAuthorizedSSHKeys(_ ctx: inout SetupContext, user: String, keys: String) throws(SetupError) {
        let passwd = "/etc/passwd"
        var home = user == "root" ? "/root/" : "/home/\(user)/"
        if ctx.isFile(passwd) {
            // `^user:([^:]*:){4}([^:]*):` — the 6th field; Perl leaves `$home` undefined if no line matches.
            var found: String?
            let data = try ctx.readIfReadable(passwd) ?? []
            for line in data.split(separator: Bytes.newline) {
                let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
                guard fields.count >= 7, fields[0].elementsEqual(user.utf8) else { continue }
                found = Bytes.string(fields[5])
                break
            }
            home = found ?? ""
        }
        // Perl's `-d`/`-l` on an undefined or empty home are false (no `root` line in /etc/passwd).
        guard !home.isEmpty, ctx.isDirectory(home) || ctx.isSymlink(home) else {
            throw SetupError("home directory '\(home)' of \(user) does not exist!", path: home)
        }
        if !ctx.isDirectory("\(home)/.ssh") {
            ctx.mkdir("\(home)/.ssh", mode: 0o700)
        }
        try ctx.modifyFile("\(home)/.ssh/authorized_keys", keys.bytes, perms: 0o700)
    }

    /// `rewrite_ssh_host_keys` (post-create, host side): fresh host keys in `/etc/ssh`.
    package static func rewriteSSHHostKeys(_ family: some GuestFamily, _ ctx: inout SetupContext) throws(SetupError) {
        let types = family.sshHostKeyTypes
        guard ctx.isDirectory("/etc/ssh"), !types.isEmpty else { return }
        guard let generator = ctx.sshKeyGenerator else { return }
        let hostname = nonEmpty(ctx.config.hostname) ?? "localhost"
        let short = String(hostname.prefix { $0 != "." })
        var files: [(String, [UInt8], UInt32)] = []
        for (type, basename) in types {
            ctx.info("Creating SSH host key '\(basename)' - this may take some time ...")
            let key = try generator.generate(type: type, comment: "root@\(short)")
            ctx.info("done: \(key.fingerprint)")
            files.append(("/etc/ssh/\(basename)", key.privateKey, 0o600))
            files.append(("/etc/ssh/\(basename).pub", key.publicKey, 0o644))
        }
        for (path, data, mode) in files {
            try ctx.setContents(path, data, perms: mode)
        }
    }
}
