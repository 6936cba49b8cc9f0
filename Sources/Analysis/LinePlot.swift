import Foundation

/// A line plot written as a standalone SVG (axes, ticks, axis labels with units, title, legend).
public struct LinePlot: Sendable {
    /// One line: its name (legend) and points (x, y in the axes' units).
    public struct Series: Sendable {
        /// Legend text.
        public var name: String
        /// Abscissae (units of the x axis).
        public var x: [Double]
        /// Ordinates (units of the y axis).
        public var y: [Double]
        /// Draw unconnected dots (a scatter, e.g. a parity plot) instead of a line.
        public var markers: Bool
        /// A reference line: dashed, grey, drawn over the data lines so a curve lying on it
        /// cannot hide it.
        public var reference: Bool

        /// A series of paired x and y values (the shorter one sets the count).
        public init(name: String, x: [Double], y: [Double], markers: Bool = false, reference: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.markers = markers
            self.reference = reference
        }
    }

    /// Title above the plot.
    public var title: String
    /// x-axis label with its unit, e.g. `r (Å)`.
    public var xLabel: String
    /// y-axis label with its unit, e.g. `MSD (Å²)`.
    public var yLabel: String
    /// The lines, drawn in order.
    public var series: [Series]
    /// Canvas width and height (SVG user units, pixels).
    public var size: (width: Double, height: Double) = (720, 480)
    /// Logarithmic y axis (non-positive values are skipped), e.g. for learning curves.
    public var logY = false
    /// Logarithmic x axis (non-positive x skipped; ticks at 1, 2, 5 × 10^k).
    public var logX = false
    /// Start the y axis at zero when all values are positive (off for parity plots).
    public var yFromZero = true
    /// The same range on both axes (a parity plot: y = x is the diagonal); use a square `size`.
    public var equalAxes = false

    /// A plot of `series` with a title and axis labels (units in the labels).
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Tick values: a 1-2-5 × 10^k step giving about `target` ticks over [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 6) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(target)
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out = [Double]()
        var v = (lo / step).rounded(.up) * step
        while v <= hi + 1e-9 * step {
            out.append(abs(v) < 1e-12 * step ? 0 : v)
            v += step
        }
        return out
    }

    /// A short tick label: whole numbers as they are (25000, not 2.5e+04), powers of ten as 10ⁿ,
    /// others with 4 significant digits and a ×10ⁿ exponent when needed.
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if v == v.rounded(), abs(v) < 1e7 { return String(format: "%.0f", v) }
        let k = log10(abs(v))
        if v > 0, abs(k - k.rounded()) < 1e-9, abs(k) >= 4 { return "10" + superscript(Int(k.rounded())) }
        let s = String(format: "%.4g", v)
        guard let e = s.firstIndex(of: "e") else { return s }
        let mantissa = String(s[..<e]), exponent = Int(s[s.index(after: e)...]) ?? 0
        return (mantissa == "1" ? "" : mantissa + "×") + "10" + superscript(exponent)
    }

    /// An integer in Unicode superscript digits (−5 → ⁻⁵).
    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
    }

    /// Text with `&`, `<`, `>`, `"` escaped for XML.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The plot as an SVG document (one `polyline` per series, non-finite points skipped).
    public var svg: String {
        let (w, h) = size
        let left = 80.0, right = 40.0, top = 40.0, bottom = 60.0
        let pw = w - left - right, ph = h - top - bottom
        let logY = self.logY, logX = self.logX
        func ty(_ y: Double) -> Double { logY ? (y > 0 ? log10(y) : .nan) : y }
        func tx(_ x: Double) -> Double { logX ? (x > 0 ? log10(x) : .nan) : x }
        let pts = series.flatMap { s in zip(s.x.map(tx), s.y.map(ty)).filter { $0.0.isFinite && $0.1.isFinite } }
        var x0 = pts.map(\.0).min() ?? 0, x1 = pts.map(\.0).max() ?? 1
        var y0 = pts.map(\.1).min() ?? 0, y1 = pts.map(\.1).max() ?? 1
        if logY {
            y0 = y0.rounded(.down)
            y1 = y1.rounded(.up)
        } else if yFromZero {
            y0 = min(0, y0)
        }
        if equalAxes && !logX && !logY {
            x0 = min(x0, y0); x1 = max(x1, y1)
            let m = 0.04 * (x1 - x0)
            x0 -= m; x1 += m
            y0 = x0; y1 = x1
        }
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if logX { let m = 0.05 * (x1 - x0); x0 -= m; x1 += m }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let pad = logY || equalAxes ? 0 : 0.05 * (y1 - y0)
        y1 += pad
        if y0 < 0 || !yFromZero { y0 -= pad }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + (y1 - y) / (y1 - y0) * ph }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(w))" height="\(f(h))" viewBox="0 0 \(f(w)) \(f(h))" font-family="sans-serif" font-size="13">
            <rect x="0" y="0" width="\(f(w))" height="\(f(h))" fill="white"/>
            <text x="\(f(left + pw / 2))" y="\(f(top / 2 + 6))" text-anchor="middle" font-size="16">\(Self.escape(title))</text>

            """
        let xTicks = logX
            ? stride(from: x0.rounded(.down), through: x1, by: 1).flatMap { k in [1.0, 2, 5].map { log10($0) + k } }.filter { $0 >= x0 && $0 <= x1 }
            : Self.ticks(x0, x1)
        for t in xTicks {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top + ph))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + ph + 5))\" stroke=\"black\"/>"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(top + ph + 20))\" text-anchor=\"middle\">\(logX ? Self.label(pow(10, t)) : Self.label(t))</text>\n"
        }
        let yTicks = logY ? Array(stride(from: y0, through: y1 + 1e-9, by: 1)) : Self.ticks(y0, y1)
        for t in yTicks {
            s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\" stroke=\"black\"/>"
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(t)))\" stroke=\"#e0e0e0\"/>"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(logY ? Self.label(pow(10, t)) : Self.label(t))</text>\n"
        }
        if !logY && y0 < 0 && y1 > 0 {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(0)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(0)))\" stroke=\"#888\"/>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(h - 15))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        s += "<text x=\"18\" y=\"\(f(top + ph / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(top + ph / 2)))\">\(Self.escape(yLabel))</text>\n"
        // Lines first, then markers on top (a parity plot's points are never hidden by y = x).
        var pixels: [(Double, Double)] = []
        func layer(_ s: Series) -> Int { s.markers ? 2 : (s.reference ? 1 : 0) }
        let order = series.indices.sorted { layer(series[$0]) < layer(series[$1]) || (layer(series[$0]) == layer(series[$1]) && $0 < $1) }
        for i in order {
            let line = series[i]
            let finite = zip(line.x.map(tx), line.y.map(ty)).filter { $0.0.isFinite && $0.1.isFinite }
            let color = line.reference ? "#444" : colors[i % colors.count]
            let dash = line.reference ? " stroke-dasharray=\"6 4\"" : ""
            let p = finite.map { (px($0.0), py($0.1)) }
            if line.markers {
                for (x, y) in p {
                    s += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2.2\" fill=\"\(color)\" fill-opacity=\"0.65\"/>"
                }
                s += "\n"
            } else {
                s += "<polyline fill=\"none\" stroke=\"\(color)\"\(dash) stroke-width=\"1.5\" points=\"\(p.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>\n"
            }
            // The points the legend must not cover (lines sampled along their segments).
            for (k, q) in p.enumerated() {
                pixels.append(q)
                if !line.markers, k > 0 {
                    let a = p[k - 1]
                    let steps = Int(min(20, max(1, hypot(q.0 - a.0, q.1 - a.1) / 6)))
                    for t in 1..<max(2, steps) { let u = Double(t) / Double(steps); pixels.append((a.0 + u * (q.0 - a.0), a.1 + u * (q.1 - a.1))) }
                }
            }
        }
        if series.count > 1 {
            // The legend in the corner that covers the fewest data, on a white box.
            let width = 44 + 7.8 * Double(series.map(\.name.count).max() ?? 0), height = 18 * Double(series.count) + 8
            let corners = [(left + pw - width - 6, top + 6), (left + 6, top + 6), (left + pw - width - 6, top + ph - height - 6),
                           (left + 6, top + ph - height - 6)]
            func covered(_ c: (Double, Double)) -> Int {
                pixels.filter { $0.0 >= c.0 - 4 && $0.0 <= c.0 + width + 4 && $0.1 >= c.1 - 4 && $0.1 <= c.1 + height + 4 }.count
            }
            var best = corners[0], fewest = Int.max
            for c in corners { let n = covered(c); if n < fewest { fewest = n; best = c } }
            if fewest > 0 {
                // Data in every corner: the legend goes outside, right of the axes, on a wider canvas.
                best = (left + pw + 12, top)
                let wider = w + width + 16
                s = s.replacingOccurrences(of: "width=\"\(f(w))\" height=\"\(f(h))\" viewBox=\"0 0 \(f(w)) \(f(h))\"",
                                           with: "width=\"\(f(wider))\" height=\"\(f(h))\" viewBox=\"0 0 \(f(wider)) \(f(h))\"")
                s = s.replacingOccurrences(of: "<rect x=\"0\" y=\"0\" width=\"\(f(w))\"", with: "<rect x=\"0\" y=\"0\" width=\"\(f(wider))\"")
            }
            s += "<rect x=\"\(f(best.0))\" y=\"\(f(best.1))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
            for (i, line) in series.enumerated() {
                let color = line.reference ? "#444" : colors[i % colors.count]
                let dash = line.reference ? " stroke-dasharray=\"6 4\"" : ""
                let ly = best.1 + 18 * Double(i + 1)
                if line.markers {
                    s += "<circle cx=\"\(f(best.0 + 20))\" cy=\"\(f(ly - 4))\" r=\"3\" fill=\"\(color)\"/>"
                } else {
                    s += "<line x1=\"\(f(best.0 + 8))\" y1=\"\(f(ly - 4))\" x2=\"\(f(best.0 + 32))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\"\(dash) stroke-width=\"2\"/>"
                }
                s += "<text x=\"\(f(best.0 + 38))\" y=\"\(f(ly))\">\(Self.escape(line.name))</text>\n"
            }
        }
        return s + "</svg>\n"
    }
}

/// Writes an analysis's `PREFIX.csv` and `PREFIX.svg`.
public enum AnalysisOutput {
    /// CSV text: a header and one row per index (first column the abscissa, second the main
    /// quantity, in the units the header names).
    public static func csv(header: [String], columns: [[Double]]) -> String {
        let rows = columns.map(\.count).min() ?? 0
        var s = header.joined(separator: ",") + "\n"
        for r in 0..<rows { s += columns.map { "\($0[r])" }.joined(separator: ",") + "\n" }
        return s
    }

    /// Writes `prefix.csv` and `prefix.svg` (creating the folder), returning their paths; refuses
    /// before writing anything when either would be one of `inputs` (the rule every analysis
    /// follows: no output may replace what it read).
    ///
    /// - Throws: `AnalysisError.outputIsInput`, or the file system's error.
    public static func write(prefix: String, header: [String], columns: [[Double]], plot: LinePlot, inputs: [String]) throws -> [String] {
        let csvURL = URL(fileURLWithPath: prefix + ".csv"), svgURL = URL(fileURLWithPath: prefix + ".svg")
        try refuseOverwriting(inputs, with: [csvURL, svgURL])
        try FileManager.default.createDirectory(at: csvURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try csv(header: header, columns: columns).write(to: csvURL, atomically: true, encoding: .utf8)
        try plot.svg.write(to: svgURL, atomically: true, encoding: .utf8)
        return [csvURL.path, svgURL.path]
    }

    /// Throws when any of `outputs` is the same file as one of `inputs` (paths resolved: `.`, `..`,
    /// symbolic links, and hard links by inode).
    ///
    /// - Throws: `AnalysisError.outputIsInput` naming both.
    public static func refuseOverwriting(_ inputs: [String], with outputs: [URL]) throws {
        func key(_ url: URL) -> String { url.standardizedFileURL.resolvingSymlinksInPath().path }
        func inode(_ path: String) -> UInt64? {
            (try? FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value
        }
        for input in inputs {
            let i = URL(fileURLWithPath: input)
            for o in outputs where key(o) == key(i) || (inode(o.path) != nil && inode(o.path) == inode(i.path)) {
                throw AnalysisError.outputIsInput(output: o.path, input: input)
            }
        }
    }
}
