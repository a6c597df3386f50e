let setupSuite = BenchmarkSuite(name: "setup") {
    print("(no workloads yet)")
}
