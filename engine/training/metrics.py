"""Quality measures beside the loss: accuracy for classification, R² for regression."""
from __future__ import annotations

import numpy as np


def predicted_classes(A: np.ndarray) -> np.ndarray:
    """Class of each sample from the output A (m, k): argmax, or A > 0.5 for one output."""
    if A.shape[1] == 1:
        return (A[:, 0] > 0.5).astype(np.int64)
    return A.argmax(axis=1)


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """(k, k) counts: row = true class, column = predicted class (k = ``n_classes``)."""
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    return np.bincount(labels * n_classes + predicted,
                       minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def accuracy(A: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of samples whose predicted class equals the label (NaN for no samples)."""
    if len(labels) == 0:
        return float("nan")
    if A.shape[1] == 1:
        hits = (A[:, 0] > 0.5) == labels
    else:
        hits = predicted_classes(A) == labels
    return int(np.count_nonzero(hits)) / len(labels)


def r_squared(A: np.ndarray, y: np.ndarray) -> float:
    """R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² for one output column (NaN for no samples)."""
    if len(y) == 0:
        return float("nan")
    residual = float(np.sum((A[:, 0] - y) ** 2))
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def precision_recall(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class k of a confusion matrix (rows = true, columns = predicted):
    precision_k = M[k, k] / Σᵢ M[i, k] (of the samples predicted k, how many are k) and
    recall_k = M[k, k] / Σⱼ M[k, j] (of the samples of class k, how many were found); NaN where
    the denominator is 0."""
    matrix = np.asarray(matrix, dtype=float)
    hits = np.diag(matrix)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(matrix.sum(axis=0) > 0, hits / matrix.sum(axis=0), np.nan)
        recall = np.where(matrix.sum(axis=1) > 0, hits / matrix.sum(axis=1), np.nan)
    return precision, recall


def mean_absolute_error(A: np.ndarray, y: np.ndarray) -> float:
    """MAE = mean |ŷ − y| for one output column (NaN for no samples)."""
    if len(y) == 0:
        return float("nan")
    return float(np.mean(np.abs(A[:, 0] - y)))
