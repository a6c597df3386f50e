let configSuite = BenchmarkSuite(name: "config") {
    print("(no workloads yet)")
}
