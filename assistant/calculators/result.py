"""What every calculator returns: the value, its steps in words, and what it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.calculators.parameters import Parameter, Reference
from assistant.errors import AssistantError


class CalculationError(AssistantError):
    """Inputs a calculator cannot use (negative amount, 2月30日, unknown window); the message names the valid choices."""


@dataclass(frozen=True)
class Calculation:
    """A calculator's result.

    ``citations`` are the references of the parameters used; ``not_modelled`` says
    what the rule has that the calculation leaves out, and ``warnings`` what the
    user must know to read the value right.
    """

    name: str
    inputs: dict[str, Any]
    value: Any
    unit: str
    steps: tuple[str, ...]
    citations: tuple[Reference, ...]
    warnings: tuple[str, ...] = ()
    not_modelled: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
            "value": _plain(self.value),
            "unit": self.unit,
            "steps": list(self.steps),
            "citations": [c.to_dict() for c in self.citations],
            "warnings": list(self.warnings),
            "not_modelled": list(self.not_modelled),
        }


@dataclass(frozen=True)
class Clarification:
    """The one input a calculation cannot do without, and the question to ask for it.

    Returned like any result (never raised): the chat asks ``question``, the next turn fills
    ``field`` by name, and anything else starts a new question.
    """

    field: str
    question: str
    choices: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"field": self.field, "question": self.question, "choices": list(self.choices)}


@dataclass
class Trace:
    """Collects steps and the parameters they used while a calculator runs."""

    steps: list[str] = field(default_factory=list)
    used: dict[str, Reference] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def step(self, text: str, *parameters: Parameter) -> None:
        self.steps.append(text)
        for parameter in parameters:
            self.used.setdefault(parameter.name, parameter.reference)

    def cite(self, *parameters: Parameter) -> None:
        for parameter in parameters:
            self.used.setdefault(parameter.name, parameter.reference)

    def cite_reference(self, name: str, reference: Reference) -> None:
        """Cite a clause that is not a numeric parameter (a list, a definition)."""
        self.used.setdefault(name, reference)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def citations(self) -> tuple[Reference, ...]:
        unique: dict[tuple[str, str, str], Reference] = {}
        for reference in self.used.values():
            unique.setdefault((reference.doc_number, reference.section, reference.quote), reference)
        return tuple(unique.values())


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def yuan(amount: float) -> str:
    """Format a yuan amount the way people read it: 33600 → '33,600 元'."""
    if float(amount).is_integer():
        return f"{int(amount):,} 元"
    return f"{amount:,.2f} 元"
