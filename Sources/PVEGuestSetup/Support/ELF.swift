/// Reads the `DT_NEEDED` entries of an ELF file's dynamic section, in Swift (Proxmox runs
/// `objdump -p` on the guest's init binary for this).
enum ELFDynamic {
    /// Whether `b` starts like an ELF file objdump can read (magic, class, data encoding).
    static func isELF(_ b: [UInt8]) -> Bool {
        b.count >= 52 && b[0] == 0x7F && b[1] == 0x45 && b[2] == 0x4C && b[3] == 0x46 && (b[4] == 1 || b[4] == 2)
            && (b[5] == 1 || b[5] == 2)
    }

    /// Library names the binary needs, in dynamic-section order; empty for anything unparsable.
    static func neededLibraries(_ b: [UInt8]) -> [String] {
        guard b.count >= 52, b[0] == 0x7F, b[1] == 0x45, b[2] == 0x4C, b[3] == 0x46 else { return [] }
        let is64 = b[4] == 2
        let little = b[5] == 1
        func u(_ off: Int, _ size: Int) -> UInt64? {
            guard off >= 0, size > 0, off + size <= b.count else { return nil }
            var v: UInt64 = 0
            for i in 0..<size {
                let byte = UInt64(b[little ? off + size - 1 - i : off + i])
                v = (v << 8) | byte
            }
            return v
        }
        let word = is64 ? 8 : 4
        guard let phoff = u(is64 ? 0x20 : 0x1C, word), let phentsize = u(is64 ? 0x36 : 0x2A, 2),
            let phnum = u(is64 ? 0x38 : 0x2C, 2), phentsize > 0, phnum < 4096,
            let phStart = Int(exactly: phoff), phStart < b.count
        else { return [] }
        struct Segment { var type: UInt64; var offset: UInt64; var vaddr: UInt64; var filesz: UInt64 }
        var segments: [Segment] = []
        for i in 0..<Int(phnum) {
            let base = phStart + i * Int(phentsize)
            guard let type = u(base, 4) else { return [] }
            let offset: UInt64?
            let vaddr: UInt64?
            let filesz: UInt64?
            if is64 {
                offset = u(base + 8, 8)
                vaddr = u(base + 16, 8)
                filesz = u(base + 32, 8)
            } else {
                offset = u(base + 4, 4)
                vaddr = u(base + 8, 4)
                filesz = u(base + 16, 4)
            }
            guard let offset, let vaddr, let filesz else { return [] }
            segments.append(Segment(type: type, offset: offset, vaddr: vaddr, filesz: filesz))
        }
        guard let dynamic = segments.first(where: { $0.type == 2 }) else { return [] }
        func fileOffset(_ addr: UInt64) -> Int? {
            for s in segments where s.type == 1 && addr >= s.vaddr && addr < s.vaddr &+ s.filesz {
                return Int(exactly: s.offset &+ (addr - s.vaddr))
            }
            return nil
        }
        var needed: [UInt64] = []
        var strtab: UInt64?
        guard dynamic.offset < UInt64(b.count) else { return [] }
        var off = Int(dynamic.offset)
        let end = min(b.count, off + Int(min(dynamic.filesz, UInt64(b.count))))
        while off + 2 * word <= end {
            guard let tag = u(off, word), let val = u(off + word, word) else { break }
            if tag == 0 { break }
            if tag == 1 { needed.append(val) }
            if tag == 5 { strtab = val }
            off += 2 * word
        }
        guard let strtab, let strOff = fileOffset(strtab) else { return [] }
        return needed.compactMap { n -> String? in
            guard n < UInt64(b.count), let start = Int(exactly: UInt64(strOff) + n), start < b.count else { return nil }
            guard let stop = b[start...].firstIndex(of: 0) else { return nil }
            return String(decoding: b[start..<stop], as: UTF8.self)
        }
    }
}
