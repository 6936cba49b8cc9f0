import Atomistics
import Foundation
import Testing

@Suite("EAM file errors name the file, the line and what was expected")
struct EAMFileErrorTests {
    let setflText: String
    let funcflText: String

    init() throws {
        setflText = try String(contentsOf: potentialFile("CuNi.eam.alloy"), encoding: .utf8)
        funcflText = try String(contentsOf: potentialFile("Cu_u3.eam"), encoding: .utf8)
    }

    /// The text with line `number` (1-based) replaced.
    func replacing(_ text: String, line number: Int, with newLine: String) -> String {
        var lines = text.components(separatedBy: "\n")
        lines[number - 1] = newLine
        return lines.joined(separator: "\n")
    }

    func error(_ body: () throws -> Void) -> EAMFileError? {
        do { try body() } catch let e as EAMFileError { return e } catch { return nil }
        return nil
    }

    @Test("the shipped files parse")
    func shippedFilesParse() throws {
        let u3 = try EAMFuncflFile(parsing: funcflText, file: "Cu_u3.eam")
        #expect(u3.atomicNumber == 29 && u3.mass == 63.55 && u3.nrho == 500 && u3.nr == 500)
        #expect(u3.dr == 1.0000000000000009e-02 && u3.cutoff == 4.9499999999999886)
        #expect(u3.embedding.count == 500 && u3.effectiveCharge.count == 500 && u3.density.count == 500)
        let cuni = try EAMSetflFile(parsing: setflText, file: "CuNi.eam.alloy", finnisSinclair: false)
        #expect(cuni.elements == ["Ni", "Cu"] && cuni.masses == [58.689, 63.546] && cuni.atomicNumbers == [28, 29])
        #expect(cuni.scaledPair.map(\.count) == [1, 2] && cuni.density.allSatisfy { $0.count == 1 })
        let mishin = try EAMSetflFile(contentsOf: potentialFile("Cu_mishin1.eam.alloy"))
        #expect(mishin.elements == ["Cu"] && mishin.nr == 10001 && mishin.embedding[0].count == 10001)
    }

    @Test("a truncated table")
    func truncated() throws {
        // Keep the first 300 lines: the file ends inside the Ni–Cu pair table or earlier.
        let cut = setflText.components(separatedBy: "\n").prefix(300).joined(separator: "\n")
        let e = try #require(error { _ = try EAMSetflFile(parsing: cut, file: "cut.eam.alloy", finnisSinclair: false) })
        #expect(e.file == "cut.eam.alloy")
        #expect(e.line == 300)
        guard case .truncated(let expected) = e.kind else { Issue.record("\(e)"); return }
        #expect(expected.contains("Cu") && expected.contains("found only"))
        #expect(e.description.hasPrefix("cut.eam.alloy:300: the file ends too early: expected"))
    }

    @Test("a number that is not one")
    func badNumber() throws {
        let broken = replacing(setflText, line: 10, with: "  0.1  0.2  zero.3  0.4  0.5")
        let e = try #require(error { _ = try EAMSetflFile(parsing: broken, file: "bad.eam.alloy", finnisSinclair: false) })
        #expect(e.line == 10)
        #expect(e.kind == .badNumber(expected: "a real number in F(rho) of Ni (element 1)", found: "zero.3"))
        #expect(e.description == "bad.eam.alloy:10: expected a real number in F(rho) of Ni (element 1), found 'zero.3'")
    }

    @Test("a wrong element count")
    func elementCount() throws {
        let broken = replacing(setflText, line: 4, with: "    2  Ni")
        let e = try #require(error { _ = try EAMSetflFile(parsing: broken, file: "few.eam.alloy", finnisSinclair: false) })
        #expect(e.line == 4 && e.kind == .elementCount(declared: 2, found: 1))
    }

    @Test("an element the file does not have")
    func unknownElement() throws {
        let url = potentialFile("CuNi.eam.alloy")
        let e = try #require(error { _ = try EAMPotential(contentsOf: url, typeElements: ["Cu", "Fe"]) })
        #expect(e.file == url.path && e.kind == .unknownElement("Fe", available: ["Ni", "Cu"]))
    }

    @Test("a grid line with a missing field, and a non-positive spacing")
    func badGridLine() throws {
        let missing = replacing(setflText, line: 5, with: "  500  0.0059  500  0.0128")
        let e1 = try #require(error { _ = try EAMSetflFile(parsing: missing, file: "grid.eam.alloy", finnisSinclair: false) })
        #expect(e1.line == 5)
        guard case .missingField = e1.kind else { Issue.record("\(e1)"); return }
        let zero = replacing(funcflText, line: 3, with: "  500  5.0e-04  500  0.0  4.95")
        let e2 = try #require(error { _ = try EAMFuncflFile(parsing: zero, file: "grid.eam") })
        #expect(e2.line == 3 && e2.kind == .invalidValue(expected: "dr > 0", found: "0.0"))
    }

    @Test("values past the end of a table on its last line")
    func extraValues() throws {
        // Line 103 is the last line of F(rho) in Cu_u3.eam (lines 4…103, five values each).
        var lines = funcflText.components(separatedBy: "\n")
        lines[102] += " 1.0"
        let e = try #require(error { _ = try EAMFuncflFile(parsing: lines.joined(separator: "\n"), file: "x.eam") })
        #expect(e.line == 103)
        guard case .extraValues(let after, let found) = e.kind else { Issue.record("\(e)"); return }
        #expect(after.contains("F(rho)") && found == "1.0")
    }

    @Test("a Finnis–Sinclair file read as setfl is refused where the layouts part")
    func wrongFormat() throws {
        let setfl = try EAMSetflFile(parsing: setflText, file: "CuNi.eam.alloy", finnisSinclair: false)
        let fsText = finnisSinclairText(setfl) { i, _ in setfl.density[i][0] }
        let e = try #require(error { _ = try EAMSetflFile(parsing: fsText, file: "CuNi.eam.fs", finnisSinclair: false) })
        #expect(e.file == "CuNi.eam.fs")
        guard case .badNumber(let expected, _) = e.kind else { Issue.record("\(e)"); return }
        #expect(expected == "the integer atomic number of Cu")
    }

    @Test("a file that cannot be read")
    func unreadable() throws {
        let url = URL(fileURLWithPath: "/nonexistent/nothing.eam")
        let e = try #require(error { _ = try EAMFuncflFile(contentsOf: url) })
        #expect(e.file == url.path && e.line == 1)
        guard case .unreadable = e.kind else { Issue.record("\(e)"); return }
    }

    @Test("values after the last table")
    func trailingData() throws {
        let e = try #require(error { _ = try EAMFuncflFile(parsing: funcflText + "\n1.0 2.0\n", file: "t.eam") })
        guard case .trailingData(let found) = e.kind else { Issue.record("\(e)"); return }
        // Cu_u3.eam has 305 lines; the appended text adds a blank line 306 and line 307.
        #expect(found == "1.0 2.0" && e.line == 307)
    }
}

@Test("a funcfl file is asked for its own element only")
func funcflElementCheck() throws {
    let url = potentialFile("Cu_u3.eam")
    let pot = try EAMPotential(contentsOf: url, typeElements: ["Cu", "Cu"])
    #expect(pot.typeElements == ["Cu", "Cu"] && pot.typeCount == 2 && pot.style == .funcfl)
    #expect(throws: EAMFileError(file: url.path, line: 2, kind: .unknownElement("Ni", available: ["Cu"]))) {
        _ = try EAMPotential(contentsOf: url, typeElements: ["Cu", "Ni"])
    }
}
