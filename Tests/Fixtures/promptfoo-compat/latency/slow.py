import sys, time

# Answers after a pause when asked to, at once otherwise.
if "slowly" in sys.argv[1]:
    time.sleep(1.5)
print(sys.argv[1])
