# Builds libsinsp-oracle-cases.json.gz: seeded condition inputs run through libsinsp's parser (see README.md).
# usage: make_oracle_cases.py ORACLE_BINARY OUT.json.gz libsinsp-parser-cases.json UPSTREAM_DIR
import json, random, subprocess, gzip, sys, yaml
random.seed(20261126)
cases = json.load(open(sys.argv[3]))
inputs = list(cases['accept']) + list(cases['reject'])
conds = []
for f in ["falco_rules.yaml","falco-incubating_rules.yaml","falco-sandbox_rules.yaml","k8s_audit_rules.yaml"]:
    for item in yaml.safe_load(open(sys.argv[4] + '/falco/' + f)):
        if isinstance(item, dict) and isinstance(item.get('condition'), str):
            conds.append(item['condition'])
inputs += conds
TOKENS = [" ", " ", " ", "\n", "\t", "(", ")", "(", ")", ",", "[", "]", "\"", "'", "\\", "\\x4", "\\x41", "\\q",
  "\\ ", "\\\"", "\\'", "=", "==", "!=", "<", "<=", ">", ">=", "exists", "and", "or", "not", "not(", "and(", "or(",
  "in", "intersects", "pmatch", "contains", "startswith", "bstartswith", "glob", "regex", "oneof", "anyof", "allof",
  "val(", "tolower(", "b64(", "join(", "len(", "getopt(", "concat(", "basename(", "proc.name", "fd.name",
  "evt.arg[0]", "a", "macro", "and_x", "not_m", "0x1F", "-1.5", "1e+5", "1.", "/etc/*", "runc:[0:PARENT]",
  "\"x y\"", "'z'", "\0", "\r", "\b", "\f", "\v", "()", "(a, b)", "\"\"", "''", "[x]", "[\"q\"]"]
def mutate(s):
    k = random.randrange(4)
    i = random.randrange(len(s) + 1)
    j = min(len(s), i + random.randrange(12))
    t = random.choice(TOKENS)
    if k == 0: return s[:i] + s[j:]
    if k == 1: return s[:i] + t + s[i:]
    if k == 2: return s[:i] + t + s[j:]
    return s[:i]
short = [c for c in conds if len(c) < 400]
for _ in range(1500):
    s = random.choice(short)
    for _ in range(random.randrange(1, 4)):
        s = mutate(s)
    inputs.append(s)
for _ in range(2500):
    inputs.append("".join(random.choice(TOKENS) for _ in range(random.randrange(1, 20))))
ESC = ["a", " ", "\\\\", "\\\"", "\\'", "\\x41", "\\x4", "\\xg1", "\\x7e", "\\n", "\\t", "\\b", "\\f", "\\r",
       "\\/", "\\ ", "\\q", "\\", "'", "\"", "\n", "\0"]
for _ in range(600):
    q = random.choice(["\"", "'"])
    body = "".join(random.choice(ESC) for _ in range(random.randrange(0, 6)))
    where = random.randrange(4)
    if where == 0: inputs.append("a.b = " + q + body + q)
    elif where == 1: inputs.append("a.b in (" + q + body + q + ", x)")
    elif where == 2: inputs.append("a.b[" + q + body + q + "] exists")
    else: inputs.append("join(" + q + body + q + ", (c.d)) = x")
for n in range(0, 60):
    for t in ["(", "not ", "not(", "x and(", "x or(", "b64(", "a.b in ", "join(\"\",("]:
        inputs.append(t * n + "a.b in ()" + ")" * n)
inputs = [s for s in dict.fromkeys(inputs) if all(ord(c) < 128 for c in s)]
p = subprocess.run([sys.argv[1]], input="".join(s.encode().hex() + "\n" for s in inputs).encode(), capture_output=True)
outs = p.stdout.decode().split("\n")[:-1]
assert len(outs) == len(inputs), (len(outs), len(inputs))
data = [{"in": s, "out": o} for s, o in zip(inputs, outs)]
with gzip.open(sys.argv[2], 'wt') as f:
    json.dump(data, f, ensure_ascii=True, separators=(',', ':'))
print(len(data), sum(o.startswith("OK") for o in outs), "accepted")
