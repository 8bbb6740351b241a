"""Adapters for other frameworks (LangChain)."""
