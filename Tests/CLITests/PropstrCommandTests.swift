import Testing

@testable import pve_guestsetup

@Suite struct PropstrCommandTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    @Test(arguments: [
        (["rootfs", "size=8G,local:x"], "local:x,size=8G\n"),
        (["mp", "mp=/data,local:x,backup=1"], "local:x,mp=/data,backup=1\n"),
        (["unused", "volume=local:vm-100-disk-1"], "local:vm-100-disk-1\n"),
        (["dev", "mode=0660,/dev/ttyUSB0,deny-write=1,uid=5,gid=6"], "/dev/ttyUSB0,deny-write=1,gid=6,mode=0660,uid=5\n"),
        (["features", "nesting=1,keyctl=1"], "keyctl=1,nesting=1\n"),
        (["net", "name=eth0,hwaddr=BC:24:11:00:00:01,bridge=vmbr0"], "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,type=veth\n"),
        (["net", "name=eth0", "--mac-prefix", "BC:24:11:2A:6D:01"], "name=eth0,hwaddr=BC:24:11:2A:6D:01,type=veth\n"),
    ])
    func printsCanonicalString(args: [String], expected: String) {
        let (code, out, err) = run(["propstr"] + args)
        #expect(code == 0)
        #expect(out == expected)
        #expect(err.isEmpty)
    }

    @Test func generatesHardwareAddressWithPrefix() {
        let (code, out, _) = run(["propstr", "net", "name=eth0", "--mac-prefix", "bc:24:11"])
        #expect(code == 0)
        #expect(out.hasPrefix("name=eth0,hwaddr=BC:24:11:"))
        #expect(out.hasSuffix(",type=veth\n"))
        #expect(out.count == "name=eth0,hwaddr=BC:24:11:00:00:00,type=veth\n".count)
    }

    @Test func invalidValuePrintsEveryProxmoxLine() {
        let (code, out, err) = run(["propstr", "net", "name=eth0,mtu=63,hwaddr=01:00:00:00:00:00"])
        #expect(code == 1)
        #expect(out.isEmpty)
        #expect(
            err == """
                format error
                hwaddr: invalid format - value does not look like a valid unicast MAC address

                mtu: value must have a minimum value of 64

                """)
    }

    @Test func plainErrorsToo() {
        let (code, _, err) = run(["propstr", "dev", "mode=0660"])
        #expect(code == 1)
        #expect(err == "Path has to be defined\n")
        let (code2, _, err2) = run(["propstr", "features", "mount=nfs,cifs"])
        #expect(code2 == 1)
        #expect(err2 == "value without key, but schema does not define a default key\n")
    }

    @Test func jsonShowsTheParsedHash() {
        let (code, out, _) = run(["propstr", "rootfs", "local:x,size=1.5G,ro=yes,idmap=u:0:100:5;g:1:2:3", "--json"])
        #expect(code == 0)
        #expect(
            out
                == #"{"idmap":[["u","0","100","5"],["g","1","2","3"]],"mp":"/","ro":1,"size":1610612736,"type":"volume","volume":"local:x"}"#
                + "\n")
        let cases: [([String], String)] = [
            (
                ["net", "--json", "name=eth0,hwaddr=BC:24:11:00:00:01,firewall=0,mtu=+1500"],
                #"{"firewall":0,"hwaddr":"BC:24:11:00:00:01","mtu":"+1500","name":"eth0","type":"veth"}"#
            ),
            (["net", "--json", "--schema-only", "name=eth0,tag=+5"], #"{"name":"eth0","tag":"+5"}"#),
            (["unused", "local:x", "--json"], #"{"type":"volume","volume":"local:x"}"#),
            (["dev", "/dev/x,uid=5,deny-write=true", "--json"], #"{"deny-write":1,"path":"/dev/x","uid":"5"}"#),
            (["features", "nesting=1,mount=nfs", "--json"], #"{"mount":"nfs","nesting":1}"#),
            (["mp", "/dev/sdb,mp=/x,size=0", "--json"], #"{"mp":"/x","size":0,"type":"device","volume":"/dev/sdb"}"#),
            (["rootfs", "local:x,idmap=passthrough", "--json"], #"{"idmap":"passthrough","mp":"/","type":"volume","volume":"local:x"}"#),
        ]
        for (args, expected) in cases {
            let (c, o, _) = run(["propstr"] + args)
            #expect(c == 0 && o == expected + "\n", "\(args)")
        }
    }

    @Test func valueStartingWithDashAfterTerminator() {
        let (code, _, err) = run(["propstr", "unused", "--", "-x:y"])
        #expect(code == 1)
        #expect(err == "format error\nvolume: invalid format - unable to parse volume ID '-x:y'\n\n")
        let (code2, out2, _) = run(["propstr", "--json", "features", "--", "nesting=1"])
        #expect(code2 == 0 && out2 == #"{"nesting":1}"# + "\n")
    }

    @Test func schemaOnlySkipsTheFillIn() {
        let (code, out, _) = run(["propstr", "net", "bridge=vmbr0,name=eth0", "--schema-only"])
        #expect(code == 0)
        #expect(out == "name=eth0,bridge=vmbr0\n")
    }

    @Test(arguments: [
        (["propstr"], "Missing expected argument '<kind>'"),
        (["propstr", "net"], "Missing expected argument '<value>'"),
        (["propstr", "net", "a", "b"], "Unexpected argument 'b'"),
        (["propstr", "vm", "x"], "The value 'vm' is invalid for '<kind>'"),
        (["propstr", "net", "name=eth0", "--yaml"], "Unknown option '--yaml'"),
    ])
    func badCommandLineExits64(args: [String], message: String) {
        let (code, out, err) = run(args)
        #expect(code == 64)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("Error: " + message), "\(err)")
        #expect(err.contains("Usage: pve-guestsetup propstr"))
    }

    @Test func help() {
        let (code, out, err) = run(["propstr", "--help"])
        #expect(code == 0)
        #expect(err.isEmpty)
        #expect(out.contains("USAGE: pve-guestsetup propstr <kind> [--] <value>"))
        #expect(out.contains("--json"))
    }
}
