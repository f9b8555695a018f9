# Shared by the controlplane-*.sh scripts (sourced, not run): copies the jars into a fresh work
# directory, starts the control plane there in local development mode on ports 4320/4321, and
# defines the probes the scripts read. Expects ROOT (the repository) and NAME (the work
# directory's prefix); sets WORK, SPID and LPID (the generator's PID, for cleanup).
WORK=$(mktemp -d "/tmp/opampfleet-$NAME.XXXXXX")
# Copies, so a rebuild during the run cannot disturb it.
cp "$ROOT/controlplane/app/target/opampfleet-server.jar" "$WORK/server.jar"
cp "$ROOT/tests/load/target/opampfleet-loadgen.jar" "$WORK/loadgen.jar"
cd "$WORK"
echo "working in $WORK"

java -Xms1g -Xmx4g ${SERVER_OPTS:-} -jar server.jar --data-dir data --local-development \
  --opamp-port 4320 --http-port 4321 > server.log 2>&1 &
SPID=$!
LPID=
cleanup() {
  [ -n "$LPID" ] && kill "$LPID" 2>/dev/null || true
  kill "$SPID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
until grep -q "is running" server.log; do sleep 1; done

# The fleet summary (JSON), the agents waiting for a database write, the live heap in KiB after
# two full GCs, and the server's CPU ticks so far.
summary() { curl -s http://127.0.0.1:4321/api/v1/fleet/summary; }
pending() { curl -s http://127.0.0.1:4321/metrics | awk '/^controlplane_storage_pending_writes/ {print int($NF)}'; }
heap() {
  jcmd "$SPID" GC.run > /dev/null; sleep 2; jcmd "$SPID" GC.run > /dev/null
  jcmd "$SPID" GC.heap_info | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") print $(i + 1)}' | tr -d 'K,'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }

# A config for every agent: what the scripts roll out.
cat > rollout-body.json <<'JSON'
{"selector":"","priority":0,"files":{"collector.yaml":"receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n"}}
JSON
