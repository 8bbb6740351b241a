"""Products or schemes a question offers as options and asks whether the guidance requires
("…use Smoothwall, Lightspeed or Securly?", "which recording system (CPOMS, MyConcern, etc.)…",
"…requires LAs to use Signs of Safety"): when no passage searched mentions any of them, the
guidance names none of them, and saying so answers the part."""

from __future__ import annotations

from assistant.evidence import AnswerContext


def unnamed_options(ctx: AnswerContext) -> tuple[str, ...]:
    """The options the part offers when no candidate passage mentions any of them; () otherwise."""
    names = ctx.offered
    if not names or not ctx.candidates:
        return ()
    texts = [" ".join(p.chunk.text.lower().split()) for p in ctx.candidates]
    return () if any(n.lower() in t for n in names for t in texts) else names
