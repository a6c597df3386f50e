import Testing
@testable import PVEGuestSetup

@Suite struct PVEGuestSetupSmokeTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
