import Testing
@testable import Atomistics

@Test func fccBoxBuilds() throws {
    let box = try Box(lengths: [7.22, 7.22, 7.22])
    #expect(abs(box.volume - 7.22 * 7.22 * 7.22) < 1e-9)
}
