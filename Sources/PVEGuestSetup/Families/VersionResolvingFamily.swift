/// A family whose version (or a precondition of it) is only known for sure once a hook runs:
/// Proxmox's plugin constructors read release files that detection may not have supplied
/// (`CentOS->new` re-reads `/etc/redhat-release`, `SUSE->new` `/etc/os-release`, …).
///
/// Conforming types say how to resolve themselves against the guest; every hook then runs on the
/// resolved family, so the version gates throw Proxmox's messages before any step starts.
protocol VersionResolvingFamily: GuestFamily {
    /// This family with its version read (and checked) from the guest when needed.
    func resolved(_ ctx: SetupContext) throws(SetupError) -> Self
}

extension VersionResolvingFamily {
    package func preStartHook(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.preStartHook(try resolved(ctx), &ctx)
    }

    package func postCreateHook(_ ctx: inout SetupContext, rootPassword: String?, sshKeys: String?) throws(SetupError) {
        try BaseSetup.postCreateHook(try resolved(ctx), &ctx, rootPassword: rootPassword, sshKeys: sshKeys)
    }

    package func postCloneHook(_ ctx: inout SetupContext) throws(SetupError) {
        try BaseSetup.postCloneHook(try resolved(ctx), &ctx)
    }
}
