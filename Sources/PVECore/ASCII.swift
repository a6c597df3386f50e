/// Byte constants and byte classes, the one table every module of the package uses.
///
/// The classes follow Perl's meaning on byte strings (Proxmox's code works on bytes): `\s` is
/// ASCII whitespace including vertical tab, `\d` is `0`-`9`, `\w` is `[A-Za-z0-9_]`.
package enum ASCII {
    package static let tab = UInt8(ascii: "\t")
    package static let newline = UInt8(ascii: "\n")
    package static let space = UInt8(ascii: " ")
    package static let comma = UInt8(ascii: ",")
    package static let equals = UInt8(ascii: "=")
    package static let colon = UInt8(ascii: ":")
    package static let semicolon = UInt8(ascii: ";")
    package static let slash = UInt8(ascii: "/")
    package static let dot = UInt8(ascii: ".")
    package static let minus = UInt8(ascii: "-")
    package static let plus = UInt8(ascii: "+")
    package static let underscore = UInt8(ascii: "_")
    package static let percent = UInt8(ascii: "%")
    package static let zero = UInt8(ascii: "0")
    package static let one = UInt8(ascii: "1")
    package static let nine = UInt8(ascii: "9")
    package static let nul: UInt8 = 0
    package static let carriageReturn = UInt8(ascii: "\r")
    package static let hash = UInt8(ascii: "#")
    package static let openBracket = UInt8(ascii: "[")
    package static let closeBracket = UInt8(ascii: "]")
    package static let hyphen = UInt8(ascii: "-")
    package static let bang = UInt8(ascii: "!")
    package static let lowerA = UInt8(ascii: "a")
    package static let lowerZ = UInt8(ascii: "z")
    package static let upperA = UInt8(ascii: "A")
    package static let upperZ = UInt8(ascii: "Z")

    /// Perl `\s` on a byte string: space, `\t`, `\n`, `\v`, `\f`, `\r`.
    @inline(__always) package static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Perl `\d` on a byte string.
    @inline(__always) package static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Perl's `\h` on a byte string: space, tab and U+00A0 (byte 0xA0).
    @inline(__always) package static func isHorizontalSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0xA0
    }

    /// `[a-z]`.
    @inline(__always) package static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }

    /// `[A-Za-z]`.
    @inline(__always) package static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    /// `[A-Za-z0-9]`.
    @inline(__always) package static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }

    /// Perl `\w` on a byte string: `[A-Za-z0-9_]`.
    @inline(__always) package static func isWord(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == underscore }

    /// `[0-9a-fA-F]`.
    @inline(__always) package static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20) &- 0x61 < 6
    }

    /// ASCII lower-casing of one byte.
    @inline(__always) package static func lowercased(_ b: UInt8) -> UInt8 {
        b &- 0x41 < 26 ? b | 0x20 : b
    }

    /// ASCII lower-casing of a string (other bytes unchanged).
    package static func lowercased(_ s: String) -> String {
        String(decoding: s.utf8.map(lowercased), as: UTF8.self)
    }
}
