#!/usr/bin/env python3
"""W6 peer: energy-aware architecture search the way a researcher would do it today, with Optuna's
NSGA-II sampler over scikit-learn MLPs. Two objectives, both minimised: hardware energy per inference
(the 45 nm model of docs/benchmarks.md, W6: 9.6 pJ per weight = multiply 3.7 + add 0.9 + 32-bit SRAM read 5.0;
23.4 pJ per unit = activation 4 x (3.7 + 0.9) + 32-bit write 5.0; one output unit for two classes) and
validation error. Split: stratified test 20 %, then validation 25 % of the rest (dgnn's defaults);
features standardised on the training part. Each trial trains MLPClassifier (Adam, lr 0.01, batch 32,
L2 1e-4, `epochs` epochs). Timed: the whole study. The final front is re-measured on the test part.
Result fields: evaluations, evaluations_per_second, front (energy_pj, validation_accuracy, test_accuracy,
layers), best_test_accuracy, and the test accuracy of the lowest-energy front member within 1 point of
the best validation accuracy."""
import argparse
import time
import warnings

import numpy as np

from _common import emit

PJ_WEIGHT, PJ_UNIT = 9.6, 23.4


def energy_pj(n_in, hidden, n_classes):
    sizes = [n_in, *hidden, 1 if n_classes == 2 else n_classes]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    return PJ_WEIGHT * weights + PJ_UNIT * sum(sizes[1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", choices=["wdbc", "digits"], default="wdbc")
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--population", type=int, default=40)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    import optuna
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    x, y = (load_breast_cancer if a.dataset == "wdbc" else load_digits)(return_X_y=True)
    xr, xte, yr, yte = train_test_split(x, y, test_size=0.2, stratify=y, random_state=a.seed)
    xtr, xva, ytr, yva = train_test_split(xr, yr, test_size=0.25, stratify=yr, random_state=a.seed)
    sc = StandardScaler().fit(xtr)
    xtr, xva, xte = sc.transform(xtr), sc.transform(xva), sc.transform(xte)
    n_classes = len(np.unique(y))

    def build(params):
        depth = params["depth"]
        hidden = tuple(params[f"units_{i}"] for i in range(depth))
        act = params["activation"]
        return hidden, MLPClassifier(hidden_layer_sizes=hidden, activation=act, solver="adam",
                                     learning_rate_init=0.01, batch_size=32, max_iter=a.epochs,
                                     alpha=1e-4, random_state=a.seed)

    models = {}

    def objective(trial):
        depth = trial.suggest_int("depth", 1, 3)
        for i in range(3):
            trial.suggest_int(f"units_{i}", 1, 32)
        trial.suggest_categorical("activation", ["tanh", "relu", "logistic"])
        hidden, clf = build({**trial.params, "depth": depth})
        clf.fit(xtr, ytr)
        models[trial.number] = (hidden, clf)
        return energy_pj(x.shape[1], hidden, n_classes), 1.0 - clf.score(xva, yva)

    sampler = optuna.samplers.NSGAIISampler(population_size=a.population, seed=a.seed)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=a.trials)
    sec = time.perf_counter() - t0

    front, seen = [], set()
    for t in sorted(study.best_trials, key=lambda t: t.values[0]):
        hidden, clf = models[t.number]
        if (hidden, clf.activation) in seen:  # the sampler repeats architectures
            continue
        seen.add((hidden, clf.activation))
        front.append(dict(energy_pj=round(t.values[0], 1), validation_accuracy=round(1 - t.values[1], 4),
                          test_accuracy=round(clf.score(xte, yte), 4), layers=list(hidden),
                          activation=clf.activation))
    best_val = max(f["validation_accuracy"] for f in front)
    efficient = min((f for f in front if f["validation_accuracy"] >= best_val - 0.01),
                    key=lambda f: f["energy_pj"])
    emit("nas-optuna", vars(a), sec, optuna=optuna.__version__, evaluations=a.trials,
         evaluations_per_second=round(a.trials / sec, 2), front=front,
         best_test_accuracy=max(f["test_accuracy"] for f in front),
         efficient=efficient)


if __name__ == "__main__":
    main()
