import Testing

@testable import PVEConfig

private struct Backup: PropertyStringValue, Equatable {
    static let defaultKey: String? = "storage"
    var storage: String
    var mode: Mode
    var compress: Bool?
    var keep: Int?
    var ratio: Double?
    var note: String?

    enum Mode: String, Codable { case snapshot, stop }
}

private struct NoDefault: PropertyStringValue, Equatable {
    var name: String
    var enabled: Bool?
}

@Suite struct PropertyStringCodableTests {
    let decoder = PropertyStringDecoder()
    let encoder = PropertyStringEncoder()

    @Test func decodesWithProxmoxRules() throws {
        let b = try decoder.decode(Backup.self, from: "keep=+3,local,,mode=stop,compress=YES,ratio=.5")
        #expect(b == Backup(storage: "local", mode: .stop, compress: true, keep: 3, ratio: 0.5, note: nil))
    }

    @Test func encodesInCanonicalOrder() throws {
        let b = Backup(storage: "local", mode: .snapshot, compress: false, keep: 2, ratio: 1.5, note: "a=b")
        #expect(try encoder.encode(b) == "local,mode=snapshot,compress=0,keep=2,note=a=b,ratio=1.5")
        #expect(try decoder.decode(Backup.self, from: try encoder.encode(b)) == b)
    }

    @Test func collectsPerKeyErrors() throws {
        let e = try #require(throws: PropertyStringError.self) {
            try decoder.decode(Backup.self, from: "local,compress=maybe,keep=x,bogus=1,mode=stop")
        }
        #expect(
            e.description == """
                format error
                bogus: property is not defined in schema and the schema does not allow additional properties
                compress: type check ('boolean') failed - got 'maybe'
                keep: type check ('integer') failed - got 'x'

                """)
        #expect(e.entries.first { $0.key == "compress" }?.offset == 15)
    }

    @Test func missingRequiredKey() throws {
        let e = try #require(throws: PropertyStringError.self) { try decoder.decode(Backup.self, from: "local") }
        #expect(e.description == "format error\nmode: property is missing and it is not optional\n")
        let e2 = try #require(throws: PropertyStringError.self) { try decoder.decode(NoDefault.self, from: "enabled=1") }
        #expect(e2.message(forKey: "name") == "property is missing and it is not optional")
    }

    @Test func invalidEnumValue() throws {
        let e = try #require(throws: PropertyStringError.self) {
            try decoder.decode(Backup.self, from: "local,mode=suspend")
        }
        #expect(e.message(forKey: "mode") == "value 'suspend' is not valid here")
    }

    @Test func integerOutOfRange() throws {
        struct Small: PropertyStringValue { var n: UInt8 }
        let e = try #require(throws: PropertyStringError.self) { try decoder.decode(Small.self, from: "n=300") }
        #expect(e.message(forKey: "n") == "value must have a maximum value of 255")
        let e2 = try #require(throws: PropertyStringError.self) { try decoder.decode(Small.self, from: "n=-1") }
        #expect(e2.message(forKey: "n") == "value must have a minimum value of 0")
        let e3 = try #require(throws: PropertyStringError.self) { try decoder.decode(Backup.self, from: "local,mode=stop,ratio=x") }
        #expect(e3.message(forKey: "ratio") == "type check ('number') failed - got 'x'")
    }

    @Test func rawLayerErrors() throws {
        let cases: [(String, String)] = [
            ("name=a,name=b", "duplicate key in comma-separated list property: name\n"),
            ("a", "value without key, but schema does not define a default key\n"),
            ("name=a,=x", "missing key in comma-separated list property\n"),
        ]
        for (input, text) in cases {
            let e = try #require(throws: PropertyStringError.self) { try decoder.decode(NoDefault.self, from: input) }
            #expect(e.description == text, "\(input)")
        }
        let e = try #require(throws: PropertyStringError.self) { try decoder.decode(Backup.self, from: "a,b") }
        #expect(e.description == "duplicate key in comma-separated list property: storage\n")
        #expect(e.offset == 2)
    }

    @Test func encoderRejectsCommas() throws {
        let e = try #require(throws: PropertyStringError.self) {
            try encoder.encode(NoDefault(name: "a,b", enabled: nil))
        }
        #expect(e.description == "illegal value with commas for name\n")
    }

    @Test func encoderRejectsNonScalars() throws {
        struct Listy: PropertyStringValue { var items: [String] }
        #expect(throws: PropertyStringError.self) { try encoder.encode(Listy(items: ["a"])) }
        #expect(throws: PropertyStringError.self) { try decoder.decode(Listy.self, from: "items=a") }
    }

    @Test func requiredKeysComeFirst() throws {
        #expect(try encoder.encode(NoDefault(name: "x", enabled: true)) == "name=x,enabled=1")
        struct Z: PropertyStringValue { var z: String; var a: String?; var b: Bool }
        #expect(try encoder.encode(Z(z: "1", a: "2", b: false)) == "b=0,z=1,a=2")
    }
}
