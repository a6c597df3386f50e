/// The snapshot sections of a config by name, kept in the order the canonical writer prints
/// them (ascending bytes of the name, Perl's `sort`).
///
/// It reads like a dictionary (`snapshots["before-upgrade"]`, `snapshots[name] = section`,
/// `for (name, section) in snapshots`), but iteration is always in name order, and a config
/// read from a file that is already sorted fills it without hashing or searching.
public struct ConfigSnapshots: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: ConfigSection)

    /// Names in ascending byte order; `sections[i]` belongs to `names[i]`.
    private var names: [String] = []
    private var sections: [ConfigSection] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, ConfigSection)...) {
        for (name, section) in elements { self[name] = section }
    }

    /// The snapshots of a dictionary.
    public init(_ snapshots: [String: ConfigSection]) {
        for (name, section) in snapshots { self[name] = section }
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    /// The snapshot names in ascending byte order.
    public var keys: [String] { names }

    /// The sections in the order of `keys`.
    public var values: [ConfigSection] { sections }

    /// The section named `name`; setting nil removes it.
    public subscript(name: String) -> ConfigSection? {
        get {
            let (found, i) = position(of: name)
            return found ? sections[i] : nil
        }
        _modify {
            let (found, i) = position(of: name)
            var value: ConfigSection? = nil
            if found {
                // Moved out and back in, so that an edit through the subscript does not copy the section.
                var taken = ConfigSection()
                swap(&taken, &sections[i])
                value = taken
            }
            defer {
                switch (found, value) {
                case (true, let section?): sections[i] = section
                case (true, nil):
                    names.remove(at: i)
                    sections.remove(at: i)
                case (false, let section?):
                    names.insert(name, at: i)
                    sections.insert(section, at: i)
                case (false, nil): break
                }
            }
            yield &value
        }
    }

    /// Removes the section named `name` and returns it.
    @discardableResult
    public mutating func removeValue(forKey name: String) -> ConfigSection? {
        let (found, i) = position(of: name)
        guard found else { return nil }
        names.remove(at: i)
        return sections.remove(at: i)
    }

    public func makeIterator() -> Iterator {
        Iterator(names: names, sections: sections)
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let names: [String]
        fileprivate let sections: [ConfigSection]
        private var position = 0

        fileprivate init(names: [String], sections: [ConfigSection]) {
            self.names = names
            self.sections = sections
        }

        public mutating func next() -> Element? {
            guard position < names.count else { return nil }
            defer { position += 1 }
            return (names[position], sections[position])
        }
    }

    /// Files `section` under `name` (replacing a section of that name): the reader's path, which
    /// appends without a search when `name` sorts after every name so far.
    mutating func set(_ section: consuming ConfigSection, for name: String) {
        if let last = names.last, ByteText.compare(last, name) >= 0 {
            self[name] = section
        } else {
            names.append(name)
            sections.append(section)
        }
    }

    /// Calls `body` with each name and section in order, without copying the sections.
    func forEach<E: Error>(_ body: (String, borrowing ConfigSection) throws(E) -> Void) throws(E) {
        for i in names.indices { try body(names[i], sections[i]) }
    }

    /// Where `name` is, or where it would be inserted.
    private func position(of name: String) -> (found: Bool, at: Int) {
        // Names usually arrive in order: check the end first.
        guard let last = names.last else { return (false, 0) }
        let c = ByteText.compare(last, name)
        if c < 0 { return (false, names.count) }
        if c == 0 { return (true, names.count - 1) }
        var lo = 0
        var hi = names.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = ByteText.compare(names[mid], name)
            if c == 0 { return (true, mid) }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }
}
