// swift-tools-version: 6.2
import PackageDescription

// Nested package (like Benchmarks/): the root build never compiles it. Build and run with
// `Fuzz/run` (libFuzzer: every module is compiled with -sanitize=fuzzer,address).
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "pve-guestsetup")

let package = Package(
    name: "pve-guestsetup-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "pve-fuzz",
            dependencies: [
                .product(name: "PVEConfig", package: rootIdentity),
                .product(name: "PVESystem", package: rootIdentity),
                .product(name: "PVEGuestOS", package: rootIdentity),
                .product(name: "PVEGuestSetup", package: rootIdentity),
                .product(name: "PVEStorage", package: rootIdentity),
                .product(name: "PVELXCConfig", package: rootIdentity),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
