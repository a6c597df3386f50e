/// Proxmox's `pve-vmid` format (`PVE::JSONSchema::pve_verify_vmid`): 100 to 999999999, written
/// without leading zeros (`^[1-9][0-9]{2,8}$`). Checked before anything else looks at the value,
/// so a huge argument costs nothing.
enum VMID {
    /// Whether `id` is a valid VMID.
    static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (3...9).contains(bytes.count), let first = bytes.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9")
        else { return false }
        return bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// `id` if valid, else a usage error with Proxmox's text naming the argument (`'<ctid>'`,
    /// `'--vmid <vmid>'`); long values are shortened in the message.
    static func check(_ id: String, argument: String) throws(UsageError) -> String {
        guard isValid(id) else {
            let shown = id.utf8.count > 40 ? String(decoding: id.utf8.prefix(40), as: UTF8.self) + "..." : id
            throw UsageError("The value '\(shown)' is invalid for '\(argument)': value does not look like a valid VM ID")
        }
        return id
    }
}
