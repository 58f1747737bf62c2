import Testing

@Test func HopsLangTestsPlaceholder() { #expect(1 + 1 == 2) }
