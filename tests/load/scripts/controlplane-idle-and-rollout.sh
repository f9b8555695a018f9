#!/usr/bin/env bash
# Control plane at fleet scale: N idle WebSocket agents (default 19,000, the most one process can
# hold under the 20,000 open-file cap), then one rollout through the REST API.
#
# Prints: the server's live heap per agent (after full GCs, once every agent is connected and
# written), its CPU over 60 idle seconds, RSS, and the time from saving a config until every agent
# reported APPLIED. Results are for docs/benchmarks.md.
#
# Usage (from the repository root, after building both jars):
#   ./mvnw -B -q -DskipTests package -pl controlplane/app,tests/load -am
#   tests/load/scripts/controlplane-idle-and-rollout.sh            # N=19000 by default
#   N=5000 tests/load/scripts/controlplane-idle-and-rollout.sh
#   PROFILE=1 IDLE_SECONDS=10 tests/load/scripts/controlplane-idle-and-rollout.sh
#     PROFILE=1 records the rollout with JFR (profile settings) into rollout.jfr in the work
#     directory; IDLE_SECONDS shortens the idle CPU measurement; SERVER_OPTS adds JVM options.
# Needs: jcmd and jstat (JDK), curl, bc.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
N=${N:-19000}
NAME=cp-run
source "$ROOT/tests/load/scripts/controlplane-common.sh"
IDLE=${IDLE_SECONDS:-60}

BASE=$(heap); echo "baseline heap used: ${BASE} KiB"
# The generator connects N agents, holds them for --settle (this script measures meanwhile), then
# saves the config through the REST API and times every agent's APPLIED report from the save, on
# the agents' side (the same measure as the bench server's rollout figures).
java -jar loadgen.jar --target ws://127.0.0.1:4320/v1/opamp --agents "$N" --scenario rollout \
  --settle "$((IDLE + 45))s" --duration 60s --progress 20s --result rollout.json \
  --rollout-url http://127.0.0.1:4321/api/v1/configs/all --rollout-method PUT \
  --rollout-body rollout-body.json > loadgen.log 2>&1 &
LPID=$!
until summary | grep -q "\"connected\":$N"; do sleep 2; done
echo "all $N connected at $(date +%T)"
until [ "$(pending)" = "0" ]; do sleep 1; done
echo "all written to the database at $(date +%T)"
LOADED=$(heap)
echo "loaded heap used: ${LOADED} KiB -> per agent: $(( (LOADED - BASE) * 1024 / N )) bytes"

HZ=$(getconf CLK_TCK)
C1=$(cpu_ticks); T1=$(date +%s.%N); sleep "$IDLE"; C2=$(cpu_ticks); T2=$(date +%s.%N)
echo "steady CPU over $IDLE s: $(echo "($C2 - $C1) / $HZ / ($T2 - $T1) * 100" | bc -l | cut -c1-5) % of one core"
echo "server RSS: $(awk '/VmRSS/ {print $2}' "/proc/$SPID/status") kB"

if [ -n "${PROFILE:-}" ]; then
  jcmd "$SPID" JFR.start name=rollout settings=profile filename="$WORK/rollout.jfr" > /dev/null
fi
# Cross-check on the server's side while the agents are still connected: its fleet summary must
# count every agent APPLIED (polled twice a second: each summary walks the whole fleet).
(until summary | grep -q "\"applied\":$N"; do sleep 0.5; kill -0 "$LPID" 2>/dev/null || exit 0; done
 echo "the server's fleet summary counts all $N APPLIED at $(date +%T.%N | cut -c1-12)") &
wait "$LPID" || echo "the generator reported a problem: see $WORK/loadgen.log"
LPID=
T0=$(date +%s.%N)
grep -E "^rollout 1:|trigger answered" loadgen.log || true
if [ -n "${PROFILE:-}" ]; then
  jcmd "$SPID" JFR.stop name=rollout > /dev/null
  echo "rollout profile: $WORK/rollout.jfr"
fi
until [ "$(pending)" = "0" ]; do sleep 1; done
echo "rollout written to the database $(echo "$(date +%s.%N) - $T0" | bc -l | cut -c1-5) s after the generator finished"
