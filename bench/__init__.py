"""Benchmarks: named scenarios timed through django.test.Client against a seeded database,
each beside its floor (the same answer from one hand-written SQL query). See bench/README.md."""
