import Testing
@testable import PVERuntime

@Suite struct PVERuntimeSmokeTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
