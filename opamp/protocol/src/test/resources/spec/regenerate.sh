#!/usr/bin/env bash
# Regenerates the golden wire fixtures (wire/*.binpb) and the schema listing (spec/opamp-schema.tsv)
# from an independent source: the OpAMP specification's own .proto files, compiled by protoc.
# Nothing here uses our .proto, so the tests that compare against these files check our .proto
# and our codec against the specification, not against themselves.
#
# Usage: regenerate.sh <opamp-spec checkout> <protoc binary> <protobuf-java jar>
# The spec commit used is recorded in opamp/protocol/SPEC_VERSION.md; check out the same one.
set -euo pipefail
spec=$1 protoc=$2 protobuf_jar=$3
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# descriptor.proto ships inside protobuf-java.
(cd "$work" && unzip -q -o "$protobuf_jar" google/protobuf/descriptor.proto)

for txt in "$here"/wire/*.txtpb; do
  name=$(basename "$txt" .txtpb)
  case "$name" in
    agent-to-server-*) type=opamp.proto.v1.AgentToServer ;;
    server-to-agent-*) type=opamp.proto.v1.ServerToAgent ;;
    *) echo "don't know the message type of $txt" >&2; exit 1 ;;
  esac
  grep -v '^#' "$txt" | "$protoc" -I "$spec/proto" --encode="$type" opamp/v1/opamp.proto > "$here/wire/$name.binpb"
done

"$protoc" -I "$spec/proto" --descriptor_set_out="$work/spec.desc" opamp/v1/opamp.proto opamp/v1/anyvalue.proto --include_imports
"$protoc" -I "$work" --decode=google.protobuf.FileDescriptorSet google/protobuf/descriptor.proto \
  < "$work/spec.desc" > "$work/spec.txt"
python3 "$here/spec/schema_listing.py" < "$work/spec.txt" > "$here/spec/opamp-schema.tsv"
echo "wrote $(ls "$here"/wire/*.binpb | wc -l) fixtures and $(grep -vc '^#' "$here/spec/opamp-schema.tsv") schema rows"
