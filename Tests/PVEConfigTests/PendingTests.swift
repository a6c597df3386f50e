import PVETestSupport
import Testing

@testable import PVEConfig

@Suite("Pending changes and the edit API")
struct PendingTests {
    @Test func pendingDeleteGrammar() {
        let parsed = PendingDeletion.parse(" swap; !cores,  memory net0 !net0")
        #expect(PendingDeletion.print(parsed) == "!cores,memory,!net0,swap")
        #expect(PendingDeletion.parse(nil).isEmpty)
        #expect(PendingDeletion.parse("").isEmpty)
    }

    @Test func cleanupPendingExample() throws {
        var c = ContainerConfig()
        c["memory"] = "512"
        c["swap"] = "0"
        c["cores"] = "2"
        c.pending["memory"] = "512"
        c.pending["swap"] = "1"
        c.pending["delete"] = "cores,!hostname,foo"
        let cleaned = c.cleanupPending()
        #expect(cleaned)
        #expect(c.pending.members.map { "\($0.key)=\($0.value)" } == ["delete=cores", "swap=1"])
        let again = c.cleanupPending()
        #expect(!again)
    }

    @Test func queueRevertAndApply() throws {
        var c = try ConfigReader.read(Array("memory: 512\nmp0: local:vm-1-disk-1,mp=/a\nrootfs: local:vm-1-disk-0\nswap: 512\n".utf8)).config
        try c.queuePendingValue("memory", "1024")
        try c.queuePendingValue("onboot", "yes")
        #expect(c.pending["onboot"] == "1")
        let w1 = try c.queuePendingDeletion("swap")
        #expect(w1 == nil)
        let w2 = try c.queuePendingDeletion("mp0", force: true)
        #expect(w2 == nil)
        let w3 = try c.queuePendingDeletion("hostname")
        #expect(w3 == "cannot delete 'hostname' - not set in current configuration!")
        #expect(c.pending["delete"] == "!mp0,swap")
        c.revertPending("swap")
        #expect(c.pending["delete"] == "!mp0")
        #expect(c.withPendingApplied["memory"] == "1024")
        #expect(c.withPendingApplied["mp0"] == nil)
        try c.applyPending()
        #expect(c.pending.isEmpty)
        #expect(c["memory"] == "1024")
        #expect(c["onboot"] == "1")
        #expect(c["mp0"] == nil)
        #expect(c["unused0"] == "local:vm-1-disk-1")
        #expect(c["swap"] == "512")
    }

    @Test func deletionRules() throws {
        var c = try ConfigReader.read(
            Array("memory: 512\nostype: debian\nrootfs: local:x\nunprivileged: 1\nprotection: 1\nmp0: local:y,mp=/y\n".utf8), vmid: "5"
        ).config
        for key in ["memory", "rootfs", "ostype"] {
            #expect(throws: ConfigEditError(key: key, message: "unable to delete required option '\(key)'")) {
                try c.queuePendingDeletion(key, vmid: "5")
            }
        }
        #expect(throws: ConfigEditError(key: "unprivileged", message: "unable to delete read-only option: 'unprivileged'")) {
            try c.queuePendingDeletion("unprivileged", vmid: "5")
        }
        #expect(throws: ConfigEditError(key: "mp0", message: "can't remove CT 5 drive 'mp0' - protection mode enabled")) {
            try c.queuePendingDeletion("mp0", vmid: "5")
        }
        #expect(throws: ConfigEditError(key: "mp0", message: "can't update CT 5 drive 'mp0' - protection mode enabled")) {
            try c.queuePendingValue("mp0", "local:z,mp=/z", vmid: "5")
        }
        #expect(throws: ConfigEditError(key: "unprivileged", message: "unable to modify read-only option: 'unprivileged'")) {
            try c.setApplying("unprivileged", to: "0")
        }
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var key: String
        var value: String
        var message: String
        var description: String { "\(key)=\(value)" }
    }

    static let refusals: [Refusal] = [
        Refusal(key: "colour", value: "red", message: "colour: unknown setting 'colour'"),
        Refusal(key: "memory", value: "lots", message: "memory: type check ('integer') failed - got 'lots'"),
        Refusal(key: "memory", value: "8", message: "memory: value must have a minimum value of 16"),
        Refusal(key: "tty", value: "9", message: "tty: value must have a maximum value of 6"),
        Refusal(key: "cpulimit", value: "8193", message: "cpulimit: value must have a maximum value of 8192"),
        Refusal(key: "onboot", value: "maybe", message: "onboot: type check ('boolean') failed - got 'maybe'"),
        Refusal(key: "cpulimit", value: "1e3", message: "cpulimit: type check ('number') failed - got '1e3'"),
        Refusal(
            key: "ostype", value: "redhat",
            message:
                "ostype: value 'redhat' does not have a value in the enumeration 'debian, devuan, ubuntu, centos, fedora, opensuse, archlinux, alpine, gentoo, nixos, unmanaged'"
        ),
        Refusal(key: "hostname", value: "a\rb", message: "hostname: property contains a line feed"),
        Refusal(key: "entrypoint", value: "/bin/x\u{1}", message: "entrypoint: value does not match the regex pattern"),
        Refusal(key: "env", value: "1 A=x", message: "env: value does not match the regex pattern"),
        Refusal(key: "lxc.rootfs.path", value: "/x", message: "lxc.rootfs.path: lxc.rootfs.path is auto generated from rootfs"),
        Refusal(key: "lxc.nope", value: "1", message: "lxc.nope: unknown setting 'lxc.nope'"),
        Refusal(key: "description", value: String(repeating: "x", count: 8193), message: "description: value may only be 8192 characters long"),
    ]

    @Test(arguments: refusals)
    func validationRefuses(_ r: Refusal) {
        var c = ContainerConfig()
        #expect(throws: ConfigEditError(key: r.key, message: r.message)) { try c.set(r.key, to: r.value) }
        #expect(c == ContainerConfig())
    }

    @Test func validationNormalises() throws {
        var c = ContainerConfig()
        try c.set("onboot", to: "TRUE")
        try c.set("memory", to: "0100")
        try c.set("cpulimit", to: "1.50")
        try c.set("lxc.mount.entry", to: "a")
        try c.set("lxc.mount.entry", to: "b")
        try c.set("lxc.environment.runtime", to: "X=1")
        #expect(c["onboot"] == "1")
        #expect(c["memory"] == "100")
        #expect(c["cpulimit"] == "1.50")
        #expect(c.main.lxc == [LXCEntry(key: "lxc.mount.entry", value: "b")])
        #expect(c.value("lxc.environment.runtime") == "X=1")
        #expect(throws: ConfigEditError.self) { try c.set("memory", to: "64", in: .snapshot("nope")) }
    }

    @Test func updateNormalisesListsAndTags() throws {
        var c = ContainerConfig()
        try c.setApplying("nameserver", to: "1.1.1.1, 8.8.8.8;9.9.9.9")
        try c.setApplying("searchdomain", to: " a.example,b.example ")
        try c.setApplying("tags", to: "Web;db,web;  alpha")
        #expect(c["nameserver"] == "1.1.1.1 8.8.8.8 9.9.9.9")
        #expect(c["searchdomain"] == "a.example b.example")
        #expect(c["tags"] == "alpha;db;web")
        #expect(throws: ConfigEditError.self) { try c.setApplying("nameserver", to: "1.1.1.1 nope") }
    }

    @Test func setApplyingReplacesVolume() throws {
        var c = try ConfigReader.read(Array("mp0: local:old,mp=/a\nrootfs: local:root\n".utf8)).config
        try c.setApplying("mp0", to: "local:new,mp=/a")
        #expect(c["unused0"] == "local:old")
        let w4 = try c.deleteApplying("mp0")
        #expect(w4 == nil)
        #expect(c["unused1"] == "local:new")
        let w5 = try c.deleteApplying("mp0")
        #expect(w5 == "cannot delete 'mp0' - not set in current configuration!")
    }
}
