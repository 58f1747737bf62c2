import Testing

@Test func HopsStoreTestsPlaceholder() { #expect(1 + 1 == 2) }
