"""Markdown report of an evaluation, with PNG plots beside it (matplotlib, Agg backend)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from evals.scorer import LATENCY, LOWER_IS_BETTER, METRICS, EvalResult, check_floors

log = logging.getLogger(__name__)
RATES = tuple(m for m in METRICS if m not in LATENCY)


def fmt(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name in LATENCY:
        return f"{value:.2f} s"
    if name == "answer_chars_p50":
        return f"{value:.0f}"
    return f"{value:.3f}" if name == "mrr" else f"{100 * value:.1f}%"


def _cell(name: str, results: list[EvalResult], group: str | None, key: str | None) -> str:
    vals = [(r.metrics if group is None else getattr(r, group).get(key, {})).get(name)
            for r in results]
    return " / ".join(fmt(name, v) for v in vals)


def _escape(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|")


def _group_table(results: list[EvalResult], group: str) -> list[str]:
    keys = list(dict.fromkeys(k for r in results for k in getattr(r, group)))
    lines = ["| " + group.replace("by_", "") + " | n | " + " | ".join(METRICS) + " |",
             "|---|---:|" + "---:|" * len(METRICS)]
    attr = "kind" if group == "by_kind" else "edition"
    for key in keys:
        n = sum(1 for r in results[0].items if (getattr(r, attr) or "none") == key)
        lines.append(f"| {key} | {n} | "
                     + " | ".join(_cell(m, results, group, key) for m in METRICS) + " |")
    return lines


def render_markdown(result: EvalResult, baseline: EvalResult | None = None,
                    floors: dict[str, Any] | None = None, images: dict[str, str] | None = None
                    ) -> str:
    """The report text; `images` maps plot names to paths relative to the report."""
    runs = [result] + ([baseline] if baseline else [])
    head = " / ".join(r.mode for r in runs)
    out = [f"# safeguide evaluation — {head}", "",
           f"Golden set `{Path(result.golden).name or 'golden'}`: {len(result.items)} items, "
           f"k = {result.k}, started {result.started or 'unknown'}. "
           f"Failures: {' / '.join(str(len(r.failures)) for r in runs)}; errors: "
           f"{' / '.join(str(sum(i.error is not None for i in r.items)) for r in runs)}.", ""]
    if baseline:
        what = " (the dense-only baseline)" if baseline.mode == "dense" else ""
        out += [f"Cells show **{result.mode} / {baseline.mode}**{what}.", ""]
    limits = (floors or {}).get("metrics", {})
    out += ["## Overall", "", "| metric | better | n | " + " | ".join(r.mode for r in runs)
            + (" | Δ |" if baseline else " |") + (" floor | status |" if limits else ""),
            "|---|---|---:|" + "---:|" * len(runs) + ("---:|" if baseline else "")
            + ("---:|---|" if limits else "")]
    bad = {ln.split(":")[0] for ln in check_floors(result.metrics, {"metrics": limits})}
    for m in METRICS:
        row = (f"| {m} | {'lower' if m in LOWER_IS_BETTER else 'higher'} | {result.counts[m]} | "
               + " | ".join(fmt(m, r.metrics[m]) for r in runs) + " |")
        if baseline:
            a, b = result.metrics[m], baseline.metrics[m]
            delta = "–" if a is None or b is None else (
                f"{a - b:+.2f} s" if m in LATENCY else f"{a - b:+.3f}" if m == "mrr"
                else f"{100 * (a - b):+.1f} pt")
            row += f" {delta} |"
        if limits:
            spec = limits.get(m)
            limit = "–" if not spec else fmt(m, spec.get("floor", spec.get("ceiling")))
            row += f" {limit} | {'FAIL' if m in bad else 'ok' if spec else ''} |"
        out.append(row)
    for group, title, img in (("by_kind", "By kind", "by_kind"),
                              ("by_edition", "By edition (item edition; none = not given)",
                               "by_edition")):
        out += ["", f"## {title}", "", *_group_table(runs, group)]
        if images and img in images:
            out += ["", f"![{title}]({images[img]})"]
    out += ["", "## Latency", "",
            "Seconds per question (wall clock around `Assistant.ask`, after loading the index)."]
    if images and "latency" in images:
        out += ["", f"![Latency histogram]({images['latency']})"]
    for r in runs:
        out += ["", f"## Failures — {r.mode} ({len(r.failures)})", ""]
        if not r.failures:
            out.append("None.")
            continue
        out += ["| id | kind | failed checks | question | answer | top-k retrieved (doc p. ¶) |",
                "|---|---|---|---|---|---|"]
        for f in r.failures:
            top = "; ".join(f"{d} p.{p} ¶{para or '–'}" for d, p, para in f.retrieved)
            out.append(f"| {_escape(f.id)} | {f.kind} | {_escape('; '.join(f.failed))} | "
                       f"{_escape(f.question)} | {_escape(f.answer)} | {_escape(top, 600)} |")
    return "\n".join(out) + "\n"


def _bar_plot(runs: list[EvalResult], group: str, path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(len(runs), 1, figsize=(12, 4 * len(runs)), squeeze=False)
    for ax, r in zip(axes[:, 0], runs, strict=True):
        keys = list(getattr(r, group))
        width = 0.8 / max(1, len(keys))
        for i, key in enumerate(keys):
            vals = [getattr(r, group)[key].get(m) for m in RATES]
            xs = [j + i * width for j in range(len(RATES))]
            ax.bar(xs, [v if v is not None else 0.0 for v in vals], width, label=key)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(RATES))], RATES, rotation=25,
                      ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{r.mode}: metrics {group.replace('_', ' ')}")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _latency_plot(runs: list[EvalResult], path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for r in runs:
        ax.hist([i.latency for i in r.items], bins=30, alpha=0.6, label=r.mode)
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pyplot() -> Any:
    """matplotlib on its Agg backend, imported only when plots are drawn (it costs ~0.5 s)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_report(result: EvalResult, out: Path | str, baseline: EvalResult | None = None,
                 floors: dict[str, Any] | None = None) -> Path:
    """Write `out` (.md) and its PNG plots beside it; returns the report path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs = [result] + ([baseline] if baseline else [])
    images = {name: f"{out.stem}_{name}.png" for name in ("by_kind", "by_edition", "latency")}
    _bar_plot(runs, "by_kind", out.with_name(images["by_kind"]))
    _bar_plot(runs, "by_edition", out.with_name(images["by_edition"]))
    _latency_plot(runs, out.with_name(images["latency"]))
    out.write_text(render_markdown(result, baseline, floors, images), encoding="utf-8")
    log.info("report written to %s", out)
    return out
