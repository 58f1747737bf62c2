/// Keeps `value` until the process exits, which a command's process does right after printing it:
/// freeing a large value object by object (a `--input` of 200,000 objects, the report of a run of
/// 1,000 steps) takes longer than evaluating or writing it did, and the kernel takes the memory
/// back at once.
func keepUntilExit(_ value: Any) {
    _ = Unmanaged.passRetained(KeptUntilExit(value))
}

private final class KeptUntilExit {
    let value: Any
    init(_ value: Any) { self.value = value }
}
