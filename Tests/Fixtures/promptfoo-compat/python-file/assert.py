def get_assert(output, context):
    return "fruit" in output.lower()


def length_score(output, context):
    # A score: the share of 100 characters the output uses.
    return len(output) / 100
