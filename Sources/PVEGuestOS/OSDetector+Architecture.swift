import PVECore
public import PVESystem

extension OSDetector {
    /// The guest's architecture from the ELF header of its `/bin/sh` (symlinks followed inside the
    /// guest), as Proxmox names it: `amd64`, `i386`, `arm64`, `armhf`, `riscv32`, `riscv64`.
    ///
    /// Proxmox: `PVE::LXC::Setup::Base::detect_architecture` → `PVE::LXC::Tools::detect_elf_architecture`.
    /// - Throws: `DetectionError` with Proxmox's message (`'/bin/sh' does not resolve to an ELF!`, …).
    public static func architecture(in fs: some GuestFileSystem) throws(DetectionError) -> String {
        try elfArchitecture(in: fs, path: "/bin/sh")
    }

    /// The architecture as the plugin for `type` detects it: NixOS inspects the interpreter named
    /// by the shebang of `/sbin/init`; `unmanaged` detects nothing (`nil`; Proxmox then falls back
    /// to `amd64`); every other type inspects `/bin/sh`.
    ///
    /// Proxmox: `detect_architecture` of `PVE::LXC::Setup::Base`, `::NixOS`, `::Unmanaged`.
    public static func architecture(in fs: some GuestFileSystem, for type: OSType) throws(DetectionError) -> String? {
        switch type {
        case .unmanaged: return nil
        case .nixos:
            let path = "/sbin/init"
            let head: [UInt8]
            do {
                head = try fs.readPrefix(path, count: 4096)
            } catch  where error.code == .isDirectory {
                head = []  // Perl opens a directory fine; reading it yields nothing
            } catch {
                throw DetectionError("open '\(path)' failed: \(perlErrorText(error))", file: path, underlying: error)
            }
            // ^#! ?(\S*) on the first line
            let line = head.prefix { $0 != UInt8(ascii: "\n") }
            guard line.starts(with: "#!".utf8) else { throw DetectionError("could not find a shell", file: path) }
            var rest = line.dropFirst(2)
            if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            let interpreter = String(decoding: rest.prefix { !ASCII.isSpace($0) }, as: UTF8.self)
            return try elfArchitecture(in: fs, path: interpreter)
        default:
            return try architecture(in: fs)
        }
    }

    /// Proxmox's ELF machine table (`detect_elf_architecture` `$supported_elf_machine`).
    static let elfMachines: [Int: String] = [0x03: "i386", 0x3E: "amd64", 0x28: "armhf", 0xB7: "arm64", 0xF3: "riscv"]

    /// `PVE::LXC::Tools::detect_elf_architecture` on the guest path `path`.
    static func elfArchitecture(in fs: some GuestFileSystem, path: String) throws(DetectionError) -> String {
        let data: [UInt8]
        if path.isEmpty { throw DetectionError("open '' failed: No such file or directory", file: path) }
        do {
            data = try fs.readPrefix(path, count: 20)
        } catch  where error.code == .isDirectory {
            throw DetectionError("read failed: Is a directory", file: path, underlying: error)
        } catch {
            throw DetectionError("open '\(path)' failed: \(perlErrorText(error))", file: path, underlying: error)
        }
        // Perl's `read … or die "read failed: $!"`: zero bytes read is a failure, with `$!` empty.
        if data.isEmpty { throw DetectionError("read failed: ", file: path) }
        // unpack("A4CA12n"): magic, class (byte 4), machine = big-endian u16 at offset 17. With
        // exactly 4 bytes the class slot receives A12's empty string (defined), so Perl goes on to
        // the machine check; a machine missing (< 19 bytes) prints as ''.
        guard data.count >= 4, data[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]) else {
            throw DetectionError("'\(path)' does not resolve to an ELF!", file: path)
        }
        guard data.count >= 19 else { throw DetectionError("'\(path)' has unknown ELF machine ''!", file: path) }
        let elfClass = Int(data[4])
        let machine = Int(data[17]) << 8 | Int(data[18])
        guard let arch = elfMachines[machine] else {
            throw DetectionError("'\(path)' has unknown ELF machine '\(machine)'!", file: path)
        }
        guard arch == "riscv" else { return arch }
        switch elfClass {
        case 1: return "riscv32"
        case 2: return "riscv64"
        default: throw DetectionError("'\(path)' has invalid class '\(elfClass)'!", file: path)
        }
    }
}
