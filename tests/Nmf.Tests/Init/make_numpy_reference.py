"""Reference values for NumpyRandomState and NmfInitializer, from NumPy's legacy RandomState and
scikit-learn 1.2's _initialize_nmf. Run from the repository root:

    /usr/bin/python3 tests/Nmf.Tests/Init/make_numpy_reference.py

Writes tests/Nmf.Tests/Init/data/*.txt (one array a line: name, then values in repr form).
The NNDSVD references use the exact SVD (scikit-learn's randomized_svd replaced by numpy.linalg.svd with
svd_flip), except the 'randomized' ones, which keep scikit-learn's own randomized_svd.
"""
import os
import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import _nmf
from sklearn.utils.extmath import randomized_svd, svd_flip

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
os.makedirs(OUT, exist_ok=True)


def line(name, values):
    values = np.asarray(values).ravel()
    return name + " " + " ".join(repr(float(v)) if values.dtype.kind == "f" else str(int(v)) for v in values) + "\n"


def write(path, entries):
    with open(os.path.join(OUT, path), "w") as f:
        f.write("# numpy %s, scikit-learn %s\n" % (np.__version__, sklearn.__version__))
        for name, values in entries:
            f.write(line(name, values))


# --- the generator itself
entries = []
for seed in [0, 1, 42, 12345, 2**31 - 1, 2**32 - 1]:
    rs = np.random.RandomState(seed)
    entries.append(("sample_%d" % seed, rs.random_sample(7)))
    entries.append(("normal_%d" % seed, rs.standard_normal(9)))  # odd: leaves a cached value
    entries.append(("sample_after_%d" % seed, rs.random_sample(3)))  # the cache survives uniform draws
    entries.append(("normal_after_%d" % seed, rs.standard_normal(3)))
    entries.append(("perm10_%d" % seed, rs.permutation(10)))
    entries.append(("perm1_%d" % seed, rs.permutation(1)))
    entries.append(("randint_%d" % seed, rs.randint(0, 7, size=6)))
    entries.append(("randint_big_%d" % seed, rs.randint(-5, 2**40, size=3)))
    entries.append(("uint32_%d" % seed, rs.randint(0, 2**32, size=4, dtype=np.uint32)))
    entries.append(("normal_long_%d" % seed, rs.standard_normal(2001)[-5:]))  # past several regenerations
    entries.append(("normal_loc_%d" % seed, rs.normal(size=3)))
    x = np.arange(13)
    rs.shuffle(x)
    entries.append(("shuffle13_%d" % seed, x))
write("random_state.txt", entries)


# --- scikit-learn's _initialize_nmf on small matrices (exact SVD for NNDSVD)
def exact_svd(M, n_components, random_state=None, **kwargs):
    U, s, Vt = np.linalg.svd(M.toarray() if sp.issparse(M) else M, full_matrices=False)
    U, Vt = svd_flip(U, Vt)
    return U[:, :n_components], s[:n_components], Vt[:n_components]


def small_matrix():
    X = np.random.RandomState(5).random_sample((30, 12))
    X[X < 0.3] = 0.0
    return X


entries = []
X = small_matrix()
entries.append(("X", X))
toy = np.loadtxt(os.path.join(os.path.dirname(OUT), "..", "..", "..", "..", "shared", "golden",
                              "toy-sklearn-random-init", "X.csv"), delimiter=",")
for seed in [0, 3]:
    W, H = _nmf._initialize_nmf(toy, 2, init="random", random_state=seed)
    entries += [("toy_random_%d_W" % seed, W), ("toy_random_%d_H" % seed, H)]
    W, H = _nmf._initialize_nmf(X, 5, init="random", random_state=seed)
    entries += [("random_%d_W" % seed, W), ("random_%d_H" % seed, H)]
    W, H = _nmf._initialize_nmf(X.astype(np.float32), 5, init="random", random_state=seed)
    entries += [("random32_%d_W" % seed, W), ("random32_%d_H" % seed, H)]
W, H = _nmf._initialize_nmf(X, 13, init=None, random_state=4)  # k > min(n, m): auto means random
entries += [("auto_random_4_W", W), ("auto_random_4_H", H)]
_nmf.randomized_svd = exact_svd
for init in ["nndsvd", "nndsvda", "nndsvdar"]:
    W, H = _nmf._initialize_nmf(X, 5, init=init, random_state=7)
    entries += [("%s_W" % init, W), ("%s_H" % init, H)]
W, H = _nmf._initialize_nmf(sp.csr_matrix(X), 5, init="nndsvda", random_state=7)
entries += [("csr_nndsvda_W", W), ("csr_nndsvda_H", H)]
W, H = _nmf._initialize_nmf(X, 4, init=None, random_state=7)
entries += [("auto_W", W), ("auto_H", H)]
write("initialize_small.txt", entries)

# --- scikit-learn's own randomized path on matrices large enough for NmfInitializer to pick it.
_nmf.randomized_svd = randomized_svd
entries = []
Xd = np.random.RandomState(11).random_sample((3000, 200))  # 3000*200*200 = 1.2e8 > 2**26
W, H = _nmf._initialize_nmf(Xd, 6, init="nndsvd", random_state=2)
entries += [("dense_W_head", W[:20]), ("dense_W_colsum", W.sum(axis=0)), ("dense_H", H)]
Xs = np.random.RandomState(12).random_sample((400, 2500))  # wide: randomized_svd transposes
Xs[Xs < 0.95] = 0.0
Xs = sp.csr_matrix(Xs)
W, H = _nmf._initialize_nmf(Xs, 8, init="nndsvda", random_state=5)
entries += [("sparse_W_head", W[:20]), ("sparse_W_colsum", W.sum(axis=0)), ("sparse_H_head", H[:, :40]),
            ("sparse_H_rowsum", H.sum(axis=1))]
U, s, Vt = randomized_svd(Xs, 8, random_state=5)
entries += [("sparse_svd_s", s), ("sparse_svd_U_head", U[:10]), ("sparse_svd_Vt_head", Vt[:, :10])]
write("initialize_randomized.txt", entries)
