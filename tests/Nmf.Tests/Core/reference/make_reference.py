"""Reference results of scikit-learn 1.2.1's NMF for the paths the shared golden cases do not reach:
cd's shuffle, the stopping rules (tol > 0), sparse X with beta not in {1, 2}, regularised Itakura-Saito,
random init with mu, and transform with mu. Same layout as ../shared/golden (case.json, X.csv or X.mtx,
W0.csv/H0.csv, W.csv/H.csv; transform cases add Xnew.csv and Wnew.csv).

Run with Debian's python3-sklearn (1.2.1): /usr/bin/python3 make_reference.py
"""
import json
import os

import numpy as np
import scipy.io
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import NMF
from sklearn.decomposition._nmf import _beta_divergence

assert sklearn.__version__ == "1.2.1", sklearn.__version__
HERE = os.path.dirname(os.path.abspath(__file__))


def save(path, a):
    np.savetxt(path, a, delimiter=",", fmt="%.17g")


def case(name, X, params, Xnew=None, custom=True, seed=0):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    n, m = X.shape
    k = params["n_components"]
    rng = np.random.RandomState(seed)
    W0 = H0 = None
    if custom:
        W0 = rng.uniform(0.1, 1.0, (n, k))
        H0 = rng.uniform(0.1, 1.0, (k, m))
        save(os.path.join(folder, "W0.csv"), W0)
        save(os.path.join(folder, "H0.csv"), H0)
        params = dict(params, init="custom")
    model = NMF(**params)
    W = model.fit_transform(X, W=W0, H=H0)
    H = model.components_
    save(os.path.join(folder, "W.csv"), W)
    save(os.path.join(folder, "H.csv"), H)
    if sp.issparse(X):
        scipy.io.mmwrite(os.path.join(folder, "X.mtx"), X, precision=17)
        xname = "X.mtx"
    else:
        save(os.path.join(folder, "X.csv"), X)
        xname = "X.csv"
    info = {
        "sklearn": sklearn.__version__,
        "X": xname,
        "shape": [n, m],
        "n_components": k,
        "params": params,
        "beta": float(model._beta_loss),
        "n_iter": int(model.n_iter_),
        "reconstruction_err": float(model.reconstruction_err_),
        "objective": float(_beta_divergence(X, W, H, model._beta_loss)),
    }
    if Xnew is not None:
        save(os.path.join(folder, "Xnew.csv"), Xnew)
        save(os.path.join(folder, "Wnew.csv"), model.transform(Xnew))
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(info, f, indent=1)


rng = np.random.RandomState(42)
dense = rng.uniform(0, 1, (40, 30)) ** 2
dense[dense < 0.05] = 0.0                      # some exact zeros
positive = rng.uniform(0.2, 2.0, (30, 25))     # no zeros, for beta <= 0
sparse = sp.random(50, 35, density=0.25, format="csr", random_state=rng, data_rvs=lambda s: rng.uniform(0.05, 3.0, s))

case("cd-shuffle-l1l2", dense, dict(n_components=5, solver="cd", shuffle=True, random_state=7, alpha_W=0.01,
                                    alpha_H="same", l1_ratio=0.3, tol=0.0, max_iter=60))
case("cd-tol-stop", dense, dict(n_components=4, solver="cd", tol=1e-3, max_iter=500))
case("mu-tol-stop-kl", dense, dict(n_components=4, solver="mu", beta_loss="kullback-leibler", tol=1e-3, max_iter=500))
case("mu-is-l2", positive, dict(n_components=3, solver="mu", beta_loss="itakura-saito", alpha_W=0.02, alpha_H=0.05,
                                l1_ratio=0.0, tol=0.0, max_iter=60))
case("mu-random-init-beta0.5", positive, dict(n_components=3, solver="mu", beta_loss=0.5, init="random",
                                               random_state=11, tol=0.0, max_iter=60), custom=False)
case("sparse-mu-beta0.5", sparse, dict(n_components=4, solver="mu", beta_loss=0.5, tol=0.0, max_iter=60))
case("sparse-mu-beta1.5-l1", sparse, dict(n_components=4, solver="mu", beta_loss=1.5, alpha_W=0.01, l1_ratio=1.0,
                                          tol=0.0, max_iter=60))
case("sparse-mu-beta3", sparse, dict(n_components=4, solver="mu", beta_loss=3.0, tol=0.0, max_iter=60))
case("sparse-mu-frobenius-l2", sparse, dict(n_components=4, solver="mu", alpha_W=0.02, l1_ratio=0.0, tol=0.0,
                                            max_iter=60))
case("sparse-cd-l1-shuffle", sparse, dict(n_components=4, solver="cd", alpha_W=0.01, l1_ratio=1.0, shuffle=True,
                                          random_state=3, tol=0.0, max_iter=60))
case("mu-transform-kl-l1", dense[:30], dict(n_components=4, solver="mu", beta_loss="kullback-leibler", alpha_W=0.01,
                                            l1_ratio=1.0, tol=0.0, max_iter=60), Xnew=dense[30:])
case("mu-transform-frobenius", dense[:30], dict(n_components=4, solver="mu", tol=1e-4, max_iter=200), Xnew=dense[30:])
case("cd-transform-l2", dense[:30], dict(n_components=4, solver="cd", alpha_W=0.02, l1_ratio=0.0, tol=1e-4,
                                         max_iter=200), Xnew=dense[30:])
