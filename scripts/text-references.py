"""Reference values for tests/Nmf.Tests/Text (run with Debian's python3-sklearn 1.2.1 / numpy 1.24).

Prints: Python's tokens of a Unicode sample (lower-cased, pattern (?u)\\b\\w\\w+\\b), and writes
tests/Nmf.Tests/Text/numpy-argsort.txt: values and NumPy's default argsort of them (ties on purpose)."""
import re
import numpy as np

sample = "Naïve CAFÉ_au-lait x 1a ǅemo x² İSTANBUL ΟΔΟΣ ΣΑΣ. a\u0301b 𝐀𝐁 ⅫⅠ under_score ‿join 中文 ١٢٣"
print(re.findall(r"(?u)\b\w\w+\b", sample.lower()))

rng = np.random.RandomState(7)
values = -rng.randint(0, 30, size=3000).astype(np.int64)
order = values.argsort()
with open("tests/Nmf.Tests/Text/numpy-argsort.txt", "w") as f:
    f.write(" ".join(map(str, values)) + "\n")
    f.write(" ".join(map(str, order)) + "\n")

# Clustering metrics of tests/Nmf.Tests/Metrics/ClusteringMetricsTests.cs.
from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari
from sklearn.metrics.cluster import contingency_matrix
cases = [
    ([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]),
    (["a", "a", "b", "b", "c", "c", "c", "a"], [1, 1, 1, 0, 0, 2, 2, 2]),
    ([0, 0, 1, 1], [1, 1, 0, 0]),
    ([0, 0, 1, 1], [0, 1, 0, 1]),
]
for t, p in cases:
    c = contingency_matrix(t, p)
    purity = c.max(axis=0).sum() / c.sum()
    print(repr(nmi(t, p)), repr(ari(t, p)), repr(purity))
