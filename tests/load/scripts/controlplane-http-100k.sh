#!/usr/bin/env bash
# Control plane with 100,000 HTTP-polling agents (default; N=...): they poll every 30 s for a
# settle period (polls per second, latency, server heap per agent), then one rollout through the
# REST API, timed on the agents' side until every agent reported APPLIED (goal: within one poll
# interval plus 5 s). HTTP agents hold no socket each: the generator shares a pool of keep-alive
# connections, so one process of each fits under the 20,000 open-file cap.
#
# Usage (from the repository root, after building both jars):
#   ./mvnw -B -q -DskipTests package -pl controlplane/app,tests/load -am
#   tests/load/scripts/controlplane-http-100k.sh
# Needs: jcmd (JDK), curl.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
N=${N:-100000}
NAME=cp-http
source "$ROOT/tests/load/scripts/controlplane-common.sh"

BASE=$(heap); echo "baseline heap used: ${BASE} KiB"
# The generator measures the server's heap as soon as every agent is connected, while the first
# reports are still on their way to the database; this measures it again once they are written.
(until summary | grep -q "\"connected\":$N"; do sleep 2; done
 until [ "$(pending)" = "0" ]; do sleep 1; done
 LOADED=$(heap)
 echo "heap once every agent is written: ${LOADED} KiB -> per agent: $(( (LOADED - BASE) * 1024 / N )) bytes") &

java -Xmx3g -jar loadgen.jar --target ws://127.0.0.1:4320/v1/opamp --agents "$N" --transport http \
  --scenario rollout --poll-interval 30s --settle "${SETTLE:-90s}" --duration 60s --progress 10s \
  --io-threads 2 --connect-timeout 180s --metrics-url http://127.0.0.1:4321/metrics \
  --server-pid "$SPID" --rollout-url http://127.0.0.1:4321/api/v1/configs/all \
  --rollout-method PUT --rollout-body rollout-body.json --result result.json | tee loadgen.log
echo "server RSS: $(awk '/VmRSS/ {print $2}' "/proc/$SPID/status") kB"
curl -s http://127.0.0.1:4321/api/v1/fleet/summary | head -c 600; echo
