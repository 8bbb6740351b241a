"""Fit the abstention model on a golden set: a small logistic regression over the support
features of each question, then the probability threshold that best separates answerable from
unanswerable items. Prints the weights to put in settings (`abstain_weights`, `abstain_threshold`).

Run: python -m evals.calibrate [--golden FILE]
"""

from __future__ import annotations

import argparse
import json
import logging

import numpy as np

from assistant.evidence import FEATURES, support_features
from assistant.service import Assistant
from assistant.settings import Settings
from evals.scorer import GOLDEN_PATH, load_golden

log = logging.getLogger(__name__)


def collect(assistant: Assistant, path: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rows, labels, ids = [], [], []
    for item in load_golden(path):
        assistant.retriever.ensure_loaded()
        query = assistant.analyse(item.question, item.edition)
        if query.scope.unavailable or query.kind == "what-changed":
            continue  # refused by edition resolution, or answered by comparison, not by the model
        passages, ctx = assistant.retrieve(query)
        feats = max((support_features(part, part.passages) for part in ctx.parts or [ctx]),
                    key=lambda f: f["best"])
        rows.append([feats[f] for f in FEATURES])
        labels.append(0.0 if item.kind == "unanswerable" else 1.0)
        ids.append(item.id)
    return np.array(rows), np.array(labels), ids


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 20000) -> np.ndarray:
    """Plain gradient descent on the weighted log-loss (classes balanced)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (weight * (p - y)) / len(y) + l2 * np.r_[0, w[1:]]
        w -= 0.5 * grad
    return w


def choose_threshold(p: np.ndarray, y: np.ndarray, max_over_refusal: float = 0.05) -> float:
    best_t, best_acc = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 91):
        over = float(np.mean(p[y == 1] < t))
        acc = float(np.mean(p[y == 0] < t))
        if over <= max_over_refusal and acc > best_acc:
            best_t, best_acc = float(t), acc
    return best_t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--golden", default=str(GOLDEN_PATH))
    parser.add_argument("--l2", type=float, default=0.01, help="ridge penalty on the weights")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    x, y, ids = collect(Assistant(Settings()), args.golden)
    w = fit(x, y, l2=args.l2)
    p = 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))
    t = choose_threshold(p, y)
    weights = {"bias": round(float(w[0]), 4)} | {
        f: round(float(v), 4) for f, v in zip(FEATURES, w[1:], strict=True)}
    print(json.dumps({"abstain_weights": weights, "abstain_threshold": round(t, 3),
                      "abstention_accuracy": round(float(np.mean(p[y == 0] < t)), 3),
                      "over_refusal": round(float(np.mean(p[y == 1] < t)), 3)}, indent=1))
    for i in np.argsort(p):
        log.info("%.3f %s %s", p[i], int(y[i]), ids[i])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
