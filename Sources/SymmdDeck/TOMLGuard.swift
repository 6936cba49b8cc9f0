/// What the bundled TOML parser (toml++ inside TOMLKit) must never see: a table header whose name
/// starts with a character that cannot start a key (`[ = "x"`, `[.a]`, `[[!]]`). toml++ checks that
/// with an assertion, which aborts the process in a debug build and is undefined behaviour in a
/// release build, instead of reporting an error. This scan finds such headers first, so the deck
/// is refused with a message naming the line. Everything else is left to the parser.
enum TOMLGuard {
    /// The 1-based line and text of the first table header that toml++ cannot parse safely, or nil.
    static func unsafeHeader(in text: String) -> (line: Int, text: String)? {
        var depth = 0          // open [ and { of a value (multi-line arrays, inline tables)
        var line = 1
        var atLineStart = true
        var afterEquals = false  // inside a key = value on this line (a [ there opens a value)
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isKeyStart(_ c: Unicode.Scalar) -> Bool {
            ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "\"" || c == "'"
        }
        func skipString(_ quote: Unicode.Scalar) {
            // i at the opening quote; handles """ and ''' (multi-line) and escapes in basic strings.
            let triple = i + 2 < chars.count && chars[i + 1] == quote && chars[i + 2] == quote
            i += triple ? 3 : 1
            while i < chars.count {
                let c = chars[i]
                if c == "\n" {
                    line += 1
                    if !triple { return }   // an unterminated one-line string: the parser reports it
                }
                if quote == "\"" && c == "\\" { i += 2; continue }
                if c == quote {
                    if !triple { i += 1; return }
                    if i + 2 < chars.count && chars[i + 1] == quote && chars[i + 2] == quote { i += 3; return }
                }
                i += 1
            }
        }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\n":
                line += 1
                atLineStart = true
                afterEquals = false
                i += 1
                continue
            case " ", "\t", "\r":
                i += 1
                continue
            case "#":
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            case "\"", "'":
                skipString(c)
                atLineStart = false
                continue
            case "=":
                afterEquals = true
            case "[" where atLineStart && depth == 0 && !afterEquals:
                // A table header: [name] or [[name]].
                var j = i + 1
                if j < chars.count && chars[j] == "[" { j += 1 }
                while j < chars.count && (chars[j] == " " || chars[j] == "\t") { j += 1 }
                if j < chars.count && chars[j] != "]" && !isKeyStart(chars[j]) {
                    var end = i
                    while end < chars.count && chars[end] != "\n" { end += 1 }
                    return (line, String(String.UnicodeScalarView(chars[i..<end])))
                }
                // Skip the header itself.
                while i < chars.count && chars[i] != "\n" && chars[i] != "#" { i += 1 }
                atLineStart = false
                continue
            case "[", "{":
                depth += 1
            case "]", "}":
                depth = max(0, depth - 1)
            default:
                break
            }
            atLineStart = false
            i += 1
        }
        return nil
    }
}
