"""Reference values for Pca and TruncatedSvd from NumPy 1.24 / scikit-learn 1.2. Run from the repository root:

    /usr/bin/python3 tests/Nmf.Tests/Decomposition/make_sklearn_reference.py

Writes tests/Nmf.Tests/Decomposition/data/*.txt (one array a line: name, then values in repr form).
"""
import os
import numpy as np
import scipy.io
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.utils.extmath import svd_flip

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")
SHARED = os.path.join(HERE, "..", "..", "..", "..", "shared")
os.makedirs(OUT, exist_ok=True)


def write(path, entries):
    with open(os.path.join(OUT, path), "w") as f:
        f.write("# numpy %s, scikit-learn %s\n" % (np.__version__, sklearn.__version__))
        for name, values in entries:
            f.write(name + " " + " ".join(repr(float(v)) for v in np.asarray(values).ravel()) + "\n")


digits = np.loadtxt(os.path.join(SHARED, "data", "digits.csv"), delimiter=",")
entries = []
# An exact SVD of the centred data by LAPACK (gesdd), independent of scikit-learn's PCA code.
centred = digits - digits.mean(axis=0)
U, s, Vt = np.linalg.svd(centred, full_matrices=False)
U, Vt = svd_flip(U, Vt)
entries += [("svd_s", s), ("svd_explained_variance", s**2 / (digits.shape[0] - 1)), ("svd_Vt", Vt)]
pca = PCA(n_components=20, svd_solver="full").fit(digits)
entries += [("full_components", pca.components_), ("full_explained_variance", pca.explained_variance_),
            ("full_ratio", pca.explained_variance_ratio_), ("full_singular_values", pca.singular_values_),
            ("full_mean", pca.mean_), ("full_noise_variance", [pca.noise_variance_]),
            ("full_transform_head", pca.transform(digits[:5]))]
pca = PCA(n_components=10, random_state=3).fit(digits)  # auto: randomized here
entries += [("auto_components", pca.components_), ("auto_explained_variance", pca.explained_variance_),
            ("auto_ratio", pca.explained_variance_ratio_), ("auto_singular_values", pca.singular_values_),
            ("auto_noise_variance", [pca.noise_variance_])]
write("pca_digits.txt", entries)

X = scipy.io.mmread(os.path.join(SHARED, "data", "austen-tfidf.mtx")).tocsr()
tsvd = TruncatedSVD(n_components=10, random_state=0)
Z = tsvd.fit_transform(X)
write("tsvd_austen.txt", [("singular_values", tsvd.singular_values_),
                          ("explained_variance", tsvd.explained_variance_),
                          ("ratio", tsvd.explained_variance_ratio_),
                          ("components_head", tsvd.components_[:, :50]),
                          ("components_rowsum", tsvd.components_.sum(axis=1)),
                          ("transform_head", Z[:20])])

# LU with partial pivoting (P L of scipy.linalg.lu(permute_l=True)) and economic QR, on small random matrices.
import scipy.linalg
rs = np.random.RandomState(21)
entries = []
for r, c in [(9, 4), (4, 9), (6, 6)]:
    A = rs.standard_normal((r, c))
    PL, _ = scipy.linalg.lu(A, permute_l=True)
    Q, _ = scipy.linalg.qr(A, mode="economic")
    entries += [("A_%dx%d" % (r, c), A), ("PL_%dx%d" % (r, c), PL), ("Q_%dx%d" % (r, c), Q)]
write("lu_qr.txt", entries)
