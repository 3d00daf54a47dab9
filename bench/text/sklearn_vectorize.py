"""Times scikit-learn's TfidfVectorizer(min_df=2, max_df=0.95, stop_words='english') on a one-document-per-line
file: prints the best of N fit_transform wall times in seconds and the matrix shape.

usage: python3 bench/text/sklearn_vectorize.py CORPUS [N]"""
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer

with open(sys.argv[1], encoding="utf-8") as f:
    documents = f.read().split("\n")[:-1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
best = float("inf")
for _ in range(repeats):
    start = time.perf_counter()
    x = TfidfVectorizer(min_df=2, max_df=0.95, stop_words="english").fit_transform(documents)
    best = min(best, time.perf_counter() - start)
print(f"sklearn {best:.3f} s, {x.shape[0]} x {x.shape[1]}, {x.nnz} non-zeros")
