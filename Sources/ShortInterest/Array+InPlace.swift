extension Array {
    /// Calls `body` with each element's index and a pointer to it where the
    /// array holds it. A page's rows taken whole (`for row in rows`), and
    /// even `rows[index].field`, are copied through the row's value witness:
    /// 5 % of a 50-row C page call's instructions, about 220 a row of JSON
    /// text (callgrind, BENCHMARKS.md).
    ///
    /// Inlinable, so that the C wrapper's use is specialized for its rows.
    @inlinable
    package func forEachInPlace(_ body: (Int, UnsafePointer<Element>) -> Void) {
        withUnsafeBufferPointer { buffer in
            guard let first = buffer.baseAddress else { return }
            for index in buffer.indices { body(index, first + index) }
        }
    }
}
