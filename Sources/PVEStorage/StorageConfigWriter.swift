extension StorageConfig {
    /// The text Proxmox writes for this config (Proxmox: `PVE::SectionConfig::write_config` with
    /// the storage plugins' `encode_value`): per storage a `type: id` line, `disable` first when set,
    /// then the required options and the other options in key order, each as a tab-indented
    /// `key value` line, and a blank line.
    ///
    /// Keys a type does not know are not written (as in Proxmox). Lists Proxmox prints in its
    /// random hash order (`content`, `nodes`) are printed sorted.
    ///
    /// A `content-dirs` directory holding a list separator (`,`, `;`, white space; read only from a
    /// line with a NUL, where Proxmox splits lists at NULs alone) is refused: Proxmox writes it
    /// comma-joined, which reads back as other entries, so writing would not be a fixed point.
    /// A `path` Proxmox's own reader refuses is refused too: a directory storage's `/..` or `/.`
    /// is read as `/` (its canonical form), which Proxmox writes but then refuses to read.
    /// - Throws: `unknown section type 'x'`, `section 'id' - missing value for required option 'k'`,
    ///   `property 'k' contains a line feed`, `section 'id' - content-dirs: a directory contains a
    ///   list separator`, `section 'id' - path '/' would not read back`.
    public static func write(_ config: StorageConfig) throws(StorageError) -> [UInt8] {
        var out = ""
        for storage in config.storages {
            guard let info = StorageSchema.types[storage.type] else {
                throw StorageError("unknown section type '\(storage.type)'")
            }
            out += "\(storage.type): \(storage.id)\n"
            if isPerlTrue(storage.options["disable"]) { out += "\tdisable\n" }
            for key in info.required.sorted() {
                guard let value = storage.options[key] else {
                    throw StorageError("section '\(storage.id)' - missing value for required option '\(key)'")
                }
                if key == "path" && !StorageValueCheck.isAbsolutePath(value) {
                    throw StorageError("section '\(storage.id)' - path '\(value)' would not read back")
                }
                out += try line(key, value)
            }
            for key in info.optional.sorted() where key != "disable" {
                guard let value = storage.options[key] else { continue }
                // The reader joins such directories with NUL (see `StorageConfigReader.decode`).
                if key == "content-dirs" && value.utf8.contains(0) {
                    throw StorageError("section '\(storage.id)' - content-dirs: a directory contains a list separator")
                }
                out += try line(key, value)
            }
            out += "\n"
        }
        return Array(out.utf8)
    }

    private static func line(_ key: String, _ value: String) throws(StorageError) -> String {
        if value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            throw StorageError("property '\(key)' contains a line feed")
        }
        if case .boolean = StorageSchema.properties[key] {
            return "\t\(key) \(isPerlTrue(value) ? 1 : 0)\n"
        }
        return value.isEmpty ? "" : "\t\(key) \(value)\n"
    }

    /// Perl's truth of a string: everything but undef, `""` and `"0"`.
    static func isPerlTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return !value.isEmpty && value != "0"
    }
}
