#!/usr/bin/env bash
# Stops the one-machine Slurm cluster that scripts/slurm/start-single-node.sh started in STATE_DIR:
# slurmd, slurmctld, then munged, each by its pid file. The state, the logs and the munge key stay
# (delete STATE_DIR to forget them); running jobs are killed with slurmd.
#
#   scripts/slurm/stop-single-node.sh [STATE_DIR]      default: ${TMPDIR:-/tmp}/cudaprune-slurm
set -euo pipefail

state=$(realpath -m "${1:-${TMPDIR:-/tmp}/cudaprune-slurm}")
[ -d "$state" ] || { echo "stop-single-node: no cluster state in $state" >&2; exit 1; }

for daemon in slurmd slurmctld munged; do
    pidfile="$state/$daemon.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only the daemon itself: after a reboot the pid may belong to another program.
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$daemon" ] && kill "$pid" 2>/dev/null; then
        # Up to 10 s for a clean exit (slurmctld saves its state), then SIGKILL.
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        echo "stop-single-node: stopped $daemon ($pid)" >&2
    fi
    rm -f "$pidfile"
done
