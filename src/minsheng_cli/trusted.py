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
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_Convert = Callable[[Any], Any]


def construct(cls: type[M], data: dict[str, Any]) -> M:
    """`cls` from `data` as `model_dump(mode="json")` gave it. Raises on a shape it cannot be."""
    return _model(cls)(data)  # type: ignore[no-any-return]


_set = object.__setattr__


def assemble(cls: type[M], values: dict[str, Any]) -> M:
    """What `cls.model_construct(**values)` gives, for `values` that name every field.

    model_construct looks up every field's default and alias on each call: 5 µs a
    record, half a second for a ledger of 100,000 reports. This sets the instance's
    state directly, as model_construct ends by doing. Models with private attributes
    go through model_construct, which sets their defaults.
    """
    if len(values) != _direct_fields(cls):
        return cls.model_construct(**values)
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


@cache
def _direct_fields(cls: type[BaseModel]) -> int:
    """How many fields `cls` has; -1 when it has private attributes (never assembled directly)."""
    return -1 if cls.__private_attributes__ else len(cls.model_fields)


@cache
def _model(cls: type[BaseModel]) -> _Convert:
    fields = [(name, _converter(field.annotation)) for name, field in cls.model_fields.items()]
    every = _direct_fields(cls)
    blank = cls.__new__

    def convert(data: Any) -> BaseModel:
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__} needs an object, not {data!r}")
        values = {name: convert(data[name]) for name, convert in fields if name in data}
        if len(values) != every:
            return cls.model_construct(**values)
        # assemble(), inlined: a cached notice holds a thousand models.
        model = blank(cls)
        _set(model, "__dict__", values)
        _set(model, "__pydantic_fields_set__", set(values))
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", None)
        return model

    return convert


def _converter(annotation: Any) -> _Convert:
    """A function from the JSON form of `annotation` to its value; raises on a wrong shape."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        item = _converter(inner)
        return lambda value: None if value is None else item(value)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        each = _converter(inner)
        return lambda value: [each(v) for v in _checked(value, list)]
    if origin is dict:
        _, inner = typing.get_args(annotation)
        each = _converter(inner)
        return lambda value: {k: each(v) for k, v in _checked(value, dict).items()}
    if not isinstance(annotation, type) or origin is not None:
        raise TypeError(f"cannot rebuild {annotation!r}")
    if issubclass(annotation, BaseModel):
        return _nested(annotation)
    if issubclass(annotation, enum.Enum):
        return _enum(annotation)
    if annotation is dt.date:
        return lambda value: dt.date.fromisoformat(_checked(value, str))
    if annotation is str:
        return lambda value: value if type(value) is str else _checked(value, str)
    return lambda value: _checked(value, annotation)


def _enum(kind: type[enum.Enum]) -> _Convert:
    """A dict lookup rather than Enum(value), which costs a metaclass call for each value."""
    members = {member.value: member for member in kind}

    def convert(value: Any) -> Any:
        try:
            return members[value]
        except (KeyError, TypeError):  # TypeError: a list or a dict, which cannot be a key
            raise ValueError(f"{value!r} is not a valid {kind.__name__}") from None

    return convert


def _nested(cls: type[BaseModel]) -> _Convert:
    """`_model(cls)`, looked up on first use (a model may name one defined after it)."""
    found: list[_Convert] = []

    def convert(value: Any) -> Any:
        if not found:
            found.append(_model(cls))
        return found[0](value)

    return convert


def _checked(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"{value!r} is not {kind.__name__}")
    return value


def dump(model: BaseModel) -> dict[str, Any]:
    """What `model.model_dump(mode="json")` gives, computed fields included, without
    building pydantic's serializer (about 25 ms for a task on first use)."""
    out = {name: _plain(getattr(model, name)) for name in type(model).model_fields}
    for name in type(model).model_computed_fields:
        out[name] = _plain(getattr(model, name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return dump(value)
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
