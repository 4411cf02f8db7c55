extension Array where Element: FixedWidthInteger {
    /// Replaces the contents with the elements `body` writes through a buffer pointer.
    ///
    /// Hot byte loops call this instead of one `append` per element: every `append` checks
    /// uniqueness and capacity, which cost more than the loop's own work. The array keeps its
    /// capacity, so a reused scratch buffer allocates only when a longer text arrives.
    /// - Parameters:
    ///   - maxCount: an upper bound of the number of elements `body` writes.
    ///   - body: writes elements from the start of a buffer of `maxCount` zeros and returns
    ///     how many it wrote.
    /// - Complexity: O(`maxCount`) plus the work of `body`.
    mutating func overwrite(
        maxCount: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> Int
    ) {
        removeAll(keepingCapacity: true)
        append(contentsOf: repeatElement(0, count: maxCount))
        let written = withUnsafeMutableBufferPointer { body($0) }
        precondition(written >= 0 && written <= maxCount, "overwrite wrote past maxCount")
        removeLast(maxCount - written)
    }
}
