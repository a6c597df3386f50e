import PVECore
/// The `startup` value of a guest config: `[[order=]N][,up=N][,down=N]`
/// (Proxmox: `PVE::JSONSchema::pve_parse_startup_order`, format `pve-startup-order`).
public struct StartupOrder: Sendable, Hashable {
    /// Start order (lower starts first); shutdown runs in reverse.
    public var order: UInt64?
    /// Seconds to wait after this guest started before starting the next one.
    public var up: UInt64?
    /// Seconds to wait after this guest stopped before stopping the next one.
    public var down: UInt64?

    /// Creates a startup order.
    public init(order: UInt64? = nil, up: UInt64? = nil, down: UInt64? = nil) {
        self.order = order
        self.up = up
        self.down = down
    }

    /// Parses the value; parts are split at `,`, blank parts are ignored, a later part overrides an
    /// earlier one. The empty string and `0` are rejected, as in Proxmox.
    ///
    /// - Throws: `unable to parse startup options`.
    public init(parsing text: String) throws(PropertyStringError) {
        guard let parsed = Bytes.withBytes(text, { StartupOrder.parse($0) }) else {
            throw PropertyStringError(message: "unable to parse startup options", offset: 0)
        }
        self = parsed
    }

    /// The canonical text, `order=N,up=N,down=N` with absent parts left out.
    public var propertyString: String {
        var parts: [String] = []
        if let order { parts.append("order=\(order)") }
        if let up { parts.append("up=\(up)") }
        if let down { parts.append("down=\(down)") }
        return parts.joined(separator: ",")
    }

    package static func parse(_ s: UnsafeBufferPointer<UInt8>) -> StartupOrder? {
        // `return undef if !$value`: Perl's false strings are "" and "0".
        if s.isEmpty || (s.count == 1 && s[0] == ASCII.zero) { return nil }
        var result = StartupOrder()
        var start = 0
        while start <= s.count {
            var end = start
            while end < s.count, s[end] != ASCII.comma { end += 1 }
            let part = UnsafeBufferPointer(rebasing: s[start..<end])
            start = end + 1
            if Bytes.isBlank(part) { continue }
            let body = Bytes.dollarTrimmed(part)
            if Bytes.isDigits(body) {
                result.order = Bytes.digitValue(body)
            } else if let v = prefixed(body, "order=") {
                result.order = v
            } else if let v = prefixed(body, "up=") {
                result.up = v
            } else if let v = prefixed(body, "down=") {
                result.down = v
            } else {
                return nil
            }
        }
        return result
    }

    private static func prefixed(_ s: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> UInt64? {
        let n = prefix.utf8CodeUnitCount
        guard s.count > n, Bytes.equals(UnsafeBufferPointer(rebasing: s[..<n]), prefix) else { return nil }
        let digits = UnsafeBufferPointer(rebasing: s[n...])
        return Bytes.isDigits(digits) ? Bytes.digitValue(digits) : nil
    }
}

/// Proxmox's list splitting for `-list` formats (Proxmox: `PVE::ParseUtils::split_list`).
public enum ValueList {
    /// Splits at NUL bytes if the text contains one; otherwise treats `,` and `;` as blanks,
    /// drops leading whitespace and splits at runs of whitespace. An empty list is valid.
    public static func split(_ text: String) -> [String] {
        Bytes.withBytes(text) { buf in split(buf).map { Bytes.string(UnsafeBufferPointer(rebasing: buf[$0])) } }
    }

    package static func split(_ s: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var items = Items(s)
        while let item = items.next() { result.append(item) }
        return result
    }

    /// The items of a list one by one, without allocating (the config reader's path).
    package struct Items: IteratorProtocol {
        private let s: UnsafeBufferPointer<UInt8>
        private let splitsAtNul: Bool
        private var position = 0

        package init(_ s: UnsafeBufferPointer<UInt8>) {
            self.s = s
            self.splitsAtNul = s.contains(ASCII.nul)
        }

        package mutating func next() -> Range<Int>? {
            splitsAtNul ? nextNulField() : nextWord()
        }

        /// Fields between NUL bytes; Perl's split drops the trailing empty fields, i.e. those
        /// followed by nothing but NUL bytes.
        private mutating func nextNulField() -> Range<Int>? {
            let start = position
            guard start < s.count, s[start...].contains(where: { $0 != ASCII.nul }) else { return nil }
            var end = start
            while end < s.count, s[end] != ASCII.nul { end += 1 }
            position = end + 1
            return start..<end
        }

        /// Runs of bytes that are neither whitespace nor `,`/`;`.
        private mutating func nextWord() -> Range<Int>? {
            var i = position
            while i < s.count, Self.isSeparator(s[i]) { i += 1 }
            let start = i
            while i < s.count, !Self.isSeparator(s[i]) { i += 1 }
            position = i
            return i > start ? start..<i : nil
        }

        @inline(__always)
        private static func isSeparator(_ b: UInt8) -> Bool {
            ASCII.isSpace(b) || b == ASCII.comma || b == ASCII.semicolon
        }
    }
}
