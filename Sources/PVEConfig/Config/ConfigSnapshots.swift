/// The snapshot sections of a config by name, kept in the order the canonical writer prints
/// them (ascending bytes of the name, Perl's `sort`).
///
/// It reads like a dictionary (`snapshots["before-upgrade"]`, `snapshots[name] = section`,
/// `for (name, section) in snapshots`), but iteration is always in name order, and a config
/// read from a file that is already sorted fills it without hashing or searching.
public struct ConfigSnapshots: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: ConfigSection)

    /// One snapshot. (A struct rather than a tuple: arrays of it get specialized copies and
    /// clean-up instead of the runtime's generic tuple code.)
    struct Item: Sendable {
        var name: String
        var section: ConfigSection
    }

    /// In ascending byte order of the names.
    private var items: [Item] = []

    /// No snapshots.
    public init() {}

    public init(dictionaryLiteral elements: (String, ConfigSection)...) {
        for (name, section) in elements { self[name] = section }
    }

    /// The snapshots of a dictionary.
    public init(_ snapshots: [String: ConfigSection]) {
        for (name, section) in snapshots { self[name] = section }
    }

    /// The number of snapshots.
    public var count: Int { items.count }
    /// Whether there is no snapshot.
    public var isEmpty: Bool { items.isEmpty }

    /// The snapshot names in ascending byte order.
    public var keys: [String] { items.map(\.name) }

    /// The sections in the order of `keys`.
    public var values: [ConfigSection] { items.map(\.section) }

    public static func == (a: ConfigSnapshots, b: ConfigSnapshots) -> Bool {
        a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.name == $1.name && $0.section == $1.section }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(items.count)
        for item in items {
            hasher.combine(item.name)
            hasher.combine(item.section)
        }
    }

    /// The section named `name`; setting nil removes it.
    public subscript(name: String) -> ConfigSection? {
        get {
            let (found, i) = position(of: name)
            return found ? items[i].section : nil
        }
        _modify {
            let (found, i) = position(of: name)
            var value: ConfigSection? = nil
            if found {
                // Moved out and back in, so that an edit through the subscript does not copy the section.
                var taken = ConfigSection()
                swap(&taken, &items[i].section)
                value = taken
            }
            defer {
                switch (found, value) {
                case (true, let section?): items[i].section = section
                case (true, nil): items.remove(at: i)
                case (false, let section?): items.insert(Item(name: name, section: section), at: i)
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
        return items.remove(at: i).section
    }

    public func makeIterator() -> Iterator {
        Iterator(items: items)
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let items: [Item]
        private var position = 0

        fileprivate init(items: [Item]) {
            self.items = items
        }

        public mutating func next() -> Element? {
            guard position < items.count else { return nil }
            defer { position += 1 }
            return (items[position].name, items[position].section)
        }
    }

    /// Moves `section` in under `name` (replacing a section of that name) and leaves an empty
    /// section behind: the reader's path, which appends without a search when `name` sorts after
    /// every name so far. (Swapping in place avoids a copy of the section.)
    mutating func take(_ section: inout ConfigSection, for name: String) {
        if !items.isEmpty, compare(at: items.count - 1, with: name) >= 0 {
            var taken = ConfigSection()
            swap(&taken, &section)
            self[name] = taken
        } else {
            // Most configs have a few snapshots: room for them at once instead of regrowing.
            if items.isEmpty { items.reserveCapacity(4) }
            items.append(Item(name: name, section: ConfigSection()))
            swap(&items[items.count - 1].section, &section)
        }
    }

    /// The name of the `i`-th snapshot in order.
    func name(at i: Int) -> String { items[i].name }

    /// The section of the `i`-th snapshot in order, lent rather than copied.
    subscript(sectionAt i: Int) -> ConfigSection {
        _read { yield items[i].section }
    }

    /// The byte order of the name at `index` against `name`. (Through a pointer: `items[i].name`
    /// would copy the whole item, section included.)
    private func compare(at index: Int, with name: String) -> Int {
        items.withUnsafeBufferPointer { ByteText.compare($0[index].name, name) }
    }

    /// Where `name` is, or where it would be inserted.
    private func position(of name: String) -> (found: Bool, at: Int) {
        SortedPosition.find(count: items.count) { compare(at: $0, with: name) }
    }
}
