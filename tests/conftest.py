from hypothesis import settings

# `make mutation` runs each mutant's tests with the same examples, so that a verdict says what
# the mutant did, not what a random draw found (a clean run must pass, every time).
settings.register_profile("mutation", derandomize=True, database=None)
