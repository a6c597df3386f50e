import PVETestSupport
import Testing

@testable import PVEConfig

/// One case of a `Fixtures/property-strings/*.cases` file.
///
/// File format (line-based, `#` starts a comment line, blank lines separate nothing):
/// - `@ KIND` sets the kind for the following cases (default: the file name without `.cases`);
/// - `> INPUT` starts a case (escapes: `\n`, `\t`, `\0`, `\\`, `\s` for a space — for trailing blanks);
/// - `= OUTPUT` is the canonical output (for `check-*` kinds: `OK`);
/// - `! LINE` lines are the expected error text, one line each (`!` alone is an empty line).
struct PropertyStringCase: CustomStringConvertible, Sendable {
    var file: String
    var line: Int
    var kind: String
    var input: String
    var output: String?
    var errorLines: [String] = []

    var description: String { "\(file):\(line) [\(kind)] \(input.debugDescription)" }

    static func unescape(_ s: Substring) -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            guard c == "\\" else {
                out.append(c)
                continue
            }
            switch it.next() {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "s": out.append(" ")
            case "0": out.append("\u{0}")
            case "\\": out.append("\\")
            case let other?: out.append("\\"); out.append(other)
            case nil: out.append("\\")
            }
        }
        return out
    }

    static func load(_ name: String) -> [PropertyStringCase] {
        guard let text = TestFiles.readString(Fixtures.path("property-strings/" + name)) else { return [] }
        var kind = String(name.dropLast(".cases".count))
        var cases: [PropertyStringCase] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if raw.hasPrefix("@ ") {
                kind = String(raw.dropFirst(2))
            } else if raw.hasPrefix("> ") || raw == ">" {
                cases.append(PropertyStringCase(file: name, line: n + 1, kind: kind, input: unescape(raw.dropFirst(2))))
            } else if raw.hasPrefix("= ") || raw == "=" {
                cases[cases.count - 1].output = unescape(raw.dropFirst(2))
            } else if raw.hasPrefix("! ") || raw == "!" {
                cases[cases.count - 1].errorLines.append(unescape(raw.dropFirst(2)))
            }
        }
        return cases
    }

    static var all: [PropertyStringCase] {
        TestFiles.list(Fixtures.path("property-strings")).filter { $0.hasSuffix(".cases") }.flatMap(load)
    }
}

/// Runs one fixture input through the API named by its kind; returns the output or the error.
func evaluate(kind: String, input: String) -> Result<String, PropertyStringError> {
    do throws(PropertyStringError) {
        switch kind {
        case "rootfs": return .success(try MountPoint(parsing: input, kind: .rootfs).propertyString)
        case "mp": return .success(try MountPoint(parsing: input, kind: .mountPoint).propertyString)
        case "unused": return .success(try UnusedVolume(parsing: input).propertyString)
        case "net":
            return .success(try NetworkInterface(parsing: input, macGenerator: { "02:00:00:00:00:01" }).propertyString)
        case "net-schema": return .success(try NetworkInterface(parsing: input).propertyString)
        case "dev": return .success(try Device(parsing: input).propertyString)
        case "features": return .success(try Features(parsing: input).propertyString)
        case "size":
            guard let bytes = DiskSize.parse(input) else {
                return .failure(PropertyStringError(message: "invalid size", offset: 0))
            }
            return .success("\(bytes) \(DiskSize.format(bytes))")
        case "startup": return .success(try StartupOrder(parsing: input).propertyString)
        case "split-list": return .success(ValueList.split(input).joined(separator: "|"))
        case "new-volume":
            guard let r = MountPoint(kind: .mountPoint, volume: input, mp: "/x").newVolumeRequest else {
                return .success("none")
            }
            return .success("\(r.storage) \(r.bytes)")
        default:
            if kind.hasPrefix("check-") {
                let name = String(kind.dropFirst("check-".count))
                guard let format = ConfigValueFormat(configKey: name) else {
                    return .failure(PropertyStringError(message: "fixture: unknown config key \(name)", offset: 0))
                }
                try ConfigValueFormat.check(input, as: format, isKnownZone: { ["Europe/Vienna", "America/New_York"].contains($0) })
                return .success("OK")
            }
            return .failure(PropertyStringError(message: "fixture: unknown kind \(kind)", offset: 0))
        }
    } catch {
        return .failure(error)
    }
}

@Suite struct PropertyStringFixtureTests {
    @Test func fixturesExist() {
        #expect(PropertyStringCase.all.count > 100)
    }

    @Test(arguments: PropertyStringCase.all)
    func fixture(_ c: PropertyStringCase) {
        #expect((c.output != nil) != !c.errorLines.isEmpty, "case needs exactly one of = or !: \(c)")
        switch evaluate(kind: c.kind, input: c.input) {
        case .success(let out):
            #expect(c.errorLines.isEmpty, "expected an error, got output \(out.debugDescription): \(c)")
            #expect(out == c.output, "\(c)")
        case .failure(let error):
            let expected = c.errorLines.joined(separator: "\n") + "\n"
            #expect(c.output == nil, "expected \(String(describing: c.output)), got error \(error.description.debugDescription): \(c)")
            if c.output == nil {
                #expect(error.description == expected, "\(c)")
            }
        }
    }
}
