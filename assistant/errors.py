"""Errors the assistant raises; the CLI and the web page show their message, never a traceback."""

from ingest.errors import IndexMissingError, IngestError, ModelMissingError


class AssistantError(Exception):
    """Base class for problems a user of `ask`, `serve` or `docs` can fix."""


class SettingError(AssistantError):
    """A setting (environment variable or flag) has an invalid value; seen by whoever starts the program."""


__all__ = ["AssistantError", "SettingError", "IndexMissingError", "IngestError", "ModelMissingError"]
