import json, sys

# An exec grader: promptfoo's grading prompt arrives as the first argument (JSON chat messages).
messages = json.loads(sys.argv[1])
graded = messages[-1]["content"]
verdict = "<Output>\nKind words" in graded
print(json.dumps({"reason": "kind" if verdict else "unkind", "pass": verdict, "score": 1 if verdict else 0}))
