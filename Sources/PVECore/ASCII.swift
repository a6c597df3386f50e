/// Byte constants and byte classes, the one table every module of the package uses.
///
/// (PVECore is a target without a product: its declarations are `public` and `@inlinable` only
/// so that the other modules inline them; `package` declarations are not inlined across modules.)
///
/// The classes follow Perl's meaning on byte strings (Proxmox's code works on bytes): `\s` is
/// ASCII whitespace including vertical tab, `\d` is `0`-`9`, `\w` is `[A-Za-z0-9_]`.
public enum ASCII {
    @inlinable @inline(__always) public static var tab: UInt8 { UInt8(ascii: "\t") }
    @inlinable @inline(__always) public static var newline: UInt8 { UInt8(ascii: "\n") }
    @inlinable @inline(__always) public static var space: UInt8 { UInt8(ascii: " ") }
    @inlinable @inline(__always) public static var comma: UInt8 { UInt8(ascii: ",") }
    @inlinable @inline(__always) public static var equals: UInt8 { UInt8(ascii: "=") }
    @inlinable @inline(__always) public static var colon: UInt8 { UInt8(ascii: ":") }
    @inlinable @inline(__always) public static var semicolon: UInt8 { UInt8(ascii: ";") }
    @inlinable @inline(__always) public static var slash: UInt8 { UInt8(ascii: "/") }
    @inlinable @inline(__always) public static var dot: UInt8 { UInt8(ascii: ".") }
    @inlinable @inline(__always) public static var minus: UInt8 { UInt8(ascii: "-") }
    @inlinable @inline(__always) public static var plus: UInt8 { UInt8(ascii: "+") }
    @inlinable @inline(__always) public static var underscore: UInt8 { UInt8(ascii: "_") }
    @inlinable @inline(__always) public static var percent: UInt8 { UInt8(ascii: "%") }
    @inlinable @inline(__always) public static var zero: UInt8 { UInt8(ascii: "0") }
    @inlinable @inline(__always) public static var one: UInt8 { UInt8(ascii: "1") }
    @inlinable @inline(__always) public static var nine: UInt8 { UInt8(ascii: "9") }
    @inlinable @inline(__always) public static var nul: UInt8 { 0 }
    @inlinable @inline(__always) public static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    @inlinable @inline(__always) public static var hash: UInt8 { UInt8(ascii: "#") }
    @inlinable @inline(__always) public static var openBracket: UInt8 { UInt8(ascii: "[") }
    @inlinable @inline(__always) public static var closeBracket: UInt8 { UInt8(ascii: "]") }
    @inlinable @inline(__always) public static var hyphen: UInt8 { UInt8(ascii: "-") }
    @inlinable @inline(__always) public static var bang: UInt8 { UInt8(ascii: "!") }
    @inlinable @inline(__always) public static var lowerA: UInt8 { UInt8(ascii: "a") }
    @inlinable @inline(__always) public static var lowerZ: UInt8 { UInt8(ascii: "z") }
    @inlinable @inline(__always) public static var upperA: UInt8 { UInt8(ascii: "A") }
    @inlinable @inline(__always) public static var upperZ: UInt8 { UInt8(ascii: "Z") }

    /// Perl `\s` on a byte string: space, `\t`, `\n`, `\v`, `\f`, `\r`.
    @inlinable @inline(__always) public static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Perl `\d` on a byte string.
    @inlinable @inline(__always) public static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Perl's `\h` on a byte string: space, tab and U+00A0 (byte 0xA0).
    @inlinable @inline(__always) public static func isHorizontalSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0xA0
    }

    /// `[a-z]`.
    @inlinable @inline(__always) public static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }

    /// `[A-Za-z]`.
    @inlinable @inline(__always) public static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    /// `[A-Za-z0-9]`.
    @inlinable @inline(__always) public static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }

    /// Perl `\w` on a byte string: `[A-Za-z0-9_]`.
    @inlinable @inline(__always) public static func isWord(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == underscore }

    /// `[0-9a-fA-F]`.
    @inlinable @inline(__always) public static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20) &- 0x61 < 6
    }

    /// ASCII lower-casing of one byte.
    @inlinable @inline(__always) public static func lowercased(_ b: UInt8) -> UInt8 {
        b &- 0x41 < 26 ? b | 0x20 : b
    }

    /// ASCII lower-casing of a string (other bytes unchanged).
    @inlinable public static func lowercased(_ s: String) -> String {
        String(decoding: s.utf8.map(lowercased), as: UTF8.self)
    }
}
