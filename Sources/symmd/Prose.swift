import Foundation

/// Help text as ArgumentParser should wrap it: the lines of each prose paragraph joined (the source
/// keeps them short), blank lines kept as paragraph breaks, and indented lines (example commands)
/// with the line introducing them kept exactly, so the terminal width decides the wrapping once.
func prose(_ text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    func indented(_ l: String) -> Bool { l.hasPrefix(" ") || l.hasPrefix("\t") }
    var out: [String] = []
    var paragraph: [String] = []
    func flush() {
        if !paragraph.isEmpty { out.append(paragraph.joined(separator: " ")); paragraph = [] }
    }
    for (k, l) in lines.enumerated() {
        let introducesExample = k + 1 < lines.count && indented(lines[k + 1])
        if l.trimmingCharacters(in: .whitespaces).isEmpty {
            flush()
            out.append("")
        } else if indented(l) {
            flush()
            out.append(l)
        } else if introducesExample {
            // "Example:" on its own line; otherwise the sentence that leads into the block.
            if l.hasPrefix("Example") { flush(); out.append(l) } else { paragraph.append(l); flush() }
        } else {
            paragraph.append(l)
        }
    }
    flush()
    return out.joined(separator: "\n")
}
