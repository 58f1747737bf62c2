/// The variables of an interpreter session, by slot; a slot is nil until its name is defined.
final class GlobalTable {
    private var indexes: [String: Int] = [:]
    private(set) var names: [String] = []
    var values: [Value?] = []
    var constants: Set<String> = []

    func index(of name: String) -> Int? { indexes[name] }

    /// The slot of `name`, made (undefined as yet) when it has none, so code can refer to it before it exists.
    func slot(for name: String) -> Int {
        if let index = indexes[name] { return index }
        indexes[name] = names.count
        names.append(name)
        values.append(nil)
        return names.count - 1
    }

    subscript(name: String) -> Value? {
        get { indexes[name].flatMap { values[$0] } }
        set { values[slot(for: name)] = newValue }
    }
}
