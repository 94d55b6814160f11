"""An assistant that follows the live index build, so a new build needs no restart.

A web server (or several replicas over one shared index folder) keeps answering from the build
it opened. Every few seconds a question's arrival checks ``CURRENT``; when an ingest has switched
it, the new build is opened beside the old one in a background thread, with the same embedding
model, and takes over once it has loaded and passed its checks. Until then, and for good if it
will not open, questions are answered from the old build: never from half of each.

Usage::

    live = LiveAssistant(Assistant.from_config(config), config, on_switch=lambda name: print(name))
    live.ask("保费多少？")          # anything an Assistant has, from the build live now
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from assistant.service import Assistant
from assistant.settings import Config
from ingest.index import CURRENT, ClauseIndex

log = logging.getLogger(__name__)
CHECK_SECONDS = 2.0


class LiveAssistant:
    """Forwards to the ``Assistant`` of the build ``CURRENT`` names, switching when it changes."""

    def __init__(
        self,
        assistant: Assistant,
        config: Config,
        check_every: float = CHECK_SECONDS,
        on_switch: Callable[[str], None] = lambda build: None,
        on_failure: Callable[[str, BaseException], None] = lambda build, error: None,
    ):
        self._assistant = assistant
        self._config = config
        self._check_every = check_every
        self._on_switch = on_switch
        self._on_failure = on_failure
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self._refused: str | None = None  # a build that would not open is not tried again

    def current(self) -> Assistant:
        """The assistant of the live build (starting to load a newer one when ``CURRENT`` moved)."""
        now = time.monotonic()
        if now - self._checked >= self._check_every:
            with self._lock:
                if now - self._checked >= self._check_every and self._loading is None:
                    self._checked = now
                    named = _named_build(self._config)
                    if named and named not in (self._assistant.index.build_dir.name, self._refused):
                        self._loading = threading.Thread(target=self._load, args=(named,), name="index-switch", daemon=True)
                        self._loading.start()
        return self._assistant

    def wait(self, timeout: float | None = None) -> None:
        """Block until a switch under way has finished (for tests and orderly shutdown)."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def __getattr__(self, name: str):
        return getattr(self.current(), name)

    def _load(self, build: str) -> None:
        old = self._assistant
        try:
            index = ClauseIndex.open(self._config.index_dir, self._config.chroma_url or None)
            fresh = Assistant(index, old.searcher.embedder, old.tokenizer, self._config)
        except Exception as error:  # the old build keeps answering; the operator is told why
            log.warning("the new index build %s did not open: %s", build, error)
            self._refused = build
            self._on_failure(build, error)
        else:
            self._assistant = fresh  # one reference assignment: a question sees the old or the new, whole
            self._on_switch(index.build_dir.name)
        finally:
            self._loading = None


def _named_build(config: Config) -> str | None:
    try:
        return (config.index_dir / CURRENT).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
