"""Practitioners' shorthand that the guidance never prints ("CSC", "13 yo", "mum"), spelt out in the
retrieval text so that both searches meet the guidance's own words. Abbreviations the corpus
defines itself ("DSL", "LADO") are learned from it instead (assistant.glossary)."""

from __future__ import annotations

import re
from collections.abc import Container

# Common in UK safeguarding practice; spelt out in the guidance's words where it has them.
ACRONYMS = {
    "CP": "child protection",
    "LA": "local authority",
    "CSC": "children's social care",
    "SW": "social worker",
    "HV": "health visitor",
    "DV": "domestic abuse",
    "CIN": "child in need",
    "LAC": "looked after child",
    "CLA": "looked after child",
    "ICPC": "initial child protection conference",
    "RCPC": "child protection review conference",
    "EHA": "early help assessment",
    "TAF": "team around the family",
    "SLT": "senior leadership team",
    "TA": "teaching assistant",
    "SBM": "school business manager",
    "EHCP": "education, health and care plan",
    "SGO": "special guardianship order",
    "NFA": "no further action",
    "CAMHS": "child and young people's mental health services",
    "MASH": "multi-agency safeguarding hub",
    "PLO": "pre-proceedings public law outline",
    "FGC": "family group conference",
    "UASC": "unaccompanied asylum seeking child",
    "MARAC": "multi-agency risk assessment conference",
    "CSPR": "child safeguarding practice review",
    "LCSPR": "local child safeguarding practice review",
    "YOS": "youth justice service",
    "ABE": "achieving best evidence",
    "FE": "further education",
    "MAT": "multi-academy trust",
    "DA": "domestic abuse",
    "CSA": "child sexual abuse",
    "PR": "parental responsibility",
    "LP": "lead practitioner",
    "PCSO": "police community support officer",
}
# Everyday words for what the guidance names formally; replaced (the guidance never uses them).
INFORMAL = {
    "info": "information",
    # the guidance speaks of parents and carers ("mother" is almost only its mother and baby units)
    "mum": "parent", "mums": "parents", "dad": "parent", "dads": "parents",
    "stepdad": "step-parent", "stepmum": "step-parent",
    "kid": "child", "kids": "children", "lad": "boy", "lads": "boys",
    "nan": "grandparent", "grandad": "grandparent",
}
WORDS = re.compile(rf"\b({'|'.join(INFORMAL)})\b", re.I)
ACRONYM = re.compile(rf"\b({'|'.join(ACRONYMS)})s?\b")
AGE = re.compile(r"\b(\d{1,2})\s*(?:yos?|y/o|y\.o\.?|yrs? old)(?=\W|$)", re.I)
SECTION = re.compile(r"(?<![\w'’])s\.?\s?(\d{1,3}[A-Z]?)\b")  # not "it's 10"


def spell_shorthand(text: str, defined: Container[str] = frozenset()) -> str:
    """The text with shorthand spelt out: "CSC" -> "CSC (children's social care)" (the acronym
    kept: it is the asker's word), "13 yo" -> "13 year old", "s47" -> "section 47", "mum" ->
    "parent", "info" -> "information". An acronym in `defined` (the corpus's own) is left as typed."""
    def acronym(m: re.Match[str]) -> str:
        word = m.group(0)
        return word if m.group(1) in defined else f"{word} ({ACRONYMS[m.group(1)]})"

    text = AGE.sub(r"\1 year old", ACRONYM.sub(acronym, text))
    text = WORDS.sub(lambda m: INFORMAL[m.group(1).lower()], text)
    return SECTION.sub(r"section \1", text)
