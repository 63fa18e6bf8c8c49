"""Fuzz harness for runwell's readers (issue 12).

Modules
-------
mutators
    The mutator registry, generic byte mutators and :func:`~fuzzing.mutators.mutate`.
fitmut, textmut, containers
    FIT-aware, XML/CSV/JSON and zip/gzip mutators (they register on import).
targets
    The public-API calls an input is fed to, run inside the child process.
runner
    Runs one call in a child process with time and memory limits and classifies it.
campaign
    Seeds, recipes, campaigns, the outcome table and saved failing recipes.

``benchmarks/fuzz.py`` is the command line; ``tests/test_fuzz.py`` the fixed-seed slice.
"""
