// swift-tools-version: 6.2
import PackageDescription

// Dependency graph (no cycles, no package dependencies):
//   PVEConfig      -> stdlib only (property strings, container configs)
//   PVESystem      -> Glibc (syscalls, rooted guest file access)
//   PVEGuestOS     -> PVESystem (OS detection, read-only)
//   PVERuntime     -> PVESystem (process spawning, lxc-* adapter)
//   PVEStorage     -> PVEConfig, PVESystem, PVERuntime (storage.cfg, volume paths, allocation, mounts)
//   PVEGuestSetup  -> PVEConfig, PVEGuestOS, PVESystem, PVERuntime (the only writer into a guest)
//   PVELXCConfig   -> PVEConfig, PVESystem, PVERuntime (the LXC config Proxmox generates; host facts)
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
        .target(name: "PVEConfig"),
        .target(name: "PVESystem"),
        .target(name: "PVEGuestOS", dependencies: ["PVESystem"]),
        .target(name: "PVERuntime", dependencies: ["PVESystem"]),
        .target(name: "PVEStorage", dependencies: ["PVEConfig", "PVESystem", "PVERuntime"]),
        .target(name: "PVEGuestSetup", dependencies: ["PVEConfig", "PVEGuestOS", "PVESystem", "PVERuntime"]),
        .target(name: "PVELXCConfig", dependencies: ["PVEConfig", "PVESystem", "PVERuntime"]),
        .executableTarget(
            name: "pve-guestsetup",
            dependencies: ["PVEConfig", "PVEGuestOS", "PVEGuestSetup", "PVELXCConfig", "PVERuntime", "PVEStorage", "PVESystem"]
        ),
        .target(
            name: "PVETestSupport",
            dependencies: ["PVEConfig", "PVESystem", "PVERuntime"],
            path: "Tests/PVETestSupport"
        ),
        .testTarget(name: "PVEConfigTests", dependencies: ["PVEConfig", "PVETestSupport"]),
        .testTarget(name: "PVESystemTests", dependencies: ["PVESystem", "PVETestSupport"]),
        .testTarget(name: "PVEGuestOSTests", dependencies: ["PVEGuestOS", "PVESystem", "PVETestSupport"]),
        .testTarget(
            name: "PVEGuestSetupTests",
            dependencies: ["PVEGuestSetup", "PVEConfig", "PVEGuestOS", "PVESystem", "PVETestSupport"]
        ),
        .testTarget(
            name: "PVEStorageTests", dependencies: ["PVEStorage", "PVEConfig", "PVERuntime", "PVESystem", "PVETestSupport"]
        ),
        .testTarget(name: "PVERuntimeTests", dependencies: ["PVERuntime", "PVESystem", "PVETestSupport"]),
        .testTarget(name: "PVELXCConfigTests", dependencies: ["PVELXCConfig", "PVEConfig", "PVETestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["pve-guestsetup", "PVETestSupport"]),
    ]
)

for target in package.targets {
    target.swiftSettings =
        (target.swiftSettings ?? [])
        + ["ExistentialAny", "MemberImportVisibility", "InternalImportsByDefault"].map {
            .enableUpcomingFeature($0)
        }
}
