#if DEBUG
print("pve-bench: build with -c release (swift run -c release --package-path Benchmarks pve-bench)")
#else
let suites: [BenchmarkSuite] = [
    propertyStringSuite, configSuite, setupSuite, runtimeSuite, detectSuite, lxcConfigSuite, lifecycleSuite,
]
let selected = Array(CommandLine.arguments.dropFirst())
for suite in suites where selected.isEmpty || selected.contains(suite.name) {
    print("== \(suite.name)")
    suite.run()
}
#endif
