/// Minimal benchmark harness: median of N timed rounds, ns/op, MB/s, ratios within one run.

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

struct Measurement {
    var name: String
    /// Median nanoseconds for one operation.
    var nsPerOp: Double
    /// Bytes processed per operation (for MB/s), if meaningful.
    var bytesPerOp: Int?

    var opsPerSecond: Double { 1e9 / nsPerOp }
    var megabytesPerSecond: Double? { bytesPerOp.map { Double($0) * opsPerSecond / 1e6 } }
}

/// Times `body` (which performs `opsPerRound` operations) `rounds` times and keeps the median.
func measure(_ name: String, rounds: Int = 15, opsPerRound: Int, bytesPerOp: Int? = nil, _ body: () -> Void)
    -> Measurement
{
    let clock = ContinuousClock()
    body()  // warm-up
    var samples: [Double] = []
    for _ in 0..<rounds {
        let d = clock.measure(body)
        let ns = Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
        samples.append(ns / Double(opsPerRound))
    }
    samples.sort()
    return Measurement(name: name, nsPerOp: samples[samples.count / 2], bytesPerOp: bytesPerOp)
}

func report(_ m: Measurement) {
    var line = "\(m.name): \(format(m.nsPerOp)) ns/op, \(format(m.opsPerSecond)) op/s"
    if let mb = m.megabytesPerSecond { line += ", \(format(mb)) MB/s" }
    print(line)
}

func format(_ x: Double) -> String {
    if x >= 100 { return String(Int(x.rounded())) }
    let scaled = (x * 100).rounded() / 100
    return String(scaled)
}

/// A named group of measurements; each area of the package contributes one (see Workloads+*.swift).
struct BenchmarkSuite: Sendable {
    var name: String
    var run: @Sendable () -> Void
}
