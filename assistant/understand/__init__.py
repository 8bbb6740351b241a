"""Question analysis: the question and the controls become one typed `Query`, once."""

from assistant.understand.query import Part, Query, analyse

__all__ = ["Part", "Query", "analyse"]
