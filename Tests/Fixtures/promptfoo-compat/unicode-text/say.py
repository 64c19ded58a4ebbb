#!/usr/bin/env python3
# A stand-in model: answers with the test's `out` variable (from the context JSON).
import json, sys
ctx = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
sys.stdout.write(str(ctx.get("vars", {}).get("out", sys.argv[1])))
