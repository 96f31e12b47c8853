"""Run the documentation's code blocks against the emulators (see tests/test_docs_run.py)."""

from ._blocks import run_page, skip_reasons
from ._workspace import variables

__all__ = ["run_page", "skip_reasons", "variables"]
