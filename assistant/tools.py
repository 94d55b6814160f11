"""The calculators as LangChain StructuredTools, generated from the calculator registry.

Usage::

    tools = calculator_tools()
    tools[0].invoke({"liability": "inpatient_in_area", "eligible_amount": 38600, "preexisting": False})
"""

from __future__ import annotations

from langchain_core.tools import StructuredTool
from pydantic import ValidationError

from assistant.calculators.registry import REGISTRY, Entry, problems, run


def _tool(entry: Entry) -> StructuredTool:
    def invoke(**inputs) -> dict:
        return run(entry, inputs, name_of=str).to_dict()  # a tool caller names inputs by field

    def refused(error: ValidationError) -> str:
        # The tool checks its arguments before ``invoke`` runs: say what is wrong as ``run`` would.
        return f"{entry.title}的输入有误：{problems(entry, error, str)}。"

    return StructuredTool.from_function(
        func=invoke,
        name=entry.name,
        description=entry.description,
        args_schema=entry.request,
        handle_validation_error=refused,
    )


def calculator_tools() -> list[StructuredTool]:
    """Every registered calculator as a StructuredTool (same names, schemas and results)."""
    return [_tool(entry) for entry in REGISTRY]
