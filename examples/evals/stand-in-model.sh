#!/bin/sh
# STAND-IN MODEL, for the demo and for trying promptops offline. It is not a language model: it
# answers the support-agent prompt from a few canned replies, picked by keywords of the customer's
# question, so that evals run in milliseconds with no key and no network. To evaluate a real model,
# name one in the suite's `providers:` instead (e.g. openai:gpt-4o-mini with OPENAI_API_KEY set).
#
# Called as promptfoo calls an `exec:` provider: $1 is the rendered prompt, $2 the provider options
# (JSON), $3 the context (JSON, {"vars": …}). The answer is what this prints on stdout.
set -eu

prompt=${1:?usage: stand-in-model.sh PROMPT [OPTIONS_JSON] [CONTEXT_JSON]}

# The customer's name: "You are speaking with NAME." in the support-agent prompt.
name=$(printf '%s\n' "$prompt" | sed -n 's/.*You are speaking with \([^.]*\)\..*/\1/p' | head -n 1)
[ -n "$name" ] || name="there"
# The question: everything after the "Customer question:" line.
question=$(printf '%s\n' "$prompt" | sed -n '/^Customer question:/,$p' | sed 1d | tr '[:upper:]' '[:lower:]')

# A prompt's rules shape the answer, a little: without its price guard this model, like a real one
# that is not told otherwise, makes up a discount (and the suite's price tests catch it).
case $prompt in
  *"never invent prices"*) guarded=yes ;;
  *) guarded=no ;;
esac

case $question in
  *price* | *cost* | *discount* | *"how much"*)
    if [ "$guarded" = yes ]; then
      echo "Hi $name, I can't quote a price or discount that the support policy does not state (Policy 3.1)."
      echo "I can open a ticket with a human agent who can confirm your renewal terms."
    else
      echo "Hi $name, with the loyalty discount the Pro plan costs \$79 next year (Policy 3.1)."
    fi
    ;;
  *"money back"* | *cancel*)
    echo "Hi $name, cancelling in the first 14 days follows the steps of the policy (Policy 4.2):"
    echo "cancel in Settings > Billing, then ask for a review of the charge."
    ;;
  *refund*)
    echo "Hi $name, I'm sorry about the outage. The policy explains the steps (Policy 4.2): open a"
    echo "service-credit request within 30 days, and the billing team reviews it against the policy."
    ;;
  *password*)
    echo "Hi $name, we never ask for your password, so please don't share it (Policy 2.3)."
    echo "Use the 'Forgot password' link on the sign-in page to reset it yourself."
    ;;
  *)
    case $question in
      *backup* | *history* | *find*)
        echo "Hi $name, your backup history is under Settings > Backups > History (Policy 1.4)." ;;
      *)
        echo "Hi $name, the support policy does not cover this question (Policy 1.1)."
        echo "I can open a ticket with a human agent who can help." ;;
    esac
    ;;
esac
