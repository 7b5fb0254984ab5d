#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Compares arbhub's statistics (the stats_tool helper) with Debian's statsmodels/pandas on
# generated series: OLS, ADF (statistic, p-value, lag, nobs, AIC, critical values), half-life,
# correlation and rolling z-score, within 1e-9 relative (lag and nobs exactly).
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tsa.stattools import adfuller

REL, ABS = 1e-9, 1e-12


def ar1(rng, n, phi, sd):
    e = rng.normal(0, sd, n)
    out = np.zeros(n)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + e[i]
    return out


def cases():
    rng = np.random.RandomState(7)
    x = 30000 + np.cumsum(rng.normal(0, 5, 2000))
    yield 'coint_2000', x, 12.5 + 0.98 * x + ar1(rng, 2000, 0.9, 2.0)
    x = 100 + np.cumsum(rng.normal(0, 0.1, 500))
    yield 'walks_500', x, 50 + np.cumsum(rng.normal(0, 0.1, 500))
    x = 1.5 + np.cumsum(rng.normal(0, 0.001, 80))
    yield 'short_80', x, 2 * x + ar1(rng, 80, 0.5, 0.002)
    x = 30000 + np.cumsum(rng.normal(0, 3, 3000))
    yield 'fast_revert_3000', x, 1.001 * x + ar1(rng, 3000, 0.3, 1.5)
    # Differences with AR(3) structure, so AIC picks a lag > 0 on the levels.
    e = rng.normal(0, 2, 4000)
    d = np.zeros(4000)
    for i in range(3, 4000):
        d[i] = 0.5 * d[i - 1] - 0.3 * d[i - 3] + e[i]
    x = 30000 + np.cumsum(rng.normal(0, 2, 4000))
    yield 'ar3_diffs_4000', x, 30000 + np.cumsum(d)
    x = 65000 + np.cumsum(rng.normal(0, 4, 20000))
    y = 0.999 * x + ar1(rng, 20000, 0.97, 3.0)
    yield 'long_20000', x, y


def expected(x, y):
    r = sm.OLS(y, sm.add_constant(x)).fit()
    a, b = r.params
    s = y - b * x
    out = {'ols': {'a': a, 'b': b, 'se_a': r.bse[0], 'se_b': r.bse[1], 'r2': r.rsquared}}
    for name, v in (('adf_y', y), ('adf_spread', s)):
        st, p, lag, nobs, cv, ic = adfuller(v, autolag='AIC')
        out[name] = {'stat': st, 'pvalue': p, 'usedlag': lag, 'nobs': nobs, 'icbest': ic,
                     'cv1': cv['1%'], 'cv5': cv['5%'], 'cv10': cv['10%']}
    hr = sm.OLS(np.diff(s), sm.add_constant(s[:-1])).fit()
    beta = hr.params[1]
    phi = 1 + beta
    out['half_life'] = -math.log(2) / math.log(phi) if 0 < phi < 1 else None
    out['hl_beta'] = beta
    out['corr'] = np.corrcoef(x, y)[0, 1]
    # Rolling z (window 60, ddof=1): numpy's two-pass mean/std per window is the reference;
    # pandas' online rolling update drifts on large-level, non-stationary spreads (analytics.md
    # §3), so it is only required to agree at 1e-6.
    win = np.lib.stride_tricks.sliding_window_view(s, 60)
    z = np.full(len(s), np.nan)
    z[59:] = (s[59:] - win.mean(axis=1)) / win.std(axis=1, ddof=1)
    out['z'] = [None if math.isnan(v) else v for v in z]
    ser = pd.Series(s)
    zp = ((ser - ser.rolling(60).mean()) / ser.rolling(60).std()).to_numpy()
    out['z_pandas_max_abs_diff'] = float(np.nanmax(np.abs(zp - z)))
    return out


EXACT = {'usedlag', 'nobs'}


def compare(path, exp, got, errs):
    if isinstance(exp, dict):
        if exp.get('z_pandas_max_abs_diff', 0) > 1e-6:
            errs.append(f'{path}: numpy and pandas rolling z differ by '
                        f'{exp["z_pandas_max_abs_diff"]}')
        for k, v in exp.items():
            if k == 'z_pandas_max_abs_diff':
                continue
            if k not in got:
                errs.append(f'{path}.{k}: missing')
                continue
            compare(f'{path}.{k}', v, got[k], errs, ) if k not in EXACT else (
                None if got[k] == v else errs.append(f'{path}.{k}: got {got[k]} want {v}'))
    elif isinstance(exp, list):
        if len(exp) != len(got):
            errs.append(f'{path}: length {len(got)} want {len(exp)}')
            return
        for i, (e, g) in enumerate(zip(exp, got)):
            compare(f'{path}[{i}]', e, g, errs)
    elif exp is None or got is None:
        if exp is not got:
            errs.append(f'{path}: got {got} want {exp}')
    else:
        e, g = float(exp), float(got)
        # A z-score near 0 is the difference of two nearly equal levels (s_t - mean), so its
        # absolute error is ~1e-12 whichever summation order is used: z is compared at 1e-9
        # relative to max(1, |z|) (analytics.md §8: "absolute 1e-12 near 0").
        scale = max(abs(e), abs(g), 1.0) if '.z[' in path else max(abs(e), abs(g))
        if not (abs(e - g) <= ABS or abs(e - g) <= REL * scale):
            errs.append(f'{path}: got {g!r} want {e!r} (rel {abs(e - g) / max(abs(e), 1e-300):.3g})')


def perturbed(got):
    bad = json.loads(json.dumps(got))
    bad['ols']['b'] *= 1 + 1e-8
    bad['adf_spread']['stat'] *= 1 + 1e-8
    bad['adf_y']['usedlag'] += 1
    return bad


def main():
    tool = sys.argv[1]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, x, y in cases():
            path = os.path.join(tmp, name + '.txt')
            with open(path, 'w') as f:
                for a, b in zip(x, y):
                    f.write(f'{a!r} {b!r}\n')
            res = subprocess.run([tool, path], capture_output=True, text=True)
            if res.returncode != 0:
                print(f'FAIL {name}: tool exit {res.returncode}: {res.stderr.strip()}')
                failed += 1
                continue
            got = json.loads(res.stdout)
            exp = expected(np.array(x), np.array(y))
            errs = []
            compare(name, exp, got, errs)
            if errs:
                failed += 1
                print(f'FAIL {name}:\n  ' + '\n  '.join(errs[:20]))
            else:
                passed += 1
                print(f'ok {name}: adf_y lag {got["adf_y"]["usedlag"]} nobs {got["adf_y"]["nobs"]}'
                      f' stat {got["adf_y"]["stat"]:.6f}; spread stat {got["adf_spread"]["stat"]:.6f}')
            # The comparison itself must catch a value that is off.
            bad_errs = []
            compare(name, exp, perturbed(got), bad_errs)
            if len(bad_errs) >= 3:
                passed += 1
            else:
                failed += 1
                print(f'FAIL {name}: comparator missed perturbed values: {bad_errs}')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
