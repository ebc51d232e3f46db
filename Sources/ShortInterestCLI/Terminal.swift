#if canImport(Glibc)
import Glibc
#endif

/// One line redrawn on a terminal; nothing when stderr is not a terminal.
struct ProgressBar: Sendable {
    let enabled: Bool

    func show(done: Int, of count: Int, label: String) {
        guard enabled else { return }
        let width = 30
        let filled = width * done / max(count, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        writeToStandardError("\r[\(bar)] \(done)/\(count) \(label)\u{1B}[K")
    }

    func finish() {
        if enabled { writeToStandardError("\n") }
    }
}

func printError(_ line: String) {
    writeToStandardError(line + "\n")
}

private func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = write(STDERR_FILENO, &bytes, bytes.count)
}
