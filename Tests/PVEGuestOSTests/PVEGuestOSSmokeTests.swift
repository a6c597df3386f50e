import Testing
@testable import PVEGuestOS

@Suite struct PVEGuestOSSmokeTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
