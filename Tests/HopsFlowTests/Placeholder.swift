import Testing

@Test func HopsFlowTestsPlaceholder() { #expect(1 + 1 == 2) }
