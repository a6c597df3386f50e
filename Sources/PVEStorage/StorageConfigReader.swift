import PVEConfig
import PVECore

extension StorageConfig {
    /// Reads `storage.cfg` as Proxmox does (Proxmox: `PVE::SectionConfig::parse_config` with the
    /// storage plugins' checks, then `PVE::Storage::Plugin::parse_config`'s fix-ups).
    ///
    /// Never fails: like Proxmox, a bad line, value or section is reported and left out. Empty
    /// input (a missing file) gives the built-in `local` storage only.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - file: the name used in diagnostics.
    /// - Returns: the storages and every problem found, in file order.
    public static func parse(_ bytes: [UInt8], file: String) -> (config: StorageConfig, diagnostics: [StorageDiagnostic]) {
        var reader = StorageConfigReader(bytes: bytes, file: file)
        return reader.read()
    }
}

/// The line-by-line state of one `storage.cfg` read.
struct StorageConfigReader {
    let file: String
    private let lines: [ArraySlice<UInt8>]
    private var index = 0
    private var lineNumber = 0
    private var diagnostics: [StorageDiagnostic] = []
    /// Section IDs in order of their last appearance; nil for a section whose final check failed
    /// (Proxmox keeps the ID's position but no usable entry).
    private var order: [String] = []
    private var entries: [String: StorageDefinition?] = [:]

    init(bytes: [UInt8], file: String) {
        self.file = file
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        while let last = lines.last, last.isEmpty { lines.removeLast() }  // Perl's split drops trailing empty fields
        self.lines = lines
    }

    /// The next line that is not a comment (`^\s*#`), counting every line.
    private mutating func nextLine() -> ArraySlice<UInt8>? {
        while index < lines.count {
            let line = lines[index]
            index += 1
            lineNumber += 1
            if line.first(where: { !ASCII.isSpace($0) }) == UInt8(ascii: "#") { continue }
            return line
        }
        return nil
    }

    /// Perl's truth of a line: empty and `0` end a section.
    private static func isFalse(_ line: ArraySlice<UInt8>) -> Bool {
        line.isEmpty || (line.count == 1 && line.first == UInt8(ascii: "0"))
    }

    private mutating func report(
        _ kind: StorageDiagnostic.Kind, line: Int, column: Int, section: String?, _ message: String, perl: String
    ) {
        diagnostics.append(
            StorageDiagnostic(
                kind: kind, file: file, line: line, column: column, section: section, message: message,
                proxmoxWarning: perl))
    }

    private func prefix(_ line: Int) -> String { "file \(file) line \(line)" }

    mutating func read() -> (config: StorageConfig, diagnostics: [StorageDiagnostic]) {
        while index < lines.count {
            guard let line = nextLine() else { break }
            if Self.isFalse(line) { continue }
            if let header = Self.header(line) {
                readSection(header, headerLine: lineNumber)
            } else {
                let text = String(decoding: line, as: UTF8.self)
                report(
                    .error, line: lineNumber, column: 1, section: nil, "ignore config line: \(text)",
                    perl: "\(prefix(lineNumber)) - ignore config line: \(text)")
            }
        }
        return (finish(), diagnostics)
    }

    private struct Header {
        var type: String
        var id: String
        var idColumn: Int
    }

    /// `^(\S+):\s*(\S+)\s*$` with Perl's backtracking: the last colon of the first word after
    /// which a single word follows; the type is lower-cased.
    private static func header(_ line: ArraySlice<UInt8>) -> Header? {
        let bytes = Array(line)
        guard let first = bytes.first, !ASCII.isSpace(first) else { return nil }
        let wordEnd = bytes.firstIndex(where: ASCII.isSpace) ?? bytes.count
        var colon = wordEnd - 1
        while colon >= 1 {
            defer { colon -= 1 }
            guard bytes[colon] == UInt8(ascii: ":") else { continue }
            var i = colon + 1
            while i < bytes.count, ASCII.isSpace(bytes[i]) { i += 1 }
            let idStart = i
            while i < bytes.count, !ASCII.isSpace(bytes[i]) { i += 1 }
            let idEnd = i
            while i < bytes.count, ASCII.isSpace(bytes[i]) { i += 1 }
            guard idEnd > idStart, i == bytes.count else { continue }
            let type = String(decoding: bytes[..<colon].map(ASCII.lowercased), as: UTF8.self)
            return Header(
                type: type, id: String(decoding: bytes[idStart..<idEnd], as: UTF8.self), idColumn: idStart + 1)
        }
        return nil
    }

    private struct Property {
        var key: String
        var value: String?
        var keyColumn: Int
        var valueColumn: Int
    }

    /// `^\s+(\S+)(\s+(.*\S))?\s*$`.
    private static func property(_ line: ArraySlice<UInt8>) -> Property? {
        let bytes = Array(line)
        var i = 0
        while i < bytes.count, ASCII.isSpace(bytes[i]) { i += 1 }
        guard i > 0, i < bytes.count else { return nil }
        let keyStart = i
        while i < bytes.count, !ASCII.isSpace(bytes[i]) { i += 1 }
        let key = String(decoding: bytes[keyStart..<i], as: UTF8.self)
        while i < bytes.count, ASCII.isSpace(bytes[i]) { i += 1 }
        guard i < bytes.count else { return Property(key: key, value: nil, keyColumn: keyStart + 1, valueColumn: i + 1) }
        var end = bytes.count
        while end > i, ASCII.isSpace(bytes[end - 1]) { end -= 1 }
        return Property(
            key: key, value: String(decoding: bytes[i..<end], as: UTF8.self), keyColumn: keyStart + 1,
            valueColumn: i + 1)
    }

    private mutating func readSection(_ header: Header, headerLine: Int) {
        var errorLine = headerLine
        let id = header.id
        var info: StorageSchema.TypeInfo? = nil
        if let problem = StorageValueCheck.storageIDProblem(id) {
            report(
                .error, line: headerLine, column: header.idColumn, section: id, "skip section '\(id)': \(problem)",
                perl: "\(prefix(headerLine)) (skip section '\(id)'): \(problem)")
        } else if let known = StorageSchema.types[header.type] {
            info = known
        } else {
            report(
                .error, line: headerLine, column: 1, section: id,
                "skip section '\(id)': unsupported type '\(header.type)'",
                perl: "\(prefix(headerLine)) (skip section '\(id)'): unsupported type '\(header.type)'")
        }
        var values: [String: String] = [:]
        var positions: [String: (line: Int, column: Int)] = [:]
        while let line = nextLine(), !Self.isFalse(line) {
            guard let info else { continue }
            errorLine = lineNumber
            guard let property = Self.property(line) else {
                let text = String(decoding: line, as: UTF8.self)
                report(
                    .error, line: lineNumber, column: 1, section: id, "ignore config line: \(text)",
                    perl: "\(prefix(lineNumber)) (section '\(id)') - ignore config line: \(text)")
                continue
            }
            let key = property.key
            do throws(StorageValueCheck.Failure) {
                guard let valueType = StorageSchema.properties[key] else {
                    throw .init("unknown property type", atKey: true)
                }
                if values[key] != nil { throw .init("duplicate attribute", atKey: true) }
                values[key] = try StorageValueCheck.check(info, key: key, value: property.value, type: valueType)
                positions[key] = (lineNumber, property.value == nil ? property.keyColumn : property.valueColumn)
            } catch {
                report(
                    .error, line: lineNumber, column: error.atKey ? property.keyColumn : property.valueColumn,
                    section: id, "section '\(id)': unable to parse value of '\(key)': \(error.message)",
                    perl:
                        "\(prefix(lineNumber)) (section '\(id)') - unable to parse value of '\(key)': \(error.message)")
            }
        }
        guard let info else { return }
        order.removeAll { $0 == id }
        order.append(id)
        do throws(StorageError) {
            let decoded = try decode(info, id: id, values, positions: positions)
            entries[id] = StorageDefinition(type: info.name, id: id, options: decoded, line: headerLine)
        } catch {
            report(
                .error, line: errorLine, column: 1, section: id, "skip section '\(id)': \(error.message)",
                perl: "\(prefix(errorLine)) (skip section '\(id)'): \(error.message)")
            entries[id] = .some(nil)
        }
    }

    /// Proxmox: `check_config` with the storage plugin's `decode_value`, then the required keys
    /// and the per-type path rules of the `dir`, `btrfs`, `nfs`, `cifs` and `cephfs` plugins.
    private mutating func decode(
        _ info: StorageSchema.TypeInfo, id: String, _ values: [String: String],
        positions: [String: (line: Int, column: Int)]
    ) throws(StorageError) -> [String: String] {
        var result = values
        func warn(_ key: String, _ message: String) {
            let at = positions[key] ?? (0, 1)
            report(.warning, line: at.line, column: at.column, section: nil, message, perl: message)
        }
        if let content = values["content"] {
            var kept: Set<String> = []
            for item in ValueList.split(content) {
                if info.validContent.contains(item) {
                    kept.insert(item)
                } else {
                    warn("content", "storage does not support content type '\(item)'")
                }
            }
            if kept.contains("none") && kept.count > 1 {
                throw StorageError("unable to combine 'none' with other content types")
            }
            if kept.isEmpty && !info.validContent.contains("none") {
                throw StorageError("storage does not support content type 'none'")
            }
            result["content"] = kept.isEmpty ? "none" : kept.sorted().joined(separator: ",")
        }
        if let format = values["format"], !info.formats.contains(format) {
            warn("format", "storage does not support format '\(format)'")
            result["format"] = nil
        }
        if let nodes = values["nodes"] {
            result["nodes"] = Set(ValueList.split(nodes)).sorted().joined(separator: ",")
        }
        if let dirs = values["content-dirs"] {
            var map: [String: String] = [:]
            for entry in ValueList.split(dirs) {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let content = String(parts[0])
                guard info.validContent.contains(content) else {
                    warn("content-dirs", "storage does not support content type '\(content)'")
                    continue
                }
                map[content] = parts.count > 1 ? String(parts[1]) : ""
            }
            // A directory read from a NUL-split line may hold `,`, `;` or blanks: then the entries
            // are NUL-terminated, so they split back as they were read (and the writer refuses them).
            let entries = map.keys.sorted().map { "\($0)=\(map[$0] ?? "")" }
            let separated = map.values.contains {
                $0.utf8.contains { ASCII.isSpace($0) || $0 == ASCII.comma || $0 == ASCII.semicolon }
            }
            result["content-dirs"] = separated ? entries.joined(separator: "\0") + "\0" : entries.joined(separator: ",")
        }
        // NFS, CIFS and CephFS mount below /mnt/pve/<id> unless told otherwise.
        if ["nfs", "cifs", "cephfs"].contains(info.name), result["path"] == nil {
            result["path"] = "/mnt/pve/" + id
        }
        for key in info.required.sorted() where result[key] == nil {
            throw StorageError("missing value for required option '\(key)'")
        }
        // Directory storages: a plain absolute path, stored in canonical form.
        if info.name == "dir" || info.name == "btrfs", let path = result["path"] {
            guard StorageValueCheck.isPlainAbsolutePath(path) else {
                throw StorageError("illegal path for directory storage: \(path)")
            }
            result["path"] = StorageValueCheck.canonicalPath(path)
        }
        return result
    }

    /// Proxmox: `PVE::Storage::Plugin::parse_config`'s fix-ups after reading.
    private func finish() -> StorageConfig {
        var order = self.order
        var entries = self.entries
        let local = entries["local"] ?? nil
        if local == nil || local?.type != "dir" || (local?.path.map { $0 != "/var/lib/vz" } ?? false) {
            entries["local"] = StorageDefinition.builtinLocal
            if !order.contains("local") { order.append("local") }
        }
        var storages: [StorageDefinition] = []
        for id in order {
            guard var storage = entries[id] ?? nil else { continue }
            if id == "local" {
                if storage.options["path"] == nil { storage.options["path"] = "/var/lib/vz" }
                storage.options["nodes"] = nil
            }
            if storage.options["content"] == nil, let info = StorageSchema.types[storage.type] {
                storage.options["content"] = info.defaultContent.sorted().joined(separator: ",")
            }
            storages.append(storage)
        }
        return StorageConfig(storages: storages)
    }
}
