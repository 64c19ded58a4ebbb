import sys

# promptfoo's exec provider reports no cost.
print(sys.argv[1])
