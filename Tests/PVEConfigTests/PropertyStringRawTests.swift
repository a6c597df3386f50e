import Testing
@testable import PVEConfig

@Suite struct PropertyStringRawTests {
    @Test func rawEntriesSplitsAtEveryComma() {
        #expect(
            PropertyString.rawEntries("name=eth0,,ip=dhcp, ,local:x,a=b=c")
                == [
                    .init(key: "name", value: "eth0"), .init(key: "ip", value: "dhcp"),
                    .init(key: nil, value: "local:x"), .init(key: "a", value: "b=c"),
                ])
    }
}
