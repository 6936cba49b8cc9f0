import Foundation

/// The header of an `.npy` file: a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (10, 96), }`.
enum NumpyHeader {
    /// The dtype, whether the data are in Fortran order, and the shape.
    ///
    /// - Throws: `TrajectoryIOError` naming `file` when a key is missing or malformed, the dtype
    ///   is not one of `NumpyArray.DType`, or the element count overflows.
    static func parse(_ header: String, file: String) throws -> (NumpyArray.DType, Bool, [Int]) {
        func fail(_ kind: TrajectoryIOError.Kind) -> TrajectoryIOError { TrajectoryIOError(file: file, line: 0, kind: kind) }
        let text = header.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.first == "{", text.last == "}" else {
            throw fail(.unexpected(expected: "an npy header dict {'descr': …, 'fortran_order': …, 'shape': (…)}",
                                   found: "'\(text.prefix(80))'"))
        }
        func value(of key: String) throws -> Substring {
            guard let k = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\""),
                  let colon = text[k.upperBound...].firstIndex(of: ":") else {
                throw fail(.unexpected(expected: "the key '\(key)' in the npy header", found: "'\(text.prefix(80))'"))
            }
            return text[text.index(after: colon)...].drop(while: { $0 == " " })
        }

        let descrText = try value(of: "descr")
        guard let quote = descrText.first, quote == "'" || quote == "\"",
              let close = descrText.dropFirst().firstIndex(of: quote) else {
            throw fail(.unsupported("npy dtype \(descrText.prefix(40)) (only '<f4', '<f8', '<i4', '<i8')"))
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<close])
        guard let dtype = NumpyArray.DType(rawValue: descr) else {
            throw fail(.unsupported("npy dtype '\(descr)' (only '<f4', '<f8', '<i4', '<i8')"))
        }

        let fortranText = try value(of: "fortran_order")
        let fortran: Bool
        if fortranText.hasPrefix("False") { fortran = false } else if fortranText.hasPrefix("True") { fortran = true } else {
            throw fail(.unexpected(expected: "fortran_order True or False", found: "'\(fortranText.prefix(20))'"))
        }

        let shapeText = try value(of: "shape")
        guard shapeText.first == "(", let end = shapeText.firstIndex(of: ")") else {
            throw fail(.unexpected(expected: "a shape tuple (…)", found: "'\(shapeText.prefix(40))'"))
        }
        let items = shapeText[shapeText.index(after: shapeText.startIndex)..<end]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape = [Int]()
        var count = 1
        for item in items {
            // Python 2 wrote long integers as `3L`.
            let digits = item.hasSuffix("L") ? String(item.dropLast()) : item
            guard let d = Int(digits), d >= 0 else {
                throw fail(.badNumber(expected: "a non-negative dimension in the npy shape", found: item))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            let (_, overflow2) = product.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, !overflow2 else { throw fail(.unsupported("an npy shape this large \(items)")) }
            count = product
            shape.append(d)
        }
        return (dtype, fortran, shape)
    }
}
