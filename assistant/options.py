"""The command line's fixed choices, in a module that imports nothing.

`safeguide ask` builds its parser before it knows whether a running server will answer, so the
choices it offers must not pull in the answer pipeline (models, index, plots). The modules that
use these values re-export them (`assistant.editions.SOURCES`, `assistant.generators.GENERATORS`,
`corpus.local.LOCAL_KINDS`).
"""

from __future__ import annotations

SOURCES = ("all", "national", "local")  # which documents an answer searches
GENERATORS = ("extractive", "local", "openai", "ollama")  # answer writers
LOCAL_KINDS: tuple[str, ...] = ("local-procedure", "threshold", "school-policy", "other")
