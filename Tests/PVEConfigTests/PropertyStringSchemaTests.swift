import PVECore
import Testing

@testable import PVEConfig

/// The generic schema check (`check_prop`) on a synthetic format that uses every rule kind,
/// including the ones no LXC format needs (`minLength`/`maxLength`).
@Suite struct PropertyStringSchemaTests {
    static let schema = PropertySchema(
        [
            .init("id", .string, optional: false, pattern: .interfaceName, minLength: 2, maxLength: 4),
            .init("n", .integer, minimum: -3, maximum: 7),
            .init("x", .number, maximum: 2),
            .init("s", .string, minimum: 10, enumeration: ["a", "b", "12"]),
            .init("f", .string, format: .ipv4, pattern: .trunks),
            .init("b", .boolean),
        ], defaultKey: "id")

    func check(_ text: String) -> String {
        do throws(PropertyStringError) {
            try Bytes.withBytes(text) { (s) throws(PropertyStringError) in try Self.schema.check(s) }
            return "OK"
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        ("ab", "OK"),
        ("abcde", "format error\nid: value may only be 4 characters long\n"),
        ("a", "format error\nid: value must be at least 2 characters long\n"),
        ("a b", "format error\nid: value does not match the regex pattern\n"),
        ("ab,n=8", "format error\nn: value must have a maximum value of 7\n"),
        ("ab,n=-4", "format error\nn: value must have a minimum value of -3\n"),
        ("ab,n=1.0", "format error\nn: type check ('integer') failed - got '1.0'\n"),
        ("ab,x=2.5", "format error\nx: value must have a maximum value of 2\n"),
        ("ab,x=1e0", "OK"),
        // bounds only apply when the value looks numeric; enum comes last
        ("ab,s=a", "OK"),
        ("ab,s=5", "format error\ns: value must have a minimum value of 10\n"),
        ("ab,s=12", "OK"),
        ("ab,s=c", "format error\ns: value 'c' does not have a value in the enumeration 'a, b, 12'\n"),
        // format is checked before pattern
        ("ab,f=1.2.3.4", "format error\nf: value does not match the regex pattern\n"),
        ("ab,f=12", "format error\nf: invalid format - value does not look like a valid IPv4 address\n\n"),
        ("ab,b=ON", "OK"),
        ("ab,b=", "missing key in comma-separated list property\n"),
    ])
    func rules(input: String, expected: String) {
        #expect(check(input) == expected, "\(input)")
    }

    @Test func everyFailingKeyIsReported() {
        #expect(
            check("n=9,x=y,b=2,zz=1")
                == """
                format error
                b: type check ('boolean') failed - got '2'
                id: property is missing and it is not optional
                n: value must have a maximum value of 7
                x: type check ('number') failed - got 'y'
                zz: property is not defined in schema and the schema does not allow additional properties

                """)
    }
}
