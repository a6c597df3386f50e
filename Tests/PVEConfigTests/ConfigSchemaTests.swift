import Testing

@testable import PVEConfig

@Suite("Config key schema")
struct ConfigSchemaTests {
    @Test func plainKeysAreSortedAndLookupsAgree() {
        let names = ConfigSchema.plainKeys.map(\.name)
        #expect(names == names.sorted { ByteText.less($0, $1) })
        for key in ConfigSchema.plainKeys {
            let kind = ConfigSchema.kind(for: key.name)
            #expect(kind?.type == key.type, "\(key.name)")
            #expect(kind?.format == key.format, "\(key.name)")
            #expect(ConfigSchema.schema(for: key.name) == key)
        }
    }

    @Test(arguments: [
        ("net0", true), ("net31", true), ("net32", false), ("net00", false), ("mp255", true), ("mp256", false),
        ("unused0", true), ("unused255", true), ("dev12", true), ("dev", false), ("foo1", false), ("memory", true),
        ("Memory", false), ("lxc", false), ("", false),
    ])
    func knownKeys(_ key: String, _ known: Bool) {
        #expect((ConfigSchema.schema(for: key) != nil) == known)
        #expect((ConfigSchema.kind(for: key) != nil) == known)
    }

    /// The reader's byte lookup against the schema's binary search, on every key and on
    /// near misses (one byte changed, dropped or added; other case).
    @Test func byteLookupAgreesOnNearMisses() {
        var probes: [String] = []
        for key in ConfigSchema.plainKeys.map(\.name) + ["net0", "mp12", "unused3", "dev7"] {
            let u = Array(key.utf8)
            probes.append(key)
            probes.append(key.uppercased())
            probes.append(String(decoding: u.dropLast(), as: UTF8.self))
            probes.append(key + "s")
            for i in u.indices {
                var changed = u
                changed[i] = changed[i] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
                probes.append(String(decoding: changed, as: UTF8.self))
            }
        }
        for probe in probes {
            let expected = ConfigSchema.schema(for: probe)
            let kind = ConfigSchema.kind(for: probe)
            #expect(kind?.type == expected?.type, "\(probe)")
            #expect(kind?.format == expected?.format, "\(probe)")
        }
    }

    @Test func lxcKeyValidity() {
        #expect(LXCKeyValidity.of("lxc.apparmor.profile") == .accepted)
        #expect(LXCKeyValidity.of("lxc.net.0.type") == .accepted)
        #expect(LXCKeyValidity.of("lxc.cgroup2.memory.max") == .accepted)
        #expect(LXCKeyValidity.of("lxc.prlimit.nofile") == .accepted)
        #expect(LXCKeyValidity.of("lxc.tty") == .acceptedWithWarning("lxc.tty is deprecated and was renamed to lxc.tty.max"))
        #expect(LXCKeyValidity.of("lxc.rootfs.path") == .refused("lxc.rootfs.path is auto generated from rootfs"))
        #expect(LXCKeyValidity.of("lxc.foo") == .unknown)
        #expect(LXCKeyValidity.of("lxc.limit.nofile") == .acceptedWithWarning("lxc.limit.nofile: lxc.limit.* was renamed to lxc.prlimit.*"))
        #expect(
            LXCKeyValidity.of("lxc.cgroup.cpu.shares") == .acceptedWithWarning("lxc.cgroup.cpu.shares is deprecated, this will be a hard error in the future!"))
        #expect(
            LXCKeyValidity.of("lxc.rootfs.options") == .refused("lxc.rootfs.options is not supported, please use mount point options in the \"rootfs\" key"))
    }

    /// The one-lookup table is only equivalent to Proxmox's order of tests while no listed key
    /// starts with one of the prefixes tested around the lists, and the lists do not overlap.
    @Test func listedLXCKeysAvoidThePrefixRules() {
        let lists = [Array(LXCKeyValidity.allowed), Array(LXCKeyValidity.deprecated.keys), Array(LXCKeyValidity.refused.keys)]
        #expect(Set(lists.joined()).count == lists.map(\.count).reduce(0, +))
        for key in lists.joined() {
            for prefix in ["lxc.limit.", "lxc.cgroup.", "lxc.cgroup2.", "lxc.prlimit.", "lxc.net."] {
                #expect(!key.hasPrefix(prefix), "\(key)")
            }
        }
    }
}
