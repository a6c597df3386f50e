// swift-tools-version: 6.2
import PackageDescription

// Dependency graph (no cycles, no package dependencies):
//   PVECore        -> stdlib only (shared helpers: byte classes, Perl numbers, byte search,
//                     the IP address type; no product: public only so others inline it)
//   PVEConfig      -> PVECore (property strings, container configs)
//   PVESystem      -> Glibc (syscalls, rooted guest file access)
//   PVEGuestOS     -> PVECore, PVESystem (OS detection, read-only)
//   PVERuntime     -> PVESystem (process spawning, lxc-* adapter)
//   PVEStorage     -> PVECore, PVEConfig, PVESystem, PVERuntime (storage.cfg, volume paths, allocation, mounts)
//   PVEGuestSetup  -> PVEConfig, PVEGuestOS, PVESystem, PVERuntime (the only writer into a guest)
//   PVELXCConfig   -> PVECore, PVEConfig, PVESystem, PVERuntime (the LXC config Proxmox generates; host facts)
//   pve-guestsetup -> all of the above (the CLI)
let package = Package(
    name: "pve-guestsetup",
    products: [
        .library(name: "PVEConfig", targets: ["PVEConfig"]),
        .library(name: "PVESystem", targets: ["PVESystem"]),
        .library(name: "PVEGuestOS", targets: ["PVEGuestOS"]),
        .library(name: "PVEGuestSetup", targets: ["PVEGuestSetup"]),
        .library(name: "PVERuntime", targets: ["PVERuntime"]),
        .library(name: "PVEStorage", targets: ["PVEStorage"]),
        .library(name: "PVELXCConfig", targets: ["PVELXCConfig"]),
        .executable(name: "pve-guestsetup", targets: ["pve-guestsetup"]),
    ],
    targets: [
        .target(name: "PVECore"),
        .target(name: "PVEConfig", dependencies: ["PVECore"]),
        .target(name: "PVESystem"),
        .target(name: "PVEGuestOS", dependencies: ["PVECore", "PVESystem"]),
        .target(name: "PVERuntime", dependencies: ["PVESystem"]),
        .target(name: "PVEStorage", dependencies: ["PVECore", "PVEConfig", "PVESystem", "PVERuntime"]),
        .target(name: "PVEGuestSetup", dependencies: ["PVECore", "PVEConfig", "PVEGuestOS", "PVESystem", "PVERuntime"]),
        .target(name: "PVELXCConfig", dependencies: ["PVECore", "PVEConfig", "PVESystem", "PVERuntime"]),
        .executableTarget(
            name: "pve-guestsetup",
            dependencies: ["PVECore", "PVEConfig", "PVEGuestOS", "PVEGuestSetup", "PVELXCConfig", "PVERuntime", "PVEStorage", "PVESystem"]
        ),
        .target(
            name: "PVETestSupport",
            dependencies: ["PVEConfig", "PVESystem", "PVERuntime"],
            path: "Tests/PVETestSupport"
        ),
        .testTarget(name: "PVECoreTests", dependencies: ["PVECore"]),
        .testTarget(name: "PVEConfigTests", dependencies: ["PVECore", "PVEConfig", "PVETestSupport"]),
        .testTarget(name: "PVESystemTests", dependencies: ["PVESystem", "PVETestSupport"]),
        .testTarget(name: "PVEGuestOSTests", dependencies: ["PVECore", "PVEGuestOS", "PVESystem", "PVETestSupport"]),
        .testTarget(
            name: "PVEGuestSetupTests",
            dependencies: ["PVEGuestSetup", "PVECore", "PVEConfig", "PVEGuestOS", "PVESystem", "PVETestSupport"]
        ),
        .testTarget(
            name: "PVEStorageTests", dependencies: ["PVEStorage", "PVEConfig", "PVERuntime", "PVESystem", "PVETestSupport"]
        ),
        .testTarget(name: "PVERuntimeTests", dependencies: ["PVERuntime", "PVESystem", "PVETestSupport"]),
        .testTarget(name: "PVELXCConfigTests", dependencies: ["PVELXCConfig", "PVEConfig", "PVETestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["pve-guestsetup", "PVESystem", "PVERuntime", "PVETestSupport"]),
    ]
)

for target in package.targets {
    target.swiftSettings =
        (target.swiftSettings ?? [])
        + ["ExistentialAny", "MemberImportVisibility", "InternalImportsByDefault"].map {
            .enableUpcomingFeature($0)
        }
}
