@testable import Analysis
import Atomistics
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct MeanSquareDisplacementTests {
    /// A crystal whose atoms only vibrate while the whole system drifts (a Langevin thermostat's
    /// random walk of the centre of mass): with the drift removed the MSD stays bounded by the
    /// vibration, with it kept it grows as the drift squared.
    @Test func centreOfMassDriftIsRemoved() throws {
        var rng = Xoshiro256StarStar(seed: 9)
        let box = try Box(lengths: [20, 20, 20])
        let n = 10, frames = 60
        let sites = (0..<(3 * n)).map { _ in 20 * rng.nextUniform() }
        var drift = (0.0, 0.0, 0.0)
        var x = [[Double]]()
        for k in 0..<frames {
            drift = (Double(k) * 0.05, Double(k) * -0.03, 0)
            x.append((0..<(3 * n)).map { c in sites[c] + 0.01 * rng.nextNormal() + [drift.0, drift.1, drift.2][c % 3] })
        }
        let boxes = [Box](repeating: box, count: frames)
        let removed = MeanSquareDisplacement(wrapped: x, boxes: boxes, dt: 1, driftWeights: [Double](repeating: 63.5, count: n))
        let kept = MeanSquareDisplacement(wrapped: x, boxes: boxes, dt: 1)
        #expect(removed.msd.max()! < 1e-3)                                    // 2·3·0.01² plus noise
        #expect(abs(kept.msd[40] - (0.05 * 0.05 + 0.03 * 0.03) * 1600) < 0.01)  // the drift, (v t)²
    }

    /// x = v t for every atom: MSD(t) = |v|² t² exactly (every origin agrees).
    @Test func ballisticIsQuadratic() {
        let dt = 0.01, frames = 50
        let v: [Double] = [1.5, -0.5, 2.0, 0.3, 0.2, -1.0]  // two atoms, Å/ps
        let x = (0..<frames).map { k in v.map { $0 * Double(k) * dt } }
        let msd = MeanSquareDisplacement(unwrapped: x, dt: dt)
        let v2 = (v[0...2].reduce(0) { $0 + $1 * $1 } + v[3...5].reduce(0) { $0 + $1 * $1 }) / 2
        for (t, m) in zip(msd.lagTimes, msd.msd) {
            #expect(abs(m - v2 * t * t) < 1e-9 * max(1, v2 * t * t), "MSD(\(t)) = \(m)")
        }
    }

    /// A seeded random walk wrapped into a box: unwrapping restores it and D = σ²/(2 dt) within a few %.
    @Test func randomWalkRecoversDiffusion() throws {
        var rng = Xoshiro256StarStar(seed: 11)
        let atoms = 2000, frames = 200, dt = 0.002
        let a = 0.3  // uniform step in [−a, a] per component: variance a²/3 (Å²)
        let box = try Box(lengths: [8, 8, 8])
        var x = (0..<(3 * atoms)).map { _ in 8 * rng.nextUniform() }
        var wrapped = [[Double]](), truth = [[Double]]()
        for _ in 0..<frames {
            truth.append(x)
            var w = x
            box.wrap(&w)
            wrapped.append(w)
            for j in x.indices { x[j] += a * (2 * rng.nextUniform() - 1) }
        }
        // atoms cross the boundary: the wrapped frames differ from the truth, unwrapping restores it
        #expect(zip(wrapped.last!, truth.last!).contains { abs($0 - $1) > 1 })
        let unwrapped = MeanSquareDisplacement.unwrap(wrapped, boxes: Array(repeating: box, count: frames))
        // each coordinate is the truth plus its frame-0 image shift, for every frame
        for (u, t) in zip(unwrapped, truth) {
            for j in u.indices { #expect(abs((u[j] - t[j]) - (unwrapped[0][j] - truth[0][j])) < 1e-9) }
        }
        let msd = MeanSquareDisplacement(wrapped: wrapped, boxes: Array(repeating: box, count: frames), dt: dt)
        let fit = try #require(msd.diffusion())
        let expected = a * a / 3 / (2 * dt)
        #expect(abs(fit.coefficient / expected - 1) < 0.04, "D \(fit.coefficient) vs \(expected)")
        #expect(abs(fit.fitRange.lowerBound - 0.2 * Double(frames - 1) * dt) < dt)
    }

    /// The FFT MSD equals the direct average over all origins.
    @Test func fftEqualsDirectAverage() {
        var rng = Xoshiro256StarStar(seed: 2)
        let frames = (0..<37).map { _ in (0..<9).map { _ in 20 * rng.nextUniform() } }
        let msd = MeanSquareDisplacement(unwrapped: frames, dt: 1)
        for m in 0..<37 {
            var s = 0.0
            for k in 0..<(37 - m) { for j in 0..<9 { s += (frames[k + m][j] - frames[k][j]) * (frames[k + m][j] - frames[k][j]) } }
            let direct = s / Double(37 - m) / 3
            #expect(abs(msd.msd[m] - direct) < 1e-9 * max(1, direct), "lag \(m): \(msd.msd[m]) vs \(direct)")
        }
    }

    /// An atom stepping +0.4 Å per frame through a 5 Å box unwraps to a straight line.
    @Test func unwrapsAcrossTheBoundary() throws {
        let box = try Box(lengths: [5, 5, 5])
        var frames = [[Double]]()
        for k in 0..<30 {
            var p = [4.0 + 0.4 * Double(k), 1, 1]
            box.wrap(&p)
            frames.append(p)
        }
        let u = MeanSquareDisplacement.unwrap(frames, boxes: Array(repeating: box, count: 30))
        for k in 0..<30 { #expect(abs(u[k][0] - (4.0 + 0.4 * Double(k))) < 1e-9) }
    }
}

@Suite struct CorrelationTests {
    /// The zero-padded FFT correlation is the linear one: equal to the direct O(T²) sum.
    @Test(arguments: [1, 2, 7, 64, 100, 257])
    func fftEqualsDirectSum(length: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(length))
        let x = (0..<length).map { _ in rng.nextNormal() + 0.5 }
        let fft = Correlation.autocorrelation(x), direct = Correlation.directAutocorrelation(x)
        #expect(fft.count == length)
        for (a, b) in zip(fft, direct) { #expect(abs(a - b) < 1e-10 * max(1, abs(b)), "\(a) vs \(b)") }
    }

    /// Many FFTs at once from parallel tasks (the planner is guarded by a mutex): no crash, same answers.
    /// Without the mutex this crashed 2 runs in 10 and hung one (hence the time limit).
    @Test(.timeLimit(.minutes(1))) func concurrentFFTsAgree() async {
        let x = (0..<300).map { sin(0.1 * Double($0)) + 0.01 * Double($0) }
        let reference = Correlation.directAutocorrelation(x)
        let worst = await withTaskGroup(of: Double.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    let c = Correlation.autocorrelation(x)
                    _ = Correlation.cosineTransform(c)
                    return zip(c, reference).map { abs($0 - $1) }.max() ?? 0
                }
            }
            return await group.reduce(0) { max($0, $1) }
        }
        #expect(worst < 1e-9)
    }
}

@Suite struct VelocityAutocorrelationTests {
    /// Harmonic oscillators v = A cos(ωt + φ_i) with phases spread evenly over 2π: the VACF is
    /// ⟨v(0)·v(t)⟩ = 3(A²/2) cos ωt exactly (the full dot product), and the VDOS peaks at ν = ω/2π.
    @Test func harmonicOscillator() throws {
        let nu = 5.0, omega = 2 * Double.pi * nu, dt = 0.005, frames = 400, atoms = 8, amp = 2.0
        let v = (0..<frames).map { k in
            (0..<(3 * atoms)).map { j in amp * cos(omega * Double(k) * dt + 2 * Double.pi * Double(j / 3) / Double(atoms)) }
        }
        let vacf = VelocityAutocorrelation(velocities: v, dt: dt)
        for (t, c) in zip(vacf.lagTimes, vacf.c) {
            #expect(abs(c - 3 * amp * amp / 2 * cos(omega * t)) < 1e-9, "C(\(t)) = \(c)")
        }
        let vdos = vacf.densityOfStates()
        let peak = try #require(vdos.peakFrequency)
        let spacing = vdos.frequencies[1]
        #expect(abs(peak - nu) <= spacing / 2 + 1e-12, "peak \(peak) THz, spacing \(spacing)")
        #expect(abs(vdos.wavenumbers[1] - spacing * 33.35641) < 1e-9)
    }

    /// g(ν) integrates to 1 over ν (trapezoid rule; exact for the discrete transform since w(0) = 1).
    @Test func densityOfStatesIsNormalised() {
        let dt = 0.002
        var rng = Xoshiro256StarStar(seed: 5)
        var v = [Double](repeating: 0, count: 6)
        let frames = (0..<300).map { _ in
            for j in v.indices { v[j] = 0.9 * v[j] + rng.nextNormal() }  // an Ornstein–Uhlenbeck-like velocity
            return v
        }
        let g = VelocityAutocorrelation(velocities: frames, dt: dt).densityOfStates()
        let dnu = g.frequencies[1]
        let integral = dnu * (g.dos.reduce(0, +) - 0.5 * (g.dos.first! + g.dos.last!))
        #expect(abs(integral - 1) < 1e-9, "∫g dν = \(integral)")
    }
}

@Suite struct BlockAverageTests {
    /// Blocks of a known series: means 1, 2, 3, 4 → mean 2.5, error sd/√4 = √(5/3)/2.
    @Test func knownSeries() throws {
        let series = [9.0, 9] + [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]  // 14 samples, 2 dropped
        let b = try #require(BlockAverage(series, blocks: 4))
        #expect(b.dropped == 2 && b.blockSize == 3)
        #expect(abs(b.mean - 2.5) < 1e-12)
        #expect(abs(b.error! - (5.0 / 3).squareRoot() / 2) < 1e-12)
        #expect(BlockAverage([1, 2], blocks: 3) == nil)
        #expect(BlockAverage([1, 2, 3], blocks: 1)?.error == nil)
    }

    @Test func thermoTableParsesAndLocatesErrors() throws {
        let text = "step,time,temperature\n0,0.0,300\n10,0.01,310\n"
        let t = try ThermoTable(parsing: text, file: "t.csv")
        #expect(t.column("temperature") == [300, 310])
        #expect(throws: AnalysisError.badTable(file: "t.csv", line: 3, expected: "a number for 'temperature'", found: "'x'")) {
            try ThermoTable(parsing: "step,time,temperature\n0,0,1\n1,2,x\n", file: "t.csv")
        }
    }
}

/// Collects `polyline` point counts and checks the SVG parses as XML.
final class SVGCounter: NSObject, XMLParserDelegate {
    var polylinePoints: [Int] = []
    var texts: [String] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "polyline" {
            polylinePoints.append(attributes["points"]?.split(separator: " ").count ?? 0)
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
}

@Suite struct LinePlotTests {
    @Test func svgIsWellFormedWithEveryPoint() throws {
        let x = (0..<57).map { Double($0) * 0.1 }
        let plot = LinePlot(title: "g(r) <A&B>", xLabel: "r (Å)", yLabel: "g(r)",
                            series: [.init(name: "a", x: x, y: x.map { sin($0) }),
                                     .init(name: "b", x: x, y: x.map { $0 * $0 })])
        let parser = XMLParser(data: Data(plot.svg.utf8))
        let counter = SVGCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(counter.polylinePoints == [57, 57])
        #expect(counter.texts.joined().contains("r (Å)"))
        #expect(counter.texts.joined().contains("g(r) <A&B>"))
    }

    /// The legend goes to the corner with the fewest data (a curve rising to the top right puts it
    /// top left), on a box; steps print as whole numbers; markers are drawn after lines and show as
    /// dots in the legend; equal axes for a parity plot.
    @Test func legendTicksAndParity() throws {
        let x = (0...100).map { Double($0) * 250 }
        let rising = LinePlot(title: "t", xLabel: "step", yLabel: "y",
                              series: [.init(name: "a", x: x, y: x.map { $0 * $0 }), .init(name: "b", x: x, y: x.map { $0 * $0 * 0.9 })])
        let svg = rising.svg
        #expect(svg.contains(">25000</text>") && !svg.contains("e+04"))
        let box = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<rect") && $0.contains("fill-opacity=\"0.85\"") })
        let bx = Double(box.split(separator: "\"")[1])!
        #expect(bx < 200, "legend at x = \(bx): expected the top-left corner, away from the rising curves")
        #expect(LinePlot.label(1e-5) == "10⁻⁵" && LinePlot.label(0.25) == "0.25" && LinePlot.label(3e-7) == "3×10⁻⁷")
        var parity = LinePlot(title: "p", xLabel: "ref", yLabel: "pred",
                              series: [.init(name: "y = x", x: [-1, 3], y: [-1, 3]), .init(name: "points", x: [0, 1, 2], y: [0.1, 0.9, 2.2], markers: true)])
        parity.equalAxes = true
        parity.yFromZero = false
        let p = parity.svg
        let firstCircle = try #require(p.range(of: "<circle")), polyline = try #require(p.range(of: "<polyline"))
        #expect(polyline.lowerBound < firstCircle.lowerBound, "points drawn over the y = x line")
        #expect(p.contains("r=\"3\""), "a dot in the legend for the markers")
    }

    /// Data in every corner: the legend moves outside the axes onto a wider canvas, never over data.
    @Test func legendOutsideWhenEveryCornerHasData() throws {
        var rng = Xoshiro256StarStar(seed: 4)
        let x = (0..<2000).map { _ in rng.nextUniform() }, y = (0..<2000).map { _ in rng.nextUniform() }
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y",
                            series: [.init(name: "cloud", x: x, y: y, markers: true), .init(name: "line", x: [0, 1], y: [0, 1])])
        let svg = plot.svg
        #expect(svg.contains("width=\"") && !svg.contains("width=\"720.00\" height=\"480.00\""), "canvas widened")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse())
        let box = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<rect") && $0.contains("fill-opacity=\"0.85\"") })
        #expect(Double(box.split(separator: "\"")[1])! > 680, "legend right of the axes")
    }

    /// A log–log plot: x ticks at 1, 2, 5 × 10^k inside the range, equal ratios equally spaced,
    /// and non-positive x skipped.
    @Test func logXAxis() throws {
        var plot = LinePlot(title: "t", xLabel: "frames", yLabel: "rmse",
                            series: [.init(name: "a", x: [0, 10, 100, 1000], y: [1, 0.5, 0.1, 0.05])])
        plot.logX = true
        plot.logY = true
        let svg = plot.svg
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = SVGCounter()
        parser.delegate = counter
        #expect(parser.parse())
        #expect(counter.polylinePoints == [3])
        for label in ["10", "20", "50", "100", "200", "500", "1000"] {
            #expect(svg.contains(">\(label)</text>"), "x tick \(label)")
        }
        let line = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<polyline") })
        let xs = line.split(separator: "\"").first { $0.contains(",") }!.split(separator: " ").map { Double($0.split(separator: ",")[0])! }
        #expect(abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.02)
    }
}
