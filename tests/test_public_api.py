"""The package root: what it exports, and that the export list is whole and sorted."""

from __future__ import annotations

import inspect

import engage
from engage import errors


def test_root_all_is_sorted_and_unique() -> None:
    assert engage.__all__ == sorted(engage.__all__)
    assert len(set(engage.__all__)) == len(engage.__all__)


def test_root_all_is_complete() -> None:
    public = {
        name
        for name, value in vars(engage).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and getattr(value, "__module__", "").startswith("engage")
    }
    assert public - set(engage.__all__) == set()
    for name in engage.__all__:
        assert hasattr(engage, name), name


def test_every_error_class_is_exported() -> None:
    classes = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, errors.EngageError)
    }
    assert classes <= set(engage.__all__)
    assert set(errors.__all__) == classes


def test_documented_entry_points_import() -> None:
    from engage import (  # noqa: F401
        Activity,
        Engage,
        Enrollment,
        Sequence,
        Step,
        Target,
        Task,
        TenantConfig,
    )


def test_error_tree_docstring_names_every_error() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        assert name in doc, f"{name} is missing from the error tree drawing"
