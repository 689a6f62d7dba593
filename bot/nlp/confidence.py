"""How sure to be: small logistic models over a search's features, fitted on labelled questions.

`answer` model: the probability that the best FAQ entry answers the question; `passage` model:
that the best seed sentence does. Their coefficients and thresholds live in content/nlp/nlp.yaml
and are fitted by bench/fit_faq.py on the `fit` part of tests/nlp/questions.yaml only.
"""

from __future__ import annotations

import math
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
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

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
                 l2: float = 0.01, steps: int = 3000, rate: float = 0.5) -> Model:
    """Logistic regression by gradient descent on standardised features; the returned
    coefficients apply to the raw features."""
    columns = [[float(r.get(n, 0.0)) for r in rows] for n in names]
    means = [sum(c) / len(c) for c in columns]
    scales = [math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) or 1.0
              for c, m in zip(columns, means, strict=True)]
    data = [[(c[i] - m) / s for c, m, s in zip(columns, means, scales, strict=True)]
            for i in range(len(rows))]
    weights, bias = [0.0] * len(names), 0.0
    for _ in range(steps):
        grad, grad_b = [0.0] * len(names), 0.0
        for x, y in zip(data, labels, strict=True):
            z = bias + sum(w * v for w, v in zip(weights, x, strict=True))
            err = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - y
            grad_b += err
            grad = [g + err * v for g, v in zip(grad, x, strict=True)]
        n = len(data)
        weights = [w - rate * (g / n + l2 * w) for w, g in zip(weights, grad, strict=True)]
        bias -= rate * grad_b / n
    coef = {name: w / s for name, w, s in zip(names, weights, scales, strict=True)}
    raw_bias = bias - sum(w * m / s for w, m, s in zip(weights, means, scales, strict=True))
    return Model(raw_bias, coef)
