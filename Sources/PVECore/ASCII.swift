/// Byte constants and byte classes, the one table every module of the package uses.
///
/// The classes follow Perl's meaning on byte strings (Proxmox's code works on bytes): `\s` is
/// ASCII whitespace including vertical tab, `\d` is `0`-`9`, `\w` is `[A-Za-z0-9_]`.
package enum ASCII {
    @inlinable package static var tab: UInt8 { UInt8(ascii: "\t") }
    @inlinable package static var newline: UInt8 { UInt8(ascii: "\n") }
    @inlinable package static var space: UInt8 { UInt8(ascii: " ") }
    @inlinable package static var comma: UInt8 { UInt8(ascii: ",") }
    @inlinable package static var equals: UInt8 { UInt8(ascii: "=") }
    @inlinable package static var colon: UInt8 { UInt8(ascii: ":") }
    @inlinable package static var semicolon: UInt8 { UInt8(ascii: ";") }
    @inlinable package static var slash: UInt8 { UInt8(ascii: "/") }
    @inlinable package static var dot: UInt8 { UInt8(ascii: ".") }
    @inlinable package static var minus: UInt8 { UInt8(ascii: "-") }
    @inlinable package static var plus: UInt8 { UInt8(ascii: "+") }
    @inlinable package static var underscore: UInt8 { UInt8(ascii: "_") }
    @inlinable package static var percent: UInt8 { UInt8(ascii: "%") }
    @inlinable package static var zero: UInt8 { UInt8(ascii: "0") }
    @inlinable package static var one: UInt8 { UInt8(ascii: "1") }
    @inlinable package static var nine: UInt8 { UInt8(ascii: "9") }
    @inlinable package static var nul: UInt8 { 0 }
    @inlinable package static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    @inlinable package static var hash: UInt8 { UInt8(ascii: "#") }
    @inlinable package static var openBracket: UInt8 { UInt8(ascii: "[") }
    @inlinable package static var closeBracket: UInt8 { UInt8(ascii: "]") }
    @inlinable package static var hyphen: UInt8 { UInt8(ascii: "-") }
    @inlinable package static var bang: UInt8 { UInt8(ascii: "!") }
    @inlinable package static var lowerA: UInt8 { UInt8(ascii: "a") }
    @inlinable package static var lowerZ: UInt8 { UInt8(ascii: "z") }
    @inlinable package static var upperA: UInt8 { UInt8(ascii: "A") }
    @inlinable package static var upperZ: UInt8 { UInt8(ascii: "Z") }

    /// Perl `\s` on a byte string: space, `\t`, `\n`, `\v`, `\f`, `\r`.
    @inlinable @inline(__always) package static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Perl `\d` on a byte string.
    @inlinable @inline(__always) package static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Perl's `\h` on a byte string: space, tab and U+00A0 (byte 0xA0).
    @inlinable @inline(__always) package static func isHorizontalSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0xA0
    }

    /// `[a-z]`.
    @inlinable @inline(__always) package static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }

    /// `[A-Za-z]`.
    @inlinable @inline(__always) package static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    /// `[A-Za-z0-9]`.
    @inlinable @inline(__always) package static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }

    /// Perl `\w` on a byte string: `[A-Za-z0-9_]`.
    @inlinable @inline(__always) package static func isWord(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == underscore }

    /// `[0-9a-fA-F]`.
    @inlinable @inline(__always) package static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20) &- 0x61 < 6
    }

    /// ASCII lower-casing of one byte.
    @inlinable @inline(__always) package static func lowercased(_ b: UInt8) -> UInt8 {
        b &- 0x41 < 26 ? b | 0x20 : b
    }

    /// ASCII lower-casing of a string (other bytes unchanged).
    @inlinable package static func lowercased(_ s: String) -> String {
        String(decoding: s.utf8.map(lowercased), as: UTF8.self)
    }
}
