#!/bin/sh
# Regenerates the expected files of Fixtures/storage from Proxmox's own Perl (pve-storage,
# pve-common), run by the oracle at /work/oracle (see /work/oracle/README.md). Needs root and jq.
# Nothing here is hand-written: every *.write, *.warnings, *.parsed and *.expected file is the
# oracle's output, filtered only as described in README.md.
set -u
ORACLE=${ORACLE:-/work/oracle/bin/oracle-storage}
cd "$(dirname "$0")"

# The parse result as one line per storage: `id: key=value …`, keys sorted, hashes (content,
# nodes, content-dirs) as sorted comma lists, the internal `priority` of the built-in `local`
# left out, a section whose final check failed as `id: null`. Storages in Proxmox's write order
# (`order`, the built-in `local` without one last).
normalize='.order as $o | .ids | to_entries
  | sort_by(($o[.key] // 1000000000))
  | .[] | if .value == null then "\(.key): null" else "\(.key): " + (.value | to_entries
    | map(select(.key != "priority")) | sort_by(.key)
    | map(.key + "=" + (if (.value | type) == "object"
        then (.value | to_entries | map(if .value == 1 then .key else .key + "=" + (.value | tostring) end) | sort | join(","))
        else (.value | tostring) end))
    | join(" ")) end'

# Proxmox's warnings without Perl's own noise: blank lines, uninitialized-value warnings and
# "Exiting subroutine via next" (Perl's complaint about a `next` in Proxmox's decode_value).
filter_warnings() { grep -v -e '^$' -e 'Use of uninitialized value' -e 'Exiting subroutine via next' || true; }

for cfg in cases/*.cfg; do
    name=${cfg%.cfg}
    "$ORACLE" parse "$cfg" 2>"$name.stderr" | jq -r "$normalize" >"$name.parsed"
    filter_warnings <"$name.stderr" >"$name.warnings"
    rm -f "$name.stderr"
    if "$ORACLE" write "$cfg" >"$name.write" 2>"$name.stderr"; then :; else
        printf '! %s\n' "$(filter_warnings <"$name.stderr" | tail -n 1)" >"$name.write"
    fi
    rm -f "$name.stderr"
done

# Volume paths and names: `CASE VOLID` per line of volumes.txt.
: >volumes.expected
while read -r case volid; do
    [ -z "$case" ] && continue
    cfg=cases/$case.cfg
    if out=$("$ORACLE" path "$cfg" "$volid" 2>/tmp/oracle-storage.err); then
        path=$(printf '%s' "$out" | jq -r '"path=\(.path) owner=\(.owner // "-") vtype=\(.vtype)"')
    else
        path="! $(filter_warnings </tmp/oracle-storage.err | tail -n 1)"
    fi
    if out=$("$ORACLE" parse-volname "$cfg" "$volid" 2>/tmp/oracle-storage.err); then
        vol=$(printf '%s' "$out" | jq -r '"vtype=\(.vtype) name=\(.name) vmid=\(.vmid // "-") basename=\(.basename // "-") basevmid=\(.basevmid // "-") isBase=\(.isBase // "-") format=\(.format)"')
    else
        vol="! $(filter_warnings </tmp/oracle-storage.err | tail -n 1)"
    fi
    printf '%s %s\n\t%s\n\t%s\n' "$case" "$volid" "$path" "$vol" >>volumes.expected
done <volumes.txt

# Container volume allocation (`pct create --rootfs STORAGE:SIZE`): `CASE STORAGE VMID SIZE_KIB EXISTING`
# per line of alloc.txt (EXISTING: comma-separated names already in images/VMID, or -).
: >alloc.expected
while read -r case storage vmid size existing; do
    [ -z "$case" ] && continue
    set -- alloc-ct "cases/$case.cfg" "$storage" "$vmid" "$size"
    [ "$existing" != "-" ] && set -- "$@" --existing "$existing"
    if out=$("$ORACLE" "$@" 2>/tmp/oracle-storage.err); then
        result=$(printf '%s\n' "$out" | grep -E '^(volid|needs_chown|path|created|fstype):' | paste -sd' ' -)
    else
        result="! $(filter_warnings </tmp/oracle-storage.err | tail -n 1)"
    fi
    printf '%s %s %s %s %s\n\t%s\n' "$case" "$storage" "$vmid" "$size" "$existing" "$result" >>alloc.expected
done <alloc.txt
rm -f /tmp/oracle-storage.err
