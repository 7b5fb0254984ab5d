#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Regenerates conf/arbhub.json from the binary's built-in defaults, with a "_comment" in each
# section documenting its keys (from `arbhub serve --help`). Run after adding a config key:
#   python3 scripts/gen-conf.py build/arbhub > conf/arbhub.json
import json, re, subprocess, sys

binary = sys.argv[1]
cfg = json.loads(subprocess.check_output([binary, "serve", "--print-config"]))
helptext = subprocess.check_output([binary, "serve", "--help"], text=True)
docs = {}
for line in helptext.splitlines():
    m = re.match(r"^  ([a-z_.*\[\]]+)\s+(\w+); (.*)$", line)
    if m and "." in m.group(1) or (m and m.group(1) in ("symbols", "staleness_ms")):
        docs[m.group(1)] = f"{m.group(2)}; {m.group(3)}"

def section_comment(prefix):
    return [f"{k[len(prefix):]}: {v}" for k, v in docs.items() if k.startswith(prefix)
            and "." not in k[len(prefix):]]

out = {"_comment": ["arbhub configuration: every key with its built-in default.",
                    "Load with --config conf/arbhub.json; unknown keys are errors.",
                    "Secrets (API keys) never go here: use ARBHUB_<EXCHANGE>_API_KEY / _API_SECRET."]
       + section_comment("")}
for key, val in cfg.items():
    if key == "exchanges":
        sec = {"_comment": section_comment("exchanges.*.")}
        sec.update(val)
        out[key] = sec
    elif isinstance(val, dict):
        sec = {"_comment": section_comment(key + ".")}
        sec.update(val)
        out[key] = sec
    else:
        out[key] = val
print(json.dumps(out, indent=2))
