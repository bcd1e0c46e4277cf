"""What the tests and the benchmarks share: made-up inputs and the drivers they start.

Phone-like photos, the Chromium the browser tests and benchmarks launch, throwaway PostgreSQL
databases, generated training photos. It is not test code (nothing here imports pytest or tests/),
so ``bench/`` uses it without importing the test tree, and the two never import each other.
"""
