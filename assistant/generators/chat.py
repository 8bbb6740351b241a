"""Server backends through langchain chat models: any OpenAI-compatible server, or Ollama."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from pydantic import SecretStr

from assistant.errors import SafeguideError

log = logging.getLogger(__name__)


class ChatServerError(SafeguideError):
    """The chat server could not be reached or refused the request."""


def _to_langchain(messages: list[dict[str, str]]) -> list[Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]


class LangChainBackend:
    """Builds the langchain chat model on first use and streams its reply."""

    def __init__(self, kind: str, model: str, base_url: str | None, api_key: SecretStr | None = None,
                 max_tokens: int = 160, temperature: float = 0.0, timeout_s: float = 120.0) -> None:
        self.kind = kind
        self.model = model
        self.base_url = base_url
        self.api_key = api_key
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.timeout_s = timeout_s
        self._chat: Any = None

    def __repr__(self) -> str:  # never shows the key
        return f"LangChainBackend({self.kind!r}, {self.model!r}, {self.base_url!r})"

    def _load(self) -> Any:
        if self._chat is not None:
            return self._chat
        try:
            if self.kind == "openai":
                from langchain_openai import ChatOpenAI

                self._chat = ChatOpenAI(
                    model=self.model, base_url=self.base_url, max_retries=1,
                    api_key=self.api_key or SecretStr("not-needed"), timeout=self.timeout_s,
                    temperature=self.temperature,
                    # plain max_tokens: llama.cpp and most local servers ignore max_completion_tokens
                    extra_body={"max_tokens": self.max_tokens})
            else:
                from langchain_ollama import ChatOllama

                self._chat = ChatOllama(model=self.model, base_url=self.base_url,
                                        num_predict=self.max_tokens, temperature=self.temperature)
        except ImportError as exc:
            raise ChatServerError(f"the {self.kind} backend needs langchain-{self.kind}: "
                                  "run `make setup-llm`.") from exc
        return self._chat

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        chat = self._load()
        try:
            for chunk in chat.stream(_to_langchain(messages)):
                if isinstance(chunk.content, str) and chunk.content:
                    yield chunk.content
        except SafeguideError:
            raise
        except Exception as exc:  # network and server errors: one clear line at the edges
            log.warning("%s server error: %s", self.kind, type(exc).__name__)
            raise ChatServerError(f"the {self.kind} server at {self.base_url} failed: "
                                  f"{type(exc).__name__}.") from exc
