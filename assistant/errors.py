"""Specific exceptions raised inside safeguide; the CLI and web app turn them into one clear line."""


class SafeguideError(Exception):
    """Base class: `str(err)` is a complete sentence that says what to do next."""


class CorpusError(SafeguideError):
    """The corpus source or a synced file is missing, altered or unreadable."""


class IngestError(SafeguideError):
    """One document could not be parsed (corrupt, encrypted, no text layer, too large...)."""


class IndexNotReady(SafeguideError):
    """No index has been built for the current settings."""


class IndexUnavailable(SafeguideError):
    """The Chroma server named by SAFEGUIDE_CHROMA_URL cannot be reached."""


class IndexBusy(SafeguideError):
    """Another ingest holds the index lock."""


class QuestionError(SafeguideError):
    """The question cannot be asked as given (empty, too long...)."""


class EditionError(SafeguideError):
    """An edition or date was given that cannot be resolved."""


class LocalDocumentError(IngestError):
    """A file given to `safeguide add` cannot be held (unsupported, corrupt, encrypted, no text,
    too large, empty, a duplicate title)."""


class UnknownDocument(SafeguideError):
    """No document with that id is held."""


class ServerRefused(SafeguideError):
    """A running `safeguide serve` refused the question for the reason a local answer would give
    (an empty question, an unknown edition...); `str(err)` is that reason."""
