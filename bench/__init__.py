"""Benchmarks (issue 8): plan time against raw azure-native, the deploy critical path, and the
blast radius of a change. ``python -m bench.run`` prints the tables; the modules are libraries
that ``tests/bench`` use for the structural targets (no timing is ever asserted).
"""
