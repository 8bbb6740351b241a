"""Answer writers behind the `Generator` protocol, built from settings by `build_generator`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.errors import SafeguideError
from assistant.options import GENERATORS

if TYPE_CHECKING:  # the answer pipeline loads only when a generator is built
    from assistant.answer import ExtractiveGenerator, Generator
    from assistant.settings import Settings

__all__ = ["GENERATORS", "build_generator"]


def build_generator(settings: Settings, extractive: ExtractiveGenerator) -> Generator:
    """The generator `settings.generator` names; cheap: models load on the first question."""
    from assistant.generators.base import LLMGenerator, LLMOptions

    kind = settings.generator
    if kind == "extractive":
        return extractive
    options = LLMOptions(settings.llm_min_overlap)
    if kind == "local":
        from assistant.generators.local import LlamaCppBackend
        from assistant.llm_setup import default_model_path

        local = LlamaCppBackend(settings.llm_model_path or default_model_path(), settings.llm_threads,
                                settings.llm_context, settings.llm_max_tokens, settings.llm_temperature)
        return LLMGenerator("local", local, extractive, options)
    if kind in ("openai", "ollama"):
        from assistant.generators.chat import LangChainBackend

        if kind == "openai" and not settings.openai_base_url:
            raise SafeguideError("the openai generator needs SAFEGUIDE_OPENAI_BASE_URL "
                                 "(e.g. http://127.0.0.1:8000/v1).")
        url = settings.openai_base_url if kind == "openai" else settings.ollama_base_url
        model = settings.openai_model if kind == "openai" else settings.ollama_model
        server = LangChainBackend(kind, model, url, settings.openai_api_key, settings.llm_max_tokens,
                                  settings.llm_temperature, settings.llm_timeout_s)
        return LLMGenerator(kind, server, extractive, options)
    raise SafeguideError(f"unknown generator {kind!r}: choose one of {', '.join(GENERATORS)}.")
