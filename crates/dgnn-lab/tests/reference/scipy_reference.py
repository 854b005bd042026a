"""Reference values for dgnn-lab's statistics, computed with scipy (1.17.1) on fixed inputs.

Run with a Python that has scipy: `python3 scipy_reference.py`; the printed values are pasted
into `tests/statistics.rs`. dgnn never runs this script; it documents where the numbers came from.
"""
import numpy as np
from scipy import stats

print("scipy", __import__("scipy").__version__)
# Wilcoxon signed rank: exact (no ties, n <= 50), permutation (ties, n <= 13), asymptotic.
cases = {
    "exact": [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30, -0.2, -0.9, 0.75],
    "ties_small": [1.0, -2.0, 3.0, 1.0, 2.0, 4.0, -1.0, 2.0, 0.0, 5.0],
    "ties_large": [1.0, -2.0, 3.0, 1.0, 2.0, 4.0, -1.0, 2.0, 0.0, 5.0, 3.0, -3.0, 6.0, 2.0, 1.0, 7.0],
    "long": [((i * 37) % 101 - 40) / 10.0 for i in range(60)],
}
for name, d in cases.items():
    r = stats.wilcoxon(d)
    print("wilcoxon", name, repr(float(r.statistic)), repr(float(r.pvalue)))
# Mann-Whitney U: exact (no ties, a sample <= 8) and asymptotic (ties).
x = [0.8, 1.9, 2.4, 3.1, 4.7, 5.2]
y = [2.2, 3.5, 4.1, 5.9, 6.3, 7.0, 7.4, 8.8, 9.1]
r = stats.mannwhitneyu(x, y)
print("mwu exact", repr(float(r.statistic)), repr(float(r.pvalue)))
x2 = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7]
y2 = [3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 10]
r = stats.mannwhitneyu(x2, y2)
print("mwu asymptotic", repr(float(r.statistic)), repr(float(r.pvalue)))
# Kruskal-Wallis with ties.
g = [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0, 3.0]]
r = stats.kruskal(*g)
print("kruskal", repr(float(r.statistic)), repr(float(r.pvalue)))
# Spearman with ties.
a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
b = [2.0, 1.0, 4.0, 3.0, 7.0, 7.0, 6.0, 9.0, 8.0, 12.0]
r = stats.spearmanr(a, b)
print("spearman", repr(float(r.statistic)), repr(float(r.pvalue)))
# Paired sign-flip permutation test of the mean (exact for n <= 13).
d = [0.9, -0.3, 1.4, 0.2, 0.8, -0.5, 1.1, 0.6, 0.4, 1.3]
r = stats.permutation_test((np.array(d),), np.mean, permutation_type="samples", n_resamples=np.inf)
print("signflip", repr(float(r.statistic)), repr(float(r.pvalue)))
# Percentile bootstrap of the mean (Monte Carlo: compared within its resampling error).
s = [3.1, 4.7, 2.2, 5.9, 4.4, 3.8, 6.1, 2.9, 4.0, 5.2, 3.3, 4.9]
r = stats.bootstrap((s,), np.mean, method="percentile", n_resamples=200000, random_state=1)
print("bootstrap", repr(float(r.confidence_interval.low)), repr(float(r.confidence_interval.high)))
