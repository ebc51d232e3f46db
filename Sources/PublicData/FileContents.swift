import FoundationEssentials

/// The only file I/O in this target, for the `parse(contentsOf:)`
/// conveniences. FoundationEssentials (not Foundation) keeps ICU out of the library.
enum FileContents {
    static func read(_ path: String) throws(PublicDataError) -> (bytes: [UInt8], name: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        do {
            let data = try Data(contentsOf: URL(filePath: path))
            return ([UInt8](data), name)
        } catch {
            throw PublicDataError(file: name, line: 0, reason: "cannot read \(path): \(error)")
        }
    }
}
