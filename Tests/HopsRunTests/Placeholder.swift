import Testing

@Test func HopsRunTestsPlaceholder() { #expect(1 + 1 == 2) }
