"""engage's benchmark suite: measured ratios against the vendor limits (``make bench``).

``python -m benchmarks [name ...]`` runs every benchmark, or the named ones
(``budget``, ``utilisation``, ``defaults``, ``requests``, ``cpu``, ``memory``,
``tenants``, ``startup``),
prints a table per benchmark and a summary, and writes ``benchmarks/results.json``.
"""

BENCHMARKS = (
    "budget",
    "utilisation",
    "defaults",
    "requests",
    "cpu",
    "memory",
    "tenants",
    "startup",
)
