#!/usr/bin/python3
"""Makes the MiniBatchNMF reference cases of tests/Nmf.Tests/MiniBatch/reference/.

Run from the repository root:  /usr/bin/python3 tests/Nmf.Tests/MiniBatch/reference/make_reference.py
Needs scikit-learn (Debian's python3-sklearn, 1.2.1). Each case is a folder with case.json (the parameters
given to sklearn.decomposition.MiniBatchNMF and the results n_iter_, n_steps_, reconstruction_err_), the data
X (dense: X.csv; sparse: X.coo.csv with lines "row,col,value", 0-based), the custom start W0.csv/H0.csv and
sklearn's W.csv/H.csv. partial_fit cases hold the chunks X1.csv.. and H after each call (H1.csv..);
transform cases hold Xnew.csv and sklearn's transform Wt.csv.
MiniBatchNMF does not shuffle: batches are consecutive rows, cycled, so a custom start makes a case exact.
"""
import json
import os
import sys

import numpy as np
import scipy.io
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import MiniBatchNMF

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data")


def write_dense(path, a):
    np.savetxt(path, np.asarray(a, dtype=np.float64), delimiter=",", fmt="%.17g")


def write_coo(path, x):
    c = sp.coo_matrix(x)
    with open(path, "w") as f:
        for i, j, v in zip(c.row, c.col, c.data):
            f.write(f"{i},{j},{v:.17g}\n")


def start(rng, n, m, k, scale):
    w0 = np.abs(rng.standard_normal((n, k))) * scale + 0.01
    h0 = np.abs(rng.standard_normal((k, m))) * scale + 0.01
    return w0, h0


def save_x(folder, name, x):
    if sp.issparse(x):
        write_coo(os.path.join(folder, name + ".coo.csv"), x)
        return name + ".coo.csv"
    write_dense(os.path.join(folder, name + ".csv"), x)
    return name + ".csv"


def fit_case(name, x, k, params, seed=0, dtype=np.float64, xnew=None):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    x = x.astype(dtype)
    rng = np.random.RandomState(seed)
    scale = np.sqrt(x.mean() / k)
    w0, h0 = start(rng, x.shape[0], x.shape[1], k, scale)
    w0 = w0.astype(dtype)
    h0 = h0.astype(dtype)
    est = MiniBatchNMF(n_components=k, init="custom", **params)
    w = est.fit_transform(x, W=w0.copy(), H=h0.copy())
    case = {
        "sklearn": sklearn.__version__,
        "kind": "fit",
        "dtype": np.dtype(dtype).name,
        "X": save_x(folder, "X", x),
        "shape": list(x.shape),
        "n_components": k,
        "params": params,
        "n_iter": int(est.n_iter_),
        "n_steps": int(est.n_steps_),
        "reconstruction_err": float(est.reconstruction_err_),
    }
    write_dense(os.path.join(folder, "W0.csv"), w0)
    write_dense(os.path.join(folder, "H0.csv"), h0)
    write_dense(os.path.join(folder, "W.csv"), w)
    write_dense(os.path.join(folder, "H.csv"), est.components_)
    if xnew is not None:
        xnew = xnew.astype(dtype)
        case["Xnew"] = save_x(folder, "Xnew", xnew)
        write_dense(os.path.join(folder, "Wt.csv"), est.transform(xnew))
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
    print(name, case["n_iter"], case["n_steps"], case["reconstruction_err"])


def init_case(name, x, k, params):
    """A fit from one of sklearn's own initialisations (params holds init and random_state)."""
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    est = MiniBatchNMF(n_components=k, **params)
    w = est.fit_transform(x)
    case = {
        "sklearn": sklearn.__version__,
        "kind": "fit",
        "dtype": "float64",
        "X": save_x(folder, "X", x),
        "shape": list(x.shape),
        "n_components": k,
        "params": params,
        "n_iter": int(est.n_iter_),
        "n_steps": int(est.n_steps_),
        "reconstruction_err": float(est.reconstruction_err_),
    }
    write_dense(os.path.join(folder, "W.csv"), w)
    write_dense(os.path.join(folder, "H.csv"), est.components_)
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
    print(name, case["n_iter"], case["n_steps"], case["reconstruction_err"])


def partial_fit_case(name, chunks, k, params, seed=0):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(seed)
    x1 = chunks[0]
    scale = np.sqrt(x1.mean() / k)
    w0, h0 = start(rng, x1.shape[0], x1.shape[1], k, scale)
    est = MiniBatchNMF(n_components=k, init="custom", **params)
    names = []
    for c, x in enumerate(chunks, start=1):
        if c == 1:
            est.partial_fit(x, W=w0.copy(), H=h0.copy())
        else:
            est.partial_fit(x)
        names.append(save_x(folder, f"X{c}", x))
        write_dense(os.path.join(folder, f"H{c}.csv"), est.components_)
    write_dense(os.path.join(folder, "W0.csv"), w0)
    write_dense(os.path.join(folder, "H0.csv"), h0)
    case = {
        "sklearn": sklearn.__version__,
        "kind": "partial_fit",
        "dtype": "float64",
        "chunks": names,
        "n_components": k,
        "params": params,
        "n_steps": int(est.n_steps_),
    }
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
    print(name, case["n_steps"])


def main():
    digits = np.loadtxt(os.path.join(SHARED, "digits.csv"), delimiter=",")
    faces = np.loadtxt(os.path.join(SHARED, "lfw-faces.csv"), delimiter=",")
    tfidf = sp.csr_matrix(scipy.io.mmread(os.path.join(SHARED, "austen-tfidf.mtx")))
    # 80 chapters and the 400 terms that occur in most of them, so every row has non-zeros.
    df = np.asarray((tfidf[:80] > 0).sum(axis=0)).ravel()
    cols = np.sort(np.argsort(-df, kind="stable")[:400])
    austen = sp.csr_matrix(tfidf[:80][:, cols])
    austen.eliminate_zeros()
    austen.sort_indices()

    x = digits[:300]
    exact = dict(tol=0.0, max_no_improvement=None)
    fit_case("digits-frobenius", x, 6, dict(batch_size=64, max_iter=8, **exact), xnew=digits[300:340])
    fit_case("digits-kl", x, 6, dict(batch_size=50, max_iter=6, beta_loss="kullback-leibler", **exact))
    fit_case("digits-beta0.5", x + 0.1, 5, dict(batch_size=100, max_iter=5, beta_loss=0.5, **exact))
    fit_case("digits-beta3", x, 5, dict(batch_size=128, max_iter=5, beta_loss=3.0, **exact))
    fit_case("faces-is", faces[:40] + 0.05, 4, dict(batch_size=16, max_iter=4, beta_loss="itakura-saito", **exact))
    fit_case("digits-fresh-restarts", x, 6,
             dict(batch_size=64, max_iter=4, fresh_restarts=True, fresh_restarts_max_iter=7,
                  transform_max_iter=11, **exact), xnew=digits[300:340])
    fit_case("digits-regularised", x, 6,
             dict(batch_size=64, max_iter=5, alpha_W=0.01, alpha_H=0.02, l1_ratio=0.3,
                  forget_factor=0.5, **exact))
    fit_case("digits-early-stop", x, 6, dict(batch_size=30, max_iter=200, tol=1e-4, max_no_improvement=3))
    # transform of a fitted model: _solve_W with H fixed, its tol stopping rule and transform_max_iter = max_iter
    fit_case("digits-transform-kl", x, 6,
             dict(batch_size=50, max_iter=30, beta_loss="kullback-leibler", tol=3e-3, max_no_improvement=None,
                  alpha_W=0.002, l1_ratio=0.5), xnew=digits[300:340])
    fit_case("digits-tol-stop", x, 6, dict(batch_size=300, max_iter=200, tol=5e-3, max_no_improvement=None))
    fit_case("austen-sparse-frobenius", austen, 5, dict(batch_size=16, max_iter=5, **exact))
    fit_case("austen-sparse-kl", austen, 5,
             dict(batch_size=20, max_iter=4, beta_loss="kullback-leibler", **exact))
    fit_case("austen-sparse-beta1.5", austen, 4, dict(batch_size=25, max_iter=4, beta_loss=1.5, **exact))
    fit_case("digits-float32", x, 6, dict(batch_size=64, max_iter=5, **exact), dtype=np.float32)
    init_case("digits-init-random", digits[:200], 5,
              dict(init="random", random_state=3, batch_size=50, max_iter=4, tol=0.0, max_no_improvement=None))
    init_case("digits-init-default", digits[:200], 5,
              dict(batch_size=50, max_iter=4, tol=0.0, max_no_improvement=None))
    partial_fit_case("digits-partial-fit", [digits[0:100], digits[100:150], digits[150:400]], 6,
                     dict(batch_size=64, fresh_restarts_max_iter=9, tol=1e-4))
    partial_fit_case("digits-partial-fit-kl", [digits[0:80], digits[80:200]], 5,
                     dict(batch_size=40, beta_loss="kullback-leibler", fresh_restarts_max_iter=5, tol=0.0))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
