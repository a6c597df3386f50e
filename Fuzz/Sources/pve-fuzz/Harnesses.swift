import Glibc
import PVEConfig
import PVEGuestOS
@testable import PVELXCConfig
@testable import PVEGuestSetup
import PVEStorage
import PVESystem

/// libFuzzer entry point: the harness named by `PVE_FUZZ_TARGET` gets every input. A harness
/// traps (and libFuzzer saves the input as a crash) when a property it checks does not hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    Harnesses.selected(bytes)
    return 0
}

/// libFuzzer's driver (`FuzzerDriver.cpp`), called from our own `main` because SwiftPM links an
/// executable's entry point under its own name (`pve_fuzz_main`), so libFuzzer's `main` is unused.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("pve_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}

enum Harnesses {
    static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("config-read", configRead),
        ("property-strings", propertyStrings),
        ("os-release", osRelease),
        ("marker-block", markerBlock),
        ("ifupdown", ifupdown),
        ("storage-cfg", storageConfig),
        ("lxc-config", lxcConfig),
    ]

    static let selected: @Sendable ([UInt8]) -> Void = {
        let name = getenv("PVE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let harness = all.first(where: { $0.name == name }) else {
            let names = all.map(\.name).joined(separator: ", ")
            say("pve-fuzz: set PVE_FUZZ_TARGET to one of: \(names)\n")
            exit(2)
        }
        return harness.run
    }()

    static func say(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(2, &bytes, bytes.count)
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition {
            say("property failed: \(message())\n")
            abort()
        }
    }

    // MARK: config read

    /// Lenient and strict read agree (strict accepts iff lenient found nothing refusing); the
    /// lossless document writes back the input byte for byte; the canonical form is a fixed point
    /// (read + write of Proxmox's output gives the same output).
    static func configRead(_ bytes: [UInt8]) {
        let lenient: ConfigReadResult
        do {
            lenient = try ConfigReader.read(bytes, file: "f.conf", vmid: "100", mode: .lenient)
        } catch {
            return  // a fatal diagnostic (Perl dies in both modes)
        }
        let strict = try? ConfigReader.read(bytes, file: "f.conf", vmid: "100", mode: .strict)
        let refuses = lenient.diagnostics.contains { $0.refusesFile }
        check((strict == nil) == refuses, "strict and lenient disagree")
        if let document = try? ConfigDocument(bytes: bytes, file: "f.conf", vmid: "100") {
            check(document.bytes == bytes, "lossless write-back differs from the input")
        }
        guard let canonical = try? ConfigWriter.write(lenient.config) else { return }
        // Proxmox's own writer is not always a fixed point on the first round: an empty `env` is
        // written as `lxc.environment.runtime:  `, which reads back as nothing (checked with
        // Proxmox's Perl). Its output must be stable from the second round on.
        guard let second = rewrite(canonical) else {
            check(false, "canonical output is not readable: \(show(canonical))")
            return
        }
        check(rewrite(second) == second, "canonical form does not settle: \(show(canonical)) -> \(show(second))")
    }

    static func rewrite(_ bytes: [UInt8]) -> [UInt8]? {
        guard let read = try? ConfigReader.read(bytes, file: "f.conf", vmid: "100", mode: .lenient) else { return nil }
        return try? ConfigWriter.write(read.config)
    }

    // MARK: property strings

    /// print(parse(x)) parses again to the same value, for every format. The first input byte
    /// picks the format.
    static func propertyStrings(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        switch selector % 8 {
        case 0: roundTrip(text) { (s: String) throws(PropertyStringError) in try MountPoint(parsing: s, kind: .rootfs) } print: { $0.propertyString }
        case 1: roundTrip(text) { (s: String) throws(PropertyStringError) in try MountPoint(parsing: s) } print: { $0.propertyString }
        case 2: roundTrip(text) { (s: String) throws(PropertyStringError) in try UnusedVolume(parsing: s) } print: { $0.propertyString }
        case 3: roundTrip(text) { (s: String) throws(PropertyStringError) in try NetworkInterface(parsing: s) } print: { $0.propertyString }
        case 4: roundTrip(text) { (s: String) throws(PropertyStringError) in try Device(parsing: s) } print: { $0.propertyString }
        case 5: roundTrip(text) { (s: String) throws(PropertyStringError) in try Features(parsing: s) } print: { $0.propertyString }
        case 6:
            // Proxmox quirk: `,` parses to an empty startup order, whose printed form "" is refused
            // (`return undef if !$value`).
            if (try? StartupOrder(parsing: text))?.propertyString == "" { return }
            roundTrip(text) { (s: String) throws(PropertyStringError) in try StartupOrder(parsing: s) } print: { $0.propertyString }
        default:
            roundTrip(text) { (s: String) throws(PropertyStringError) in
                try NetworkInterface(parsing: s, macGenerator: { "BC:24:11:00:00:01" })
            } print: { $0.propertyString }
        }
    }

    static func roundTrip<T: Equatable>(
        _ text: String, parse: (String) throws(PropertyStringError) -> T, print: (T) -> String
    ) {
        guard let value = try? parse(text) else { return }
        let printed = print(value)
        // Proxmox quirk (`print_property_string`): the default key's value is printed bare, unescaped,
        // so a value containing `=` (`volume=a=b`) prints as `a=b`, which parses as key `a`.
        if let bare = printed.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first,
            bare.contains("="), !text.hasPrefix(String(bare))
        {
            return
        }
        guard let again = try? parse(printed) else {
            check(false, "printed form \(printed.debugDescription) of \(text.debugDescription) does not parse")
            return
        }
        check(again == value, "\(text.debugDescription) -> \(printed.debugDescription) parses to another value")
        check(print(again) == printed, "printing is not a fixed point for \(printed.debugDescription)")
    }

    // MARK: os-release

    /// Both readings of an os-release file never crash; every entry's value comes from its line,
    /// and re-parsing the assignments printed shell-quoted gives the same values.
    static func osRelease(_ bytes: [UInt8]) {
        let proxmox = OSRelease(proxmox: bytes)
        let standard = OSRelease(standard: bytes)
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for entry in proxmox.entries + standard.entries {
            check(entry.line >= 1 && entry.line <= max(lines.count, 1), "entry line \(entry.line) out of range")
        }
        var quoted: [UInt8] = []
        for entry in standard.entries where entry.name.utf8.allSatisfy({ isNameByte($0) }) && !entry.name.isEmpty {
            let value = entry.value.utf8.flatMap { byte -> [UInt8] in
                byte == UInt8(ascii: "'") ? Array("'\\''".utf8) : [byte]
            }
            guard !value.contains(UInt8(ascii: "\n")) else { continue }
            quoted += Array(entry.name.utf8) + Array("='".utf8) + value + Array("'\n".utf8)
        }
        let reparsed = OSRelease(standard: quoted)
        check(reparsed.values == standard.values.filter { k, v in
            k.utf8.allSatisfy({ isNameByte($0) }) && !k.isEmpty && !v.utf8.contains(UInt8(ascii: "\n"))
        }, "quoted assignments read back differently")
    }

    static func show(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self).debugDescription }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    // MARK: marker blocks

    /// Editing with the same data twice changes nothing the second time; removing the PVE
    /// sections is idempotent.
    static func markerBlock(_ bytes: [UInt8]) {
        let split = bytes.firstIndex(of: 0) ?? bytes.count
        let existing = Array(bytes[..<split])
        var data = split < bytes.count ? Array(bytes[(split + 1)...]) : Array("127.0.1.1 ct\n".utf8)
        data.removeAll { $0 == 0 }
        // The block body comes from the config, never from the guest, and holds no comment; a body
        // holding a marker-like line of its own is not stable in Proxmox either (each edit adds
        // another copy).
        if data.contains(UInt8(ascii: "#")) { return }
        // No data ("" or "0"): Proxmox's documented quirk, the block's removal leaves one more
        // blank line on every run (see `MarkerBlock.edit`).
        if data.isEmpty || data == [UInt8(ascii: "0")] { return }
        for placement in [MarkerBlock.Placement.append, .prepend] {
            let options = MarkerBlock.Options(placement: placement)
            // Proxmox's line splitting drops trailing empty lines when it rewrites a file, so the
            // first edit may still normalise; from the second edit on, the file must not change.
            guard case .write(let once, _) = MarkerBlock.edit(existing: existing, data: data, options: options) else {
                continue
            }
            var first = once
            if case .write(let normalised, _) = MarkerBlock.edit(existing: once, data: data, options: options) {
                first = normalised
            }
            switch MarkerBlock.edit(existing: first, data: data, options: options) {
            case .unchanged: break
            case .write(let second, _): check(second == first, "\(placement): a repeated identical edit changed \(show(first)) to \(show(second))")
            case .delete: check(false, "a repeated identical edit deletes the file")
            }
        }
        let removed = MarkerBlock.removeSections(existing)
        check(MarkerBlock.removeSections(removed) == removed, "removing PVE sections is not idempotent: \(show(removed))")
    }

    // MARK: ifupdown

    /// Rendering managed interfaces over any existing file terminates, keeps every line that
    /// does not belong to a managed interface, and is a fixed point when applied twice.
    static func ifupdown(_ bytes: [UInt8]) {
        let managed: [String: IfupdownNetwork.Interface]
        do {
            let net0 = try NetworkInterface(parsing: "name=eth0,bridge=vmbr0,ip=192.0.2.10/24,gw=192.0.2.1,ip6=auto")
            managed = try IfupdownNetwork.interfaces([net0])
        } catch {
            return
        }
        for style in [IfupdownNetwork.Style.modern, .legacy] {
            // Like Proxmox, the first rendering may still drop gateway scripts it wrote itself;
            // from the second rendering on, the file must be stable.
            let once = IfupdownNetwork.render(managed: managed, existing: bytes, style: style)
            let first = IfupdownNetwork.render(managed: managed, existing: once, style: style)
            let second = IfupdownNetwork.render(managed: managed, existing: first, style: style)
            check(second == first, "\(style): rendering does not settle: \(show(first)) -> \(show(second))")
        }
    }

    // MARK: storage.cfg

    /// Reading never crashes; what the writer accepts reads back to the same storages, and
    /// writing that again gives the same bytes.
    static func storageConfig(_ bytes: [UInt8]) {
        let (config, _) = StorageConfig.parse(bytes, file: "storage.cfg")
        guard let written = try? StorageConfig.write(config) else { return }
        let (again, _) = StorageConfig.parse(written, file: "storage.cfg")
        check(again.storages.map(\.id) == config.storages.map(\.id), "storages lost or reordered: \(show(written))")
        let rewritten = try? StorageConfig.write(again)
        check(rewritten == written, "writing is not a fixed point: \(show(written)) -> \(show(rewritten ?? []))")
    }

    // MARK: LXC config generator

    /// Host facts and files of a cgroup v2 host (as the generator's unit tests use).
    static let lxcFacts = HostFacts(
        lxcVersion: "6.0.5", cgroupV1Controllers: [], cgroupV2Controllers: ["cpuset", "cpu", "io", "memory", "pids"],
        cpus: "0-7", bridgeMTU: ["vmbr0": 1500], lxcConfigDir: "/cfg", kernelRelease: "6.8.12-4-pve")
    static let lxcHost = TableHostLookup(
        statuses: [
            "/dev/null": HostFileStatus(mode: 0o020666, rdev: 0x103),
            "/dev/loop0": HostFileStatus(mode: 0o060660, rdev: 0x700),
        ],
        files: [
            "/cfg/common.conf": [], "/cfg/userns.conf": [], "/cfg/debian.common.conf": [], "/cfg/debian.userns.conf": [],
            "/cfg/common.seccomp": Array("2\ndenylist\n[all]\n".utf8),
        ])

    /// The config read leniently, generated with a seed derived from the input (FNV-1a): never
    /// crashes; a second generation with the same seed gives the same files, warnings or error
    /// (pure); every file is valid UTF-8 made of whole lines.
    static func lxcConfig(_ bytes: [UInt8]) {
        guard let config = try? ConfigReader.read(bytes, file: "100.conf", vmid: "100", mode: .lenient).config else {
            return
        }
        let seed = bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        func outcome() -> (files: [String: [UInt8]], warnings: [String], error: String?) {
            var random = Drand48(seed: seed)
            do throws(LXCConfigError) {
                let out = try LXCConfigGenerator.generate(
                    config, vmid: "100", facts: lxcFacts, host: lxcHost, random: &random)
                return (out.files, out.warnings, nil)
            } catch {
                check(!error.message.isEmpty, "an error without a message")
                return ([:], error.warnings, error.message)
            }
        }
        let first = outcome()
        let second = outcome()
        check(first.files == second.files, "the files differ on a second generation with the same seed")
        check(first.warnings == second.warnings, "the warnings differ on a second generation")
        check(first.error == second.error, "the error differs on a second generation")
        for (name, file) in first.files {
            check(String(validating: file, as: UTF8.self) != nil, "\(name) is not valid UTF-8: \(show(file))")
            check(file.isEmpty || file.last == 0x0A, "\(name) does not end with a line feed: \(show(file))")
        }
    }
}
