import Testing
@testable import PVEConfig

@Suite struct PVEConfigSmokeTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
