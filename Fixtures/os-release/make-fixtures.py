#!/usr/bin/env python3
"""Regenerates the mini-rootfs fixtures under Fixtures/os-release/cases/.

Each case is a directory with
  root/      the guest's root file system (symlinks stored as symlinks)
  ostype     optional: the configured `ostype` passed to detection
  expected   what Proxmox decides, one `key: value` per line:
               type: <plugin>        version: <version kept by the plugin>
               warning: <text>       (each warning, in order)
               error: <message>      (Proxmox refuses)
               arch: <arch> | arch-error: <message>   (checked when present)
Expectations are written from Proxmox's code (PVE::LXC::Setup and its plugins), not generated.
Run from this directory: ./make-fixtures.py  (deletes and recreates cases/).
"""
import os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")

def elf(machine, cls=2):
    # 20-byte little-endian ELF header prefix: magic, class, data=LE, version, padding, e_type=2, e_machine
    return bytes([0x7F, 0x45, 0x4C, 0x46, cls, 1, 1] + [0] * 9 + [2, 0, machine & 0xFF, machine >> 8])

def osr(*lines):
    return "\n".join(lines) + "\n"

UNKNOWN_FALLBACK = "/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'"
NO_ETC = "WARNING: /etc not present in CT, is the rootfs mounted?"
DEB_NEWER = ("The container's Debian version '{}' is newer than the tested version '14'. While everything may work"
             " fine, full compatibility cannot be guaranteed. Please check for PVE system updates.")
UBU_UNKNOWN = ("The container's Ubuntu version '{}' is not in the known version list. As it's newer than the minimum"
               " supported version it's likely to work OK, but full compatibility cannot be guaranteed. Please check"
               " for PVE system updates.")
SUSE_UNRECOGNIZED = "unrecognized suse release at /usr/share/perl5/PVE/LXC/Setup/SUSE.pm line 37."

def lsb(dist_id, release=None):
    s = "DISTRIB_ID=%s\n" % dist_id
    if release is not None:
        s += "DISTRIB_RELEASE=%s\n" % release
    return s + "DISTRIB_CODENAME=x\nDISTRIB_DESCRIPTION=\"x\"\n"

# name: (files {path: str|bytes|('link', target)|('dir',)}, ostype or None, expected lines)
CASES = {}
def case(name, files, expected, ostype=None):
    assert name not in CASES, name
    CASES[name] = (files, ostype, expected)

# --- §3 auto-detection -------------------------------------------------------------------------
case("id-debian", {"etc/os-release": osr("ID=debian", 'VERSION_ID="12"'), "etc/debian_version": "12.5\n"},
     ["type: debian", "version: 12"])
case("id-unknown-falls-back-to-debian", {"etc/os-release": osr("ID=foo"), "etc/debian_version": "12.0\n"},
     ["warning: unknown ID 'foo' in /etc/os-release file, trying fallback detection", "type: debian", "version: 12"])
case("empty-rootfs", {".keep": ""}, ["warning: " + UNKNOWN_FALLBACK, "type: unmanaged", "version: ", "arch: (none)"])
case("only-os-release-unknown-id", {"etc/os-release": osr("ID=foo")},
     ["warning: unknown ID 'foo' in /etc/os-release file, trying fallback detection",
      "error: unable to detect OS distribution"])
case("only-os-release-no-id", {"etc/os-release": osr('NAME="Something"')},
     ["error: unable to detect OS distribution"])
case("os-release-empty-id", {"etc/os-release": osr('ID=""')}, ["error: unable to detect OS distribution"])
case("os-release-id-zero", {"etc/os-release": osr("ID=0"), "etc/arch-release": ""},
     ["type: archlinux", "version: "])
case("id-is-case-sensitive", {"etc/os-release": osr("ID=Debian")},
     ["warning: unknown ID 'Debian' in /etc/os-release file, trying fallback detection",
      "error: unable to detect OS distribution"])
case("usr-lib-os-release-alpine", {"usr/lib/os-release": osr("ID=alpine", "VERSION_ID=3.19.1")},
     ["type: alpine", "version: "])
case("usr-lib-os-release-unknown-is-unmanaged", {"usr/lib/os-release": osr("ID=foo")},
     ["warning: unknown ID 'foo' in /etc/os-release file, trying fallback detection",
      "warning: " + UNKNOWN_FALLBACK, "type: unmanaged", "version: "])
case("etc-os-release-wins-over-usr-lib", {"etc/os-release": osr("ID=alpine"), "usr/lib/os-release": osr("ID=debian"),
     "etc/alpine-release": "3.20.0\n"}, ["type: alpine", "version: 3.20.0"])
case("etc-os-release-relative-link", {"usr/lib/os-release": osr("ID=alpine"), "etc/os-release": ("link", "../usr/lib/os-release"),
     "etc/alpine-release": "3.18.4\n"}, ["type: alpine", "version: 3.18.4"])
case("etc-os-release-absolute-link", {"usr/lib/os-release": osr("ID=alpine"), "etc/os-release": ("link", "/usr/lib/os-release"),
     "etc/alpine-release": "3.18.4\n"}, ["type: alpine", "version: 3.18.4"])
case("fallback-lsb-ubuntu", {"etc/lsb-release": lsb("ubuntu", "22.04")}, ["type: ubuntu", "version: 22.04"])
case("fallback-lsb-not-ubuntu-then-debian", {"etc/lsb-release": lsb("LinuxMint", "21.3"), "etc/debian_version": "bookworm/sid\n"},
     ["type: debian", "version: 12"])
case("fallback-debian-before-devuan", {"etc/debian_version": "10.0\n", "etc/devuan_version": "beowulf\n"},
     ["type: debian", "version: 10"])
case("fallback-devuan", {"etc/devuan_version": "beowulf\n"}, ["type: devuan", "version: 10"])
case("fallback-suse-brand", {"etc/SuSE-brand": "openSUSE\nVERSION = 15.5\n"}, ["type: opensuse", "error: " + SUSE_UNRECOGNIZED])
case("fallback-suse-release", {"etc/SuSE-release": "openSUSE 13.1 (x86_64)\n"}, ["type: opensuse", "error: " + SUSE_UNRECOGNIZED])
case("fallback-fedora-release", {"etc/fedora-release": "Fedora release 40 (Forty)\n"},
     ["type: fedora", "error: unsupported Fedora release ''"])
case("fallback-centos-release-only", {"etc/centos-release": "CentOS Linux release 7.9.2009 (Core)\n"},
     ["type: centos", "error: unable to read version info"])
case("fallback-redhat-release", {"etc/redhat-release": "Rocky Linux release 9.3 (Blue Onyx)\n"}, ["type: centos", "version: 9.3"])
case("fallback-arch-release", {"etc/arch-release": ""}, ["type: archlinux", "version: "])
case("fallback-alpine-release", {"etc/alpine-release": "3.19.1\n"}, ["type: alpine", "version: 3.19.1"])
case("fallback-gentoo-release", {"etc/gentoo-release": "Gentoo Base System release 2.14\n"}, ["type: gentoo", "version: "])
case("fallback-nix-store", {"nix/store/.keep": ""}, ["type: nixos", "version: "])
case("fallback-openeuler-release", {"etc/openEuler-release": "openEuler release 24.03 (LTS)\n"},
     ["type: openeuler", "error: unsupported openEuler release ''"])
case("fallback-os-release-is-not-enough", {"etc/os-release": osr('NAME="Mystery"'), "usr/lib/os-release": osr("ID=debian")},
     ["error: unable to detect OS distribution"])

# --- §4 plugin names and aliases ---------------------------------------------------------------
case("alias-arch", {"etc/os-release": osr("ID=arch")}, ["type: archlinux", "version: "])
case("id-archlinux", {"etc/os-release": osr("ID=archlinux")}, ["type: archlinux", "version: "])
case("alias-rocky", {"etc/os-release": osr('ID="rocky"', 'VERSION_ID="9.3"'),
     "etc/redhat-release": "Rocky Linux release 9.3 (Blue Onyx)\n"}, ["type: centos", "version: 9.3"])
case("alias-almalinux", {"etc/os-release": osr('ID="almalinux"'),
     "etc/redhat-release": "AlmaLinux release 10.0 (Purple Lion)\n"}, ["type: centos", "version: 10.0"])
case("alias-openEuler", {"etc/os-release": osr('ID="openEuler"', 'VERSION_ID="24.03"')}, ["type: openeuler", "version: 24.03"])
case("id-openeuler", {"etc/os-release": osr('ID="openeuler"', 'VERSION_ID="25.03"')}, ["type: openeuler", "version: 25.03"])
case("alias-opensuse-leap", {"etc/os-release": osr('ID="opensuse-leap"', 'VERSION_ID="15.5"', 'ID_LIKE="suse opensuse"')},
     ["type: opensuse", "version: 15.5"])
case("alias-opensuse-tumbleweed", {"etc/os-release": osr('ID="opensuse-tumbleweed"', 'VERSION_ID="20240101"')},
     ["type: opensuse", "version: 20240101"])
case("alias-opensuse-slowroll", {"etc/os-release": osr('ID="opensuse-slowroll"', 'VERSION_ID="20240901"')},
     ["type: opensuse", "version: 20240901"])
case("alias-sles-12", {"etc/os-release": osr('ID="sles"', 'VERSION_ID="12.5"')}, ["type: opensuse", "version: 12.5"])
case("id-unmanaged", {"etc/os-release": osr("ID=unmanaged")}, ["type: unmanaged", "version: "])
case("id-nixos", {"etc/os-release": osr("ID=nixos")}, ["type: nixos", "version: "])
case("id-gentoo", {"etc/os-release": osr("ID=gentoo"), "etc/gentoo-release": "gentoo base system release 2.15\n"},
     ["type: gentoo", "version: "])
case("unquoted-id-cut-at-dash", {"etc/os-release": osr("ID=opensuse-leap", 'VERSION_ID="15.6"')},
     ["type: opensuse", "version: 15.6"])

# --- §5 plugin checks --------------------------------------------------------------------------
D = {"etc/os-release": osr("ID=debian")}
def deb(v, *exp):
    return dict(D, **{"etc/debian_version": v}), list(exp)
for name, v, exp in [
    ("debian-bookworm-sid", "bookworm/sid\n", ["type: debian", "version: 12"]),
    ("debian-stretch-sid", "stretch/sid\n", ["type: debian", "version: 9"]),
    ("debian-kali-rolling", "kali-rolling\n", ["type: debian", "version: 12"]),
    ("debian-three-part", "6.0.10\n", ["type: debian", "version: 6"]),
    ("debian-leading-zero", "07.1\n", ["type: debian", "version: 7"]),
    ("debian-unparsable", "trixie\n", ["type: debian", "error: unable to parse version info 'trixie'"]),
    ("debian-blank-line", "\n", ["type: debian", "error: unable to parse version info ''"]),
    ("debian-empty-file", "", ["type: debian", "error: unable to read version info"]),
    ("debian-too-old", "3.1\n", ["type: debian", "error: Container Debian version '3' is too old"]),
    ("debian-minimum", "4.0\n", ["type: debian", "version: 4"]),
    ("debian-14-point-release", "14.2\n", ["type: debian", "version: 14"]),
    ("debian-15-warns", "15.0\n", ["warning: " + DEB_NEWER.format(15), "type: debian", "version: 15"]),
    ("debian-duke-sid-warns", "duke/sid\n", ["warning: " + DEB_NEWER.format(15), "type: debian", "version: 15"]),
]:
    f, e = deb(v, *exp)
    case(name, f, e)
case("debian-missing-version", dict(D), ["type: debian", "error: unable to read version info"])

U = {"etc/os-release": osr("ID=ubuntu")}
for name, lsbtext, exp in [
    ("ubuntu-2204", lsb("Ubuntu", "22.04"), ["type: ubuntu", "version: 22.04"]),
    ("ubuntu-1404-known", lsb("Ubuntu", "14.04"), ["type: ubuntu", "version: 14.04"]),
    ("ubuntu-unknown-newer-warns", lsb("Ubuntu", "27.04"), ["warning: " + UBU_UNKNOWN.format("27.04"), "type: ubuntu", "version: 27.04"]),
    ("ubuntu-ancient", lsb("Ubuntu", "12.10"), ["type: ubuntu", "error: unsupported ancient Ubuntu version '12.10'"]),
    ("ubuntu-wrong-distrib-id", lsb("Debian", "22.04"), ["type: ubuntu", "error: got unknown DISTRIB_ID"]),
    ("ubuntu-no-release", lsb("Ubuntu"), ["type: ubuntu", "error: unable to read version info"]),
    ("ubuntu-quoted-release", lsb("Ubuntu", '"22.04"'), ["type: ubuntu", "error: unable to read version info"]),
    ("ubuntu-case-insensitive-keys", "distrib_id=UBUNTU\ndistrib_release=24.04\n", ["type: ubuntu", "version: 24.04"]),
]:
    case(name, dict(U, **{"etc/lsb-release": lsbtext}), exp)

V = {"etc/os-release": osr("ID=devuan")}
case("devuan-daedalus-uppercase", dict(V, **{"etc/devuan_version": "Daedalus\n"}), ["type: devuan", "version: 12"])
case("devuan-ceres-suffix", dict(V, **{"etc/devuan_version": "excalibur/ceres\n"}), ["type: devuan", "version: 13"])
case("devuan-unsupported", dict(V, **{"etc/devuan_version": "Ceres\n"}), ["type: devuan", "error: unsupported Devuan version 'ceres'"])
case("devuan-missing-version", dict(V), ["type: devuan", "error: unable to read version info"])
case("alpine-without-release-file", {"etc/os-release": osr("ID=alpine")}, ["type: alpine", "version: "])

C = {"etc/os-release": osr('ID="centos"')}
for name, rel, exp in [
    ("centos-7-three-part", "CentOS Linux release 7.9.2009 (Core)", ["type: centos", "version: 7.9"]),
    ("centos-stream-10", "CentOS Stream release 10 (Coughlan)", ["type: centos", "version: 10"]),
    ("centos-5-minimum", "CentOS release 5 (Final)", ["type: centos", "version: 5"]),
    ("centos-4-too-old", "CentOS release 4.9 (Final)", ["type: centos", "error: unsupported centos version '4.9'"]),
    ("centos-11-too-new", "CentOS Stream release 11", ["type: centos", "error: unsupported centos version '11'"]),
    ("centos-unparsable", "CentOS Linux", ["type: centos", "error: unable to parse centos version 'CentOS Linux'"]),
]:
    case(name, dict(C, **{"etc/redhat-release": rel + "\n"}), exp)
case("centos-missing-release", dict(C), ["type: centos", "error: unable to read version info"])

for name, vid, exp in [
    ("fedora-41", "VERSION_ID=41", ["type: fedora", "version: 41"]),
    ("fedora-22-minimum", "VERSION_ID=22", ["type: fedora", "version: 22"]),
    ("fedora-21-too-old", "VERSION_ID=21", ["type: fedora", "error: unsupported Fedora release '21'"]),
    ("fedora-no-version-id", "NAME=Fedora", ["type: fedora", "error: unsupported Fedora release ''"]),
    ("fedora-rawhide-text", 'VERSION_ID="rawhide"', ["type: fedora", "error: unsupported Fedora release 'rawhide'"]),
]:
    case(name, {"etc/os-release": osr("ID=fedora", vid)}, exp)
for name, vid, exp in [
    ("openeuler-2203-too-old", 'VERSION_ID="22.03"', ["type: openeuler", "error: unsupported openEuler release '22.03'"]),
    ("openeuler-no-version-id", 'NAME="openEuler"', ["type: openeuler", "error: unsupported openEuler release ''"]),
]:
    case(name, {"etc/os-release": osr('ID="openEuler"', vid)}, exp)

for name, osid, vid, exp in [
    ("suse-leap-42", "opensuse", '"42.3"', ["type: opensuse", "version: 42.3"]),
    ("suse-13-2", "opensuse", '"13.2"', ["type: opensuse", "version: 13.2"]),
    ("suse-13-3-rejected", "opensuse", '"13.3"', ["type: opensuse", "error: unsupported suse release '13.3'"]),
    ("suse-14-1-rejected", "opensuse", '"14.1"', ["type: opensuse", "error: unsupported suse release '14.1'"]),
    ("suse-12-not-sles-rejected", '"opensuse-leap"', '"12.5"', ["type: opensuse", "error: unsupported suse release '12.5'"]),
    ("suse-15-6", '"opensuse-leap"', '"15.6"', ["type: opensuse", "version: 15.6"]),
    ("suse-16-0", '"opensuse-leap"', '"16.0"', ["type: opensuse", "version: 16.0"]),
    ("suse-unquoted-version-cut", '"opensuse-leap"', "15.5", ["type: opensuse", "error: " + SUSE_UNRECOGNIZED]),
    ("suse-tumbleweed-2016-rejected", '"opensuse-tumbleweed"', '"20161231"',
     ["type: opensuse", "error: unsupported suse tumbleweed release '20161231'"]),
    ("suse-tumbleweed-month-13-rejected", '"opensuse-tumbleweed"', '"20171301"',
     ["type: opensuse", "error: unsupported suse tumbleweed release '20171301'"]),
    ("suse-no-version-id", '"opensuse-tumbleweed"', None, ["type: opensuse", "error: " + SUSE_UNRECOGNIZED]),
]:
    lines = ["ID=" + osid] + ([] if vid is None else ["VERSION_ID=" + vid])
    case(name, {"etc/os-release": osr(*lines)}, exp)

G = {"etc/os-release": osr("ID=gentoo")}
case("gentoo-unrecognized", dict(G, **{"etc/gentoo-release": "Gentoo Linux\n"}),
     ["type: gentoo", "error: unrecognized gentoo version: Gentoo Linux"])
case("gentoo-missing-release", dict(G), ["type: gentoo", "error: unable to read version info"])

# --- §6 configured ostype ----------------------------------------------------------------------
DEB12 = {"etc/os-release": osr("ID=debian"), "etc/debian_version": "12.1\n"}
case("ostype-unmanaged-skips-detection", dict(DEB12), ["type: unmanaged", "version: ", "arch: (none)"], ostype="unmanaged")
case("ostype-same-as-detected", dict(DEB12), ["type: debian", "version: 12"], ostype="debian")
case("ostype-mismatch-warns", dict(DEB12), ["warning: got unexpected ostype (debian != ubuntu)", "type: debian", "version: 12"],
     ostype="ubuntu")
case("ostype-mismatch-no-etc", {".keep": ""},
     ["warning: " + UNKNOWN_FALLBACK, "warning: " + NO_ETC, "warning: got unexpected ostype (unmanaged != debian)",
      "type: unmanaged", "version: "], ostype="debian")
case("ostype-unmanaged-on-unknown-distribution", {"etc/os-release": osr("ID=foo")}, ["type: unmanaged", "version: "],
     ostype="unmanaged")

# --- §7 architecture ---------------------------------------------------------------------------
A = {"etc/os-release": osr("ID=archlinux")}
for name, files, exp in [
    ("arch-amd64-relative-link", {"bin/sh": ("link", "dash"), "bin/dash": elf(0x3E)}, "arch: amd64"),
    ("arch-amd64-absolute-link", {"bin/sh": ("link", "/usr/bin/bash"), "usr/bin/bash": elf(0x3E)}, "arch: amd64"),
    ("arch-i386", {"bin/sh": elf(0x03, 1)}, "arch: i386"),
    ("arch-armhf", {"bin/sh": elf(0x28, 1)}, "arch: armhf"),
    ("arch-arm64", {"bin/sh": elf(0xB7)}, "arch: arm64"),
    ("arch-riscv64", {"bin/sh": elf(0xF3, 2)}, "arch: riscv64"),
    ("arch-riscv32", {"bin/sh": elf(0xF3, 1)}, "arch: riscv32"),
    ("arch-riscv-bad-class", {"bin/sh": elf(0xF3, 3)}, "arch-error: '/bin/sh' has invalid class '3'!"),
    ("arch-unknown-machine", {"bin/sh": elf(0x08, 1)}, "arch-error: '/bin/sh' has unknown ELF machine '8'!"),
    ("arch-not-elf", {"bin/sh": "#!/bin/busybox\n"}, "arch-error: '/bin/sh' does not resolve to an ELF!"),
    ("arch-short-header", {"bin/sh": elf(0x3E)[:18]}, "arch-error: '/bin/sh' has unknown ELF machine ''!"),
    ("arch-magic-only", {"bin/sh": elf(0x3E)[:4]}, "arch-error: '/bin/sh' has unknown ELF machine ''!"),
    ("arch-three-bytes", {"bin/sh": elf(0x3E)[:3]}, "arch-error: '/bin/sh' does not resolve to an ELF!"),
    ("arch-missing-shell", {".keep": ""}, "arch-error: open '/bin/sh' failed: No such file or directory"),
]:
    case(name, dict(A, **files), ["type: archlinux", "version: ", exp])
case("arch-nixos-shebang", {"etc/os-release": osr("ID=nixos"),
     "sbin/init": "#! /nix/store/abc-bash-5.2/bin/bash\nexec systemd\n",
     "nix/store/abc-bash-5.2/bin/bash": elf(0xB7)}, ["type: nixos", "version: ", "arch: arm64"])
case("arch-nixos-no-shebang", {"etc/os-release": osr("ID=nixos"), "sbin/init": "exec systemd\n"},
     ["type: nixos", "version: ", "arch-error: could not find a shell"])

# --- odd objects where files belong (what Perl does with them) ---------------------------------
case("debian-version-is-directory", {"etc/os-release": osr("ID=debian"), "etc/debian_version/.keep": ""},
     ["type: debian", "error: unable to read version info"])
case("ubuntu-lsb-release-is-directory", {"etc/os-release": osr("ID=ubuntu"), "etc/lsb-release/.keep": ""},
     ["type: ubuntu", "error: unable to read file '/etc/lsb-release' - Is a directory"])
case("os-release-is-directory", {"etc/os-release/.keep": "", "usr/lib/os-release": osr("ID=alpine")},
     ["type: alpine", "version: "])
case("arch-empty-shell", dict(A, **{"bin/sh": ""}), ["type: archlinux", "version: ", "arch-error: read failed: "])
case("arch-shell-is-directory", dict(A, **{"bin/sh/.keep": ""}),
     ["type: archlinux", "version: ", "arch-error: read failed: Is a directory"])
case("arch-nixos-empty-shebang", {"etc/os-release": osr("ID=nixos"), "sbin/init": "#!\n"},
     ["type: nixos", "version: ", "arch-error: open '' failed: No such file or directory"])
case("arch-nixos-relative-interpreter", {"etc/os-release": osr("ID=nixos"), "sbin/init": "#!relative/sh -e\n",
     "relative/sh": elf(0x3E)}, ["type: nixos", "version: ", "arch: amd64"])
case("arch-nixos-init-is-directory", {"etc/os-release": osr("ID=nixos"), "sbin/init/.keep": ""},
     ["type: nixos", "version: ", "arch-error: could not find a shell"])
case("arch-nixos-missing-init", {"etc/os-release": osr("ID=nixos")},
     ["type: nixos", "version: ", "arch-error: open '/sbin/init' failed: No such file or directory"])
case("arch-nixos-crlf-shebang", {"etc/os-release": osr("ID=nixos"), "sbin/init": "#!/bin/sh\r\n", "bin/sh": elf(0x03, 1)},
     ["type: nixos", "version: ", "arch: i386"])
# Symlinks are resolved inside the guest: Proxmox's host-side `-f "$rootdir/etc/alpine-release"`
# would follow this absolute link to the HOST's /etc/hostname (deliberate difference, see README).
case("link-resolved-inside-guest", {"etc/alpine-release": ("link", "/etc/hostname")},
     ["warning: " + UNKNOWN_FALLBACK, "type: unmanaged", "version: "])
case("os-release-self-loop", {"etc/os-release": ("link", "/etc/os-release"), "usr/lib/os-release": osr("ID=debian"),
     "etc/debian_version": "11.2\n"}, ["type: debian", "version: 11"])

def build():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    for name, (files, ostype, expected) in sorted(CASES.items()):
        base = os.path.join(OUT, name)
        root = os.path.join(base, "root")
        os.makedirs(root)
        for path, content in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if isinstance(content, tuple) and content[0] == "link":
                os.symlink(content[1], full)
            else:
                with open(full, "wb") as f:
                    f.write(content if isinstance(content, bytes) else content.encode())
        if ostype:
            with open(os.path.join(base, "ostype"), "w") as f:
                f.write(ostype + "\n")
        with open(os.path.join(base, "expected"), "w") as f:
            f.write("\n".join(expected) + "\n")
    print(len(CASES), "cases")

if __name__ == "__main__":
    build()
