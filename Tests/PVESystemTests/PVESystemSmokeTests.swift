import Testing
@testable import PVESystem

@Suite struct PVESystemSmokeTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
