#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# End-to-end test of `arbhub analyze` on generated CSV input: planted dislocations come out
# exactly in the report, --threads 1 and 4 give byte-identical files, the filters work and
# every option error exits 2 with a message naming the option.
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ARBHUB = sys.argv[1]
T0 = 1767225600 * 1000000  # 2026-01-01T00:00:00Z
SEC = 1000000
results = {'passed': 0, 'failed': 0}

# Planted on PLANT-USDT (buy binance at 10000, sell bybit): (start offset s, duration us, bps)
PLANTED = [(100, 1500000, 30), (400, 3000000, 45), (900, 700000, 60), (1500, 12000000, 25.5)]


def check(name, cond, detail=''):
    results['passed' if cond else 'failed'] += 1
    if not cond:
        print(f'FAIL {name} {detail}')


def planted_bid(t):
    for start, dur, bps in PLANTED:
        s = T0 + start * SEC + 50000
        if s <= t < s + dur:
            return 10000 + bps
    return 10000


def generate(path, gaps_path):
    rng = random.Random(3)
    rows = []
    for i in range(2 * 1800 * 10):  # 30 min, one event every 50 ms
        t = T0 + i * 50000
        if i % 2 == 0:
            rows.append((t, 'PLANT-USDT', 'binance', 9999, 10000))
        else:
            b = planted_bid(t)
            rows.append((t, 'PLANT-USDT', 'bybit', b, b + 1))
    for sym, base in (('BTC-USDT', 30000.0), ('ETH-USDT', 2000.0), ('SOL-USDT', 150.0)):
        p = base
        for i in range(6000):
            t = T0 + i * 200000
            p += rng.gauss(0, base * 1e-4)
            for ex in ('binance', 'bybit', 'okx'):
                off = rng.gauss(0, base * 6e-4)
                rows.append((t + rng.randrange(100000), sym, ex, round(p + off - 0.01 * base / 100, 4),
                             round(p + off + 0.01 * base / 100, 4)))
    rng.shuffle(rows)  # the engine orders by time; ties cannot occur across venues here
    rows.sort(key=lambda r: r[0])
    with open(path, 'w') as f:
        f.write('ts_us,symbol,exchange,bid,ask,bid_qty,ask_qty\n')
        for t, s, ex, bid, ask in rows:
            f.write(f'{t},{s},{ex},{bid},{ask},1.5,2\n')
        f.write('not,a,row\n')
    with open(gaps_path, 'w') as f:
        f.write('exchange,start_us,end_us\n')
        f.write(f'okx,{T0 + 300 * SEC},{T0 + 330 * SEC}\n')


def run(*args):
    return subprocess.run([ARBHUB, 'analyze', *args], capture_output=True, text=True)


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_planted(tmp, ticks, gaps):
    out = os.path.join(tmp, 'planted')
    r = run('--input-csv', ticks, '--gaps-csv', gaps, '--out', out, '--symbols', 'PLANT-USDT',
            '--exchanges', 'binance,bybit', '--entry-bps', '20', '--exit-bps', '5')
    check('planted run', r.returncode == 0, r.stderr)
    rows = read_csv(os.path.join(out, 'latest.csv'))
    check('planted pairs', len(rows) == 2, str(len(rows)))
    row = [x for x in rows if x['buy_exchange'] == 'binance'][0]
    durs = sorted(d / 1e6 for _, d, _ in PLANTED)
    caps = [b for _, _, b in PLANTED]
    check('planted cycles', int(row['cycles']) == len(PLANTED), row['cycles'])
    check('planted mean duration', float(row['dur_mean_s']) == round(sum(durs) / len(durs), 12),
          row['dur_mean_s'])
    check('planted median duration', float(row['dur_median_s']) == (durs[1] + durs[2]) / 2,
          row['dur_median_s'])
    check('planted captured', float(row['cap_gross_bps']) == sum(caps) / len(caps),
          row['cap_gross_bps'])
    check('planted mean reversion', int(row['mr_count']) == 2 * len(PLANTED), row['mr_count'])
    check('planted max', float(row['max_bps']) == 60, row['max_bps'])
    check('ranked first', row['rank'] == '1', row['rank'])


def test_threads(tmp, ticks, gaps):
    outs = []
    for n in ('1', '4'):
        for fmt in ('csv', 'json'):
            out = os.path.join(tmp, f't{n}{fmt}')
            r = run('--input-csv', ticks, '--gaps-csv', gaps, '--out', out, '--threads', n,
                    '--format', fmt)
            check(f'threads {n} {fmt}', r.returncode == 0, r.stderr)
            outs.append(out)
    for a, b, name in ((outs[0], outs[2], 'latest.csv'), (outs[1], outs[3], 'latest.json'),
                       (outs[0], outs[2], 'data_quality.csv')):
        with open(os.path.join(a, name), 'rb') as fa, open(os.path.join(b, name), 'rb') as fb:
            check(f'identical {name}', fa.read() == fb.read())
    files = os.listdir(outs[0])
    stamped = [f for f in files if re.fullmatch(r'summary_stats_\d{8}_\d{6}\.csv', f)]
    check('stamped file', len(stamped) == 1, str(files))
    check('no temp files', not [f for f in files if f.startswith('.')], str(files))
    with open(os.path.join(outs[0], stamped[0]), 'rb') as fa, \
            open(os.path.join(outs[0], 'latest.csv'), 'rb') as fb:
        check('latest equals stamped', fa.read() == fb.read())
    rows = read_csv(os.path.join(outs[0], 'latest.csv'))
    check('all pairs', len(rows) == 3 * 6 + 2, str(len(rows)))
    scores = [float(r['score']) for r in rows]
    check('ranked by score', scores == sorted(scores, reverse=True))
    with open(os.path.join(outs[1], 'latest.json')) as f:
        doc = json.load(f)
    check('json pairs', len(doc['pairs']) == len(rows))
    q = {x['exchange']: x for x in doc['quality']}
    check('quality gaps', q['okx']['gaps'] == 1 and q['okx']['gap_s'] == 30, str(q.get('okx')))
    check('quality rows', q['bybit']['rows'] == 18000 + 18000, str(q.get('bybit')))
    check('bad lines', doc['bad_lines'] == 1, str(doc['bad_lines']))


def test_filters(tmp, ticks):
    out = os.path.join(tmp, 'f')
    r = run('--input-csv', ticks, '--out', out, '--exchanges', 'okx,bybit', '--symbols',
            'ETH-USDT', '--from', '2026-01-01T00:05', '--to', '2026-01-01T00:10', '--top', '1')
    check('filter run', r.returncode == 0, r.stderr)
    rows = read_csv(os.path.join(out, 'latest.csv'))
    check('filter pairs', len(rows) == 2 and {x['symbol'] for x in rows} == {'ETH-USDT'},
          str([(x['symbol'], x['buy_exchange']) for x in rows]))
    check('filter venues', all({x['buy_exchange'], x['sell_exchange']} == {'okx', 'bybit'}
                               for x in rows))
    q = read_csv(os.path.join(out, 'data_quality.csv'))
    okx = [x for x in q if x['exchange'] == 'okx'][0]
    check('filter window rows', int(okx['rows']) == 1500, okx['rows'])
    table = [ln for ln in r.stdout.splitlines() if re.match(r'\s+\d+ ', ln)]
    check('top 1', len(table) == 1, r.stdout)


def test_errors(tmp, ticks):
    cases = [
        (['--from', '2026-02-30x'], '--from'),
        (['--to', 'yesterday'], '--to'),
        (['--exchanges', 'binance,kraken'], "unknown exchange 'kraken'"),
        (['--symbols', 'btcusdt'], '--symbols'),
        (['--format', 'xml'], '--format'),
        (['--entry-bps', '5', '--exit-bps', '10'], '--entry-bps'),
        (['--threads', '-1'], '--threads'),
        (['--from', '2026-01-02', '--to', '2026-01-01'], '--from must be before --to'),
    ]
    for args, needle in cases:
        r = run('--input-csv', ticks, '--out', os.path.join(tmp, 'e'), *args)
        check(f'error {args}', r.returncode == 2 and needle in r.stderr,
              f'rc {r.returncode} stderr {r.stderr!r}')
    r = run(os.path.join(tmp, 'lake'), '--out', os.path.join(tmp, 'e'))
    check('no lake', r.returncode == 1 and 'no tickers table' in r.stderr, r.stderr)
    r = run(os.path.join(tmp, 'lake'), '--gaps-csv', ticks)
    check('gaps-csv needs csv', r.returncode == 2 and '--gaps-csv' in r.stderr, r.stderr)
    r = run('--input-csv', os.path.join(tmp, 'missing.csv'), '--out', os.path.join(tmp, 'e'))
    check('missing input', r.returncode == 1 and 'missing.csv' in r.stderr, r.stderr)
    check('no report on error', not os.path.exists(os.path.join(tmp, 'e')))


def test_coint_vs_statsmodels(tmp, ticks, gaps):
    """hedge_ratio, ADF and half-life of a report row against statsmodels on 1 s bars built by
    pandas from the same CSV (last mid per bar, inner join, y = sell venue, x = buy venue)."""
    try:
        import numpy as np
        import pandas as pd
        import statsmodels.api as sm
        from statsmodels.tsa.stattools import adfuller
    except ImportError as e:
        check('statsmodels available', False, str(e))
        return
    out = os.path.join(tmp, 'coint')
    r = run('--input-csv', ticks, '--gaps-csv', gaps, '--out', out, '--symbols', 'BTC-USDT')
    check('coint run', r.returncode == 0, r.stderr)
    rows = {(x['buy_exchange'], x['sell_exchange']): x
            for x in read_csv(os.path.join(out, 'latest.csv'))}
    df = pd.read_csv(ticks, dtype=str)  # strings, then Python's correctly rounded floats
    df = df[df.symbol == 'BTC-USDT'].astype({'ts_us': 'int64', 'bid': float, 'ask': float})
    for buy, sell in (('binance', 'bybit'), ('okx', 'binance')):
        bars = {}
        for ex in (buy, sell):
            d = df[df.exchange == ex].sort_values('ts_us', kind='stable')
            if ex == 'okx':  # rows inside okx's recorded gap take no part
                d = d[(d.ts_us < T0 + 300 * SEC) | (d.ts_us >= T0 + 330 * SEC)]
            mid = (d.bid + d.ask) / 2
            bars[ex] = mid.groupby((d.ts_us // SEC).to_numpy()).last()
        j = pd.concat([bars[buy].rename('x'), bars[sell].rename('y')], axis=1, join='inner')
        x, y = j.x.to_numpy(), j.y.to_numpy()
        res = sm.OLS(y, sm.add_constant(x)).fit()
        b = res.params[1]
        sp = y - b * x
        st, p, lag, nobs, _, _ = adfuller(sp, autolag='AIC')
        beta = sm.OLS(np.diff(sp), sm.add_constant(sp[:-1])).fit().params[1]
        hl = -np.log(2) / np.log(1 + beta) if 0 < 1 + beta < 1 else None
        row = rows[(buy, sell)]
        want = {'bars': len(x), 'hedge_ratio': b, 'ols_intercept': res.params[0],
                'ols_se_b': res.bse[1], 'ols_r2': res.rsquared,
                'mid_corr': np.corrcoef(x, y)[0, 1], 'adf_stat': st, 'adf_pvalue': p,
                'adf_lag': lag, 'adf_nobs': nobs, 'half_life_s': hl}
        for k, v in want.items():
            got = row[k]
            if v is None:
                ok = got == ''
            elif k in ('bars', 'adf_lag', 'adf_nobs'):
                ok = int(got) == v
            else:  # the CSV prints 12 significant digits
                ok = got != '' and abs(float(got) - v) <= 1e-9 * max(abs(v), 1e-300)
            check(f'coint {buy}->{sell} {k}', ok, f'got {got} want {v!r}')


def test_config_fees_net(tmp, ticks, gaps):
    """Taker fees and thresholds come from --config; --net runs the cycles on the net series."""
    cfg = os.path.join(tmp, 'conf.json')
    with open(cfg, 'w') as f:
        json.dump({'exchanges': {'binance': {'taker_fee_bps': 3}, 'bybit': {'taker_fee_bps': 4}},
                   'analyzer': {'entry_bps': 20, 'exit_bps': 5}}, f)
    for net, want_cycles in ((False, 4), (True, 3)):
        # Net = gross - 7: the 25.5 bps dislocation (18.5 net) stays below entry with --net.
        caps = [b for _, _, b in PLANTED if not net or b - 7 > 20]
        out = os.path.join(tmp, f'fees{net}')
        args = ['--config', cfg, '--input-csv', ticks, '--out', out, '--symbols', 'PLANT-USDT']
        r = run(*args, *(['--net'] if net else []))
        check(f'fees run net={net}', r.returncode == 0, r.stderr)
        row = [x for x in read_csv(os.path.join(out, 'latest.csv'))
               if x['buy_exchange'] == 'binance'][0]
        check(f'fees cycles net={net}', int(row['cycles']) == want_cycles, row['cycles'])
        check(f'fees cap_net net={net}',
              abs(float(row['cap_net_bps']) - (sum(caps) / len(caps) - 7)) < 1e-9,
              row['cap_net_bps'])
        check(f'fees score net={net}', abs(float(row['score']) - float(row['cycles_per_hour']) *
                                           float(row['cap_net_bps'])) < 1e-6, row['score'])
    # With --net and entry 30, the 25.5 bps dislocation (18.5 net) no longer opens a cycle,
    # and neither does 30 gross (23 net); 45 and 60 do.
    out = os.path.join(tmp, 'fees_entry')
    r = run('--config', cfg, '--input-csv', ticks, '--out', out, '--symbols', 'PLANT-USDT',
            '--net', '--entry-bps', '30')
    row = [x for x in read_csv(os.path.join(out, 'latest.csv'))
           if x['buy_exchange'] == 'binance'][0]
    check('net entry cycles', r.returncode == 0 and int(row['cycles']) == 2, row['cycles'])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ticks, gaps = os.path.join(tmp, 'ticks.csv'), os.path.join(tmp, 'gaps.csv')
        generate(ticks, gaps)
        test_planted(tmp, ticks, gaps)
        test_threads(tmp, ticks, gaps)
        test_filters(tmp, ticks)
        test_coint_vs_statsmodels(tmp, ticks, gaps)
        test_config_fees_net(tmp, ticks, gaps)
        test_errors(tmp, ticks)
    print(f'{results["passed"]} passed, {results["failed"]} failed')
    return 1 if results['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
