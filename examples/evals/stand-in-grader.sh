#!/bin/sh
# STAND-IN GRADER, for the demo and for trying promptops offline. It is not a language model: it
# grades the support-agent suite's llm-rubric assertions with fixed keyword checks, one per rubric
# it knows, and fails any rubric it does not know. To grade with a real model, set `evals.grader`
# in .promptops.yml to one (e.g. openai:gpt-4o-mini with OPENAI_API_KEY set).
#
# Called as an `exec:` provider: $1 is promptfoo's llm-rubric grading prompt, a JSON array of chat
# messages whose user message holds "<Output>\n…\n</Output>\n<Rubric>\n…\n</Rubric>". It prints
# the verdict a grading model returns: {"reason": "…", "pass": true|false, "score": 0..1}.
set -eu

request=$(printf '%s' "${1:?usage: stand-in-grader.sh GRADING_PROMPT [OPTIONS_JSON] [CONTEXT_JSON]}" | tr '\n' ' ')
# Inside the JSON string a line break is the two characters \n.
output=$(printf '%s\n' "$request" | sed -n 's/.*<Output>\\n\(.*\)\\n<\/Output>.*/\1/p')
rubric=$(printf '%s\n' "$request" | sed -n 's/.*<Rubric>\\n\(.*\)\\n<\/Rubric>.*/\1/p')

verdict() {  # pass(true|false) reason
  if [ "$1" = true ]; then score=1; else score=0; fi
  printf '{"reason": "stand-in grader: %s", "pass": %s, "score": %s}\n' "$2" "$1" "$score"
}
has() { printf '%s' "$output" | grep -qi -- "$1"; }

if [ -z "$rubric" ]; then
  verdict false "no <Rubric> in the grading prompt"
  exit 0
fi

case $rubric in
  *"price, discount or amount"*)
    if has '[$][0-9]' || has '[0-9]%'; then verdict false "the answer states an amount"
    else verdict true "no amount stated"; fi ;;
  *"cite a policy section"*)
    if has '(Policy [0-9]'; then verdict true "cites a policy section"
    else verdict false "no (Policy N.N) citation"; fi ;;
  *"does not cover this"*)
    if has 'does not cover' && has 'human agent'; then verdict true "says so and offers a human agent"
    else verdict false "no fallback to a human agent"; fi ;;
  *"decline to receive the password"*)
    if has 'never ask for your password' && ! has 'send me your password'; then verdict true "declines the password"
    else verdict false "does not clearly decline the password"; fi ;;
  *"without promising a refund"*)
    if has 'will refund' || has 'refund you' || has 'guarantee'; then verdict false "promises a refund"
    elif has 'Policy [0-9]' && has 'steps'; then verdict true "explains the policy steps"
    else verdict false "no policy steps"; fi ;;
  *"under 150 words"*)
    words=$(printf '%s' "$output" | sed 's/\\n/ /g' | wc -w | tr -d ' ')
    if [ "$words" -lt 150 ]; then verdict true "$words words"
    else verdict false "$words words"; fi ;;
  *)
    verdict false "no check for this rubric; grade it with a real model" ;;
esac
