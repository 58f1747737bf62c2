import Testing

@Test func HopsShellTestsPlaceholder() { #expect(1 + 1 == 2) }
