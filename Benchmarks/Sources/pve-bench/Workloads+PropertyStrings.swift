let propertyStringSuite = BenchmarkSuite(name: "propstr") {
    print("(no workloads yet)")
}
