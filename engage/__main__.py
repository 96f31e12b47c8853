"""``python -m engage``: the ``engage`` command."""

from .cli import main

main()
