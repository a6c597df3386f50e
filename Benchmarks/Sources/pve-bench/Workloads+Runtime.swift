let runtimeSuite = BenchmarkSuite(name: "runtime") {
    print("(no workloads yet)")
}
