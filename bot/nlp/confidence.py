"""How sure to be: small logistic models over a search's features, fitted on labelled questions.

`answer` model: the probability that the best FAQ entry answers the question; `passage` model:
that the best seed sentence does. Their coefficients and thresholds live in content/nlp/nlp.yaml
and are fitted by bench/fit_faq.py on the `fit` part of tests/nlp/questions.yaml only.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Row = Mapping[str, float]


@dataclass(frozen=True)
class Model:
    """p = sigmoid(bias + sum(coef[name] * features[name])); unknown features count 0."""

    bias: float = 0.0
    coef: Mapping[str, float] = field(default_factory=dict)

    def probability(self, features: Row) -> float:
        """The model's probability for one row of features (0..1)."""
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.coef.items())
        return _sigmoid(z)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, float], where: str) -> Model:
        """From {bias: b, name: coef, ...}; ValueError naming a value that is not a number."""
        try:
            values = {str(k): float(v) for k, v in raw.items()}
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: every value must be a number ({exc})") from None
        bias = values.pop("bias", 0.0)
        return cls(bias, values)


def fit_logistic(rows: Sequence[Row], labels: Sequence[int], names: Sequence[str],
                 l2: float = 0.01, steps: int = 3000, rate: float = 0.5,
                 signs: Mapping[str, int] | None = None) -> Model:
    """Logistic regression by gradient descent on standardised features; the returned
    coefficients apply to the raw features. signs: +1 (or -1) keeps a feature's coefficient
    at or above (below) zero, so evidence can only count the way it should."""
    limits = [(signs or {}).get(name, 0) for name in names]
    n = len(rows)
    columns = [[float(r.get(name, 0.0)) for r in rows] for name in names]
    means = [sum(c) / n for c in columns]
    scales = [math.sqrt(sum((x - m) ** 2 for x in c) / n) or 1.0
              for c, m in zip(columns, means, strict=True)]
    data = [[(x - m) / s for x in c] for c, m, s in zip(columns, means, scales, strict=True)]
    weights, bias = [0.0] * len(names), 0.0
    for _ in range(steps):
        z = [bias] * n
        for w, column in zip(weights, data, strict=True):
            z = [a + w * x for a, x in zip(z, column, strict=True)]
        errs = [_sigmoid(v) - y for v, y in zip(z, labels, strict=True)]
        weights = [_clip(w - rate * (sum(map(operator.mul, errs, column)) / n + l2 * w), sign)
                   for w, column, sign in zip(weights, data, limits, strict=True)]
        bias -= rate * sum(errs) / n
    coef = {name: w / s for name, w, s in zip(names, weights, scales, strict=True)}
    raw_bias = bias - sum(w * m / s for w, m, s in zip(weights, means, scales, strict=True))
    return Model(raw_bias, coef)


def _clip(w: float, sign: int) -> float:
    return max(w, 0.0) if sign > 0 else min(w, 0.0) if sign < 0 else w


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
