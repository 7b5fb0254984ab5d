// SPDX-License-Identifier: MIT
// The Polars side of scripts/bench/analyze (not a test): per (symbol, buy venue, sell venue)
// the spread-sample metrics of `arbhub analyze` computed with nodejs-polars over the lake's
// tickers table, the way the old Python analyzer did it: every venue's last bid/ask and quote
// time forward-filled per symbol in recv_ts order, one sample per row of either leg's venue
// when both legs are fresh. Metrics: samples, mean, std, p50, p95, max of the gross bps,
// mean-reversion count (sign changes of s - mean). Cycles and cointegration are left out (they
// are state machines and regressions that Polars does not vectorise), so Polars does less
// work than arbhub here.
//   node analyze_polars.mjs LAKE OUT.csv [STALENESS_MS]
import pl from 'nodejs-polars';

const [lake, out, staleMs = '5000'] = process.argv.slice(2);
const stale = Number(staleMs) * 1000;
const VEN = ['binance', 'bybit', 'gateio', 'okx'];

const fill = [];
for (const v of VEN) {
  const is = pl.col('exchange').eq(pl.lit(v));
  for (const [src, dst] of [['bid_px', `bid_${v}`], ['ask_px', `ask_${v}`], ['t', `t_${v}`]]) {
    fill.push(pl.when(is).then(pl.col(src)).otherwise(pl.lit(null)).forwardFill().over('symbol')
      .alias(dst));
  }
}
const df = pl.scanParquet(`${lake}/tickers/**/*.parquet`)
  .select(pl.col('recv_ts').cast(pl.Int64).alias('t'), pl.col('exchange'), pl.col('symbol'),
    pl.col('bid_px'), pl.col('ask_px'))
  .sort(['symbol', 't'])
  .withColumns(...fill)
  .collectSync();

const parts = [];
for (const a of VEN) {
  for (const b of VEN) {
    if (a === b) continue;
    const gross = pl.col(`bid_${b}`).minus(pl.col(`ask_${a}`)).div(pl.col(`ask_${a}`)).mul(1e4);
    const d = pl.col('gross').minus(pl.col('gross').mean());
    parts.push(df.lazy()
      .filter(pl.col('exchange').isIn([a, b])
        .and(pl.col(`ask_${a}`).isNotNull()).and(pl.col(`bid_${b}`).isNotNull())
        .and(pl.col('t').minus(pl.col(`t_${a}`)).lessThanEquals(stale))
        .and(pl.col('t').minus(pl.col(`t_${b}`)).lessThanEquals(stale)))
      .select(pl.col('symbol'), gross.alias('gross'))
      .groupBy('symbol')
      .agg(pl.col('gross').count().alias('samples'), pl.col('gross').mean().alias('mean_bps'),
        pl.col('gross').std().alias('std_bps'), pl.col('gross').quantile(0.5, 'linear').alias('p50_bps'),
        pl.col('gross').quantile(0.95, 'linear').alias('p95_bps'), pl.col('gross').max().alias('max_bps'),
        d.gt(0).cast(pl.Int32).diff(1, "ignore").abs().sum().alias('mr_count'))
      .withColumns(pl.lit(a).alias('buy_exchange'), pl.lit(b).alias('sell_exchange')));
  }
}
const res = pl.concat(parts).collectSync().sort(['symbol', 'buy_exchange', 'sell_exchange']);
res.writeCSV(out);
console.log(`polars: ${df.height} rows, ${res.height} pairs`);
