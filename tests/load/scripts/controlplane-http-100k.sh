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
WORK=$(mktemp -d /tmp/opampfleet-cp-http.XXXXXX)
cp "$ROOT/controlplane/app/target/opampfleet-server.jar" "$WORK/server.jar"
cp "$ROOT/tests/load/target/opampfleet-loadgen.jar" "$WORK/loadgen.jar"
cd "$WORK"
echo "working in $WORK"

java -Xms1g -Xmx4g ${SERVER_OPTS:-} -jar server.jar --data-dir data --local-development \
  --opamp-port 4320 --http-port 4321 > server.log 2>&1 &
SPID=$!
trap 'kill "$SPID" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
until grep -q "is running" server.log; do sleep 1; done

summary() { curl -s http://127.0.0.1:4321/api/v1/fleet/summary; }
pending() { curl -s http://127.0.0.1:4321/metrics | awk '/^controlplane_storage_pending_writes/ {print int($NF)}'; }
heap() {
  jcmd "$SPID" GC.run > /dev/null; sleep 2; jcmd "$SPID" GC.run > /dev/null
  jcmd "$SPID" GC.heap_info | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") print $(i + 1)}' | tr -d 'K,'
}
BASE=$(heap); echo "baseline heap used: ${BASE} KiB"
# The generator measures the server's heap as soon as every agent is connected, while the first
# reports are still on their way to the database; this measures it again once they are written.
(until summary | grep -q "\"connected\":$N"; do sleep 2; done
 until [ "$(pending)" = "0" ]; do sleep 1; done
 LOADED=$(heap)
 echo "heap once every agent is written: ${LOADED} KiB -> per agent: $(( (LOADED - BASE) * 1024 / N )) bytes") &

BODY='{"selector":"","priority":0,"files":{"collector.yaml":"receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n"}}'
echo "$BODY" > rollout-body.json
java -Xmx3g -jar loadgen.jar --target ws://127.0.0.1:4320/v1/opamp --agents "$N" --transport http \
  --scenario rollout --poll-interval 30s --settle "${SETTLE:-90s}" --duration 60s --progress 10s \
  --io-threads 2 --connect-timeout 180s --metrics-url http://127.0.0.1:4321/metrics \
  --server-pid "$SPID" --rollout-url http://127.0.0.1:4321/api/v1/configs/all \
  --rollout-method PUT --rollout-body rollout-body.json --result result.json | tee loadgen.log
echo "server RSS: $(awk '/VmRSS/ {print $2}' "/proc/$SPID/status") kB"
curl -s http://127.0.0.1:4321/api/v1/fleet/summary | head -c 600; echo
