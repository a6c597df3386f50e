let detectSuite = BenchmarkSuite(name: "detect") {
    print("(no workloads yet)")
}
