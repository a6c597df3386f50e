// swift-tools-version: 6.2
import PackageDescription

// Nested package: the root `swift build` / `swift test` never compile it, and it can never add a
// dependency to the library. Run: swift run -c release --package-path Benchmarks pve-bench
// SwiftPM names a path dependency after its directory, which differs between clones.
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "pve-guestsetup")

let package = Package(
    name: "pve-guestsetup-benchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "pve-bench",
            dependencies: [
                .product(name: "PVEConfig", package: rootIdentity),
                .product(name: "PVESystem", package: rootIdentity),
                .product(name: "PVEGuestOS", package: rootIdentity),
                .product(name: "PVEGuestSetup", package: rootIdentity),
                .product(name: "PVERuntime", package: rootIdentity),
                .product(name: "PVELXCConfig", package: rootIdentity),
            ]
        )
    ]
)
