"""Rebuild models from JSON this program wrote itself, without pydantic validation.

Validating a cached notice first builds pydantic's validators for every model
in it, which costs about 45 ms: a quarter of a command's start-up. A cache
entry needs no validation, since it is our own dump, checked against its
SHA-256 before use; so it is rebuilt field by field from the models' own type
annotations with `model_construct`, turning strings back into dates and enums.
`tests/test_cache.py` checks that this gives what validation gives.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def construct(cls: type[M], data: dict[str, Any]) -> M:
    """`cls` from `data` as `model_dump(mode="json")` gave it. Raises on a shape it cannot be."""
    values = {
        name: _value(field.annotation, data[name])
        for name, field in cls.model_fields.items()
        if name in data
    }
    return cls.model_construct(**values)


def _value(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _value(inner, value)
    if origin is list and isinstance(value, list):
        (item,) = typing.get_args(annotation)
        return [_value(item, v) for v in value]
    if origin is dict and isinstance(value, dict):
        _, item = typing.get_args(annotation)
        return {k: _value(item, v) for k, v in value.items()}
    if origin is not None:
        raise TypeError(f"{value!r} is not {annotation}")
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return construct(annotation, value)
        if issubclass(annotation, enum.Enum):
            return annotation(value)
        if annotation is dt.date:
            return dt.date.fromisoformat(value)
        if not isinstance(value, annotation):
            raise TypeError(f"{value!r} is not {annotation.__name__}")
    return value
