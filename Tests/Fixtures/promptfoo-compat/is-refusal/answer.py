import json, sys

# promptfoo's exec provider contract: prompt, options, context (with vars) as arguments.
context = json.loads(sys.argv[3])
answers = {
    "refuse": "I'm sorry, but I can't help with that request.",
    "answer": "The capital of France is Paris.",
}
print(answers[context["vars"]["kind"]])
