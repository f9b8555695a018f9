"""Turns a FileDescriptorSet in protobuf text format into one line per schema element.

Lines: `message <full name>`, `field <message full name>.<field> <number> <label> <type>`,
`oneof <message full name>.<oneof>`, `enum <full name>` and `value <enum full name>.<value> <number>`.
Map fields appear as their generated *Entry messages, exactly as protoc describes them.
"""
import re
import sys

stack = []      # (kind, name) for each open block
fields = {}     # current field/enum value under construction
package = ""
out = []

def full(name):
    parts = [package] + [n for k, n in stack if k in ("message_type", "nested_type", "enum_type")]
    return ".".join(p for p in parts + [name] if p)

for raw in sys.stdin:
    line = raw.strip()
    m = re.match(r'^(\w+) \{$', line)
    if m:
        stack.append((m.group(1), None))
        fields = {}
        continue
    if line == "}":
        kind, name = stack.pop()
        if kind == "field":
            owner = ".".join([package] + [n for k, n in stack if k in ("message_type", "nested_type")])
            typ = fields.get("type_name", fields["type"]).lstrip(".")
            out.append(f"field\t{owner}.{fields['name']}\t{fields['number']}\t{fields['label']}\t{typ}")
        elif kind == "value":
            owner = ".".join([package] + [n for k, n in stack if k in ("message_type", "nested_type", "enum_type")])
            out.append(f"value\t{owner}.{fields['name']}\t{fields['number']}")
        elif kind == "oneof_decl":
            owner = ".".join([package] + [n for k, n in stack if k in ("message_type", "nested_type")])
            out.append(f"oneof\t{owner}.{fields['name']}")
        fields = {}
        continue
    m = re.match(r'^(\w+): (.*)$', line)
    if not m:
        continue
    key, value = m.group(1), m.group(2).strip('"')
    kind = stack[-1][0] if stack else None
    if kind == "file" and key == "package":
        package = value
    elif kind in ("message_type", "nested_type", "enum_type") and key == "name" and stack[-1][1] is None:
        stack[-1] = (kind, value)
        out.append(("enum" if kind == "enum_type" else "message") + "\t" + ".".join(
            [package] + [n for k, n in stack if k in ("message_type", "nested_type", "enum_type")]))
    elif kind in ("field", "value", "oneof_decl"):
        fields[key] = value

print("# The OpAMP specification's schema, one element a line; see regenerate.sh.")
for row in sorted(set(out)):
    print(row)
