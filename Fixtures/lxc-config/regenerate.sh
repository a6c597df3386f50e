#!/bin/sh
# Regenerates every cases/*/expected.* by running Proxmox's own Perl through the oracle
# (oracle-lxc-config, see README.md). Needs root (the oracle fakes host facts in a private
# mount namespace). Usage: ORACLE=/path/to/oracle-lxc-config ./regenerate.sh
set -eu
ORACLE=${ORACLE:-/work/oracle/bin/oracle-lxc-config}
cd "$(dirname "$0")/cases"
for dir in */; do
    (
        cd "$dir"
        conf=$(ls ./*.conf)
        status=0
        "$ORACLE" "$conf" --all-files --seed "$(cat seed)" --host-facts host-facts.json \
            >expected.out 2>expected.err || status=$?
        echo "$status" >expected.status
    )
done
