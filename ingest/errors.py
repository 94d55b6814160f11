"""Errors raised while reading the corpus and building the index; each message says what to do."""


class IngestError(Exception):
    """Base class: shown to whoever runs `policy-assistant ingest` (CLI prints the message, no traceback)."""


class CorpusError(IngestError):
    """A corpus file or manifest is missing, altered or not in a known format; seen by the person adding a gazette."""


class IndexMissingError(IngestError):
    """No usable index on disk; seen by anyone asking a question before `policy-assistant ingest` has run."""


class ModelMissingError(IngestError):
    """The embedding model folder is missing or unreadable; seen by anyone indexing or asking before `make setup`."""


class ModelExportError(IngestError):
    """An ONNX copy of the model could not be made or did not match the model; seen by whoever runs setup-model."""
