/* SPDX-License-Identifier: MIT */
/* The simulator's price process: a seeded generator, a common geometric random walk per
 * symbol, per-venue mean-reverting noise, and Poisson-timed cross-venue dislocations larger than
 * fees that decay over seconds; quotes are kept in integer ticks and lots. One thread (the
 * simulator's loop); no allocation. */
#include "arbhub/registry.h"
#include "arbhub/sim.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void ah_sim_rng_seed(struct ah_sim_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix(&seed);
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t ah_sim_rng_next(struct ah_sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double ah_sim_rng_uniform(struct ah_sim_rng *r)
{
    return (double)(ah_sim_rng_next(r) >> 11) * 0x1.0p-53;
}

double ah_sim_rng_normal(struct ah_sim_rng *r)
{
    double u1 = 1.0 - ah_sim_rng_uniform(r), u2 = ah_sim_rng_uniform(r);

    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* A plausible start price per symbol: well-known bases, else a stable value from the name. */
static double start_price(ah_symbol_t sym)
{
    static const struct {
        const char *base;
        double px;
    } known[] = {{"BTC", 60000}, {"ETH", 3000}, {"SOL", 150}, {"BNB", 550}, {"XRP", 0.55}};
    const char *b, *q;
    size_t bl, ql;
    uint32_t h = 2166136261u;

    ah_symbol_split(sym, &b, &bl, &q, &ql);
    for (size_t k = 0; k < AH_ARRAY_LEN(known); k++) {
        if (strlen(known[k].base) == bl && memcmp(known[k].base, b, bl) == 0) {
            return known[k].px;
        }
    }
    for (size_t k = 0; k < bl; k++) {
        h = (h ^ (uint8_t)b[k]) * 16777619u;
    }
    return 0.5 + (double)(h % 20000) / 100.0;
}

int ah_sim_init(struct ah_sim *sim, const struct ah_cfg_sim *cfg, const ah_symbol_t *syms,
                size_t n_syms, int64_t start_us)
{
    static const int64_t latency_us[AH_SIM_VENUES] = {2000, 5000, 15000, 8000};

    if (n_syms == 0 || n_syms > AH_SIM_SYMBOLS || cfg->rate < 1) {
        return -EINVAL;
    }
    memset(sim, 0, sizeof(*sim));
    ah_sim_rng_seed(&sim->rng, cfg->seed);
    sim->start_us = start_us;
    sim->now_us = start_us;
    sim->last_step_us = start_us;
    sim->msg_interval_us = cfg->rate >= 1000000 ? 1 : 1000000 / cfg->rate;
    sim->dislocation_bps = cfg->dislocation_bps;
    sim->dislocations_per_min = cfg->dislocations_per_min;
    sim->vol_bps_sqrt_s = cfg->volatility_bps;
    sim->noise_bps = cfg->venue_noise_bps;
    sim->disl_tau_s = 3.0;
    memcpy(sim->latency_us, latency_us, sizeof(latency_us));
    sim->n_syms = n_syms;
    for (size_t i = 0; i < n_syms; i++) {
        struct ah_sim_symbol *s = &sim->s[i];
        s->sym = syms[i];
        s->mid = start_price(syms[i]);
        /* Tick about 0.1-1 bps of the price; lots of 10^-qty_dec. */
        s->price_dec = 5 - (int)floor(log10(s->mid));
        s->price_dec = s->price_dec < 0 ? 0 : s->price_dec > 10 ? 10 : s->price_dec;
        s->qty_dec = s->mid > 1000 ? 5 : s->mid > 10 ? 3 : 1;
    }
    ah_sim_step(sim, 0);
    return 0;
}

double ah_sim_px(const struct ah_sim *sim, size_t i, int64_t ticks)
{
    return (double)ticks / pow10_tab[sim->s[i].price_dec];
}

double ah_sim_qty(const struct ah_sim *sim, size_t i, int64_t lots)
{
    return (double)lots / pow10_tab[sim->s[i].qty_dec];
}

double ah_sim_disl_bps(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex)
{
    const struct ah_sim_disl *d = &sim->s[i].disl;

    if (!d->active || d->venue != ex) {
        return 0;
    }
    if (d->planted) {
        return d->bps0;
    }
    return d->bps0 * exp(-(double)(sim->now_us - d->start_us) / (sim->disl_tau_s * 1e6));
}

static void step_dislocation(struct ah_sim *sim, struct ah_sim_symbol *s, size_t i, double dt_s)
{
    double p = sim->dislocations_per_min / 60.0 * dt_s;

    if (s->disl.planted) {
        return; /* held until ah_sim_unplant */
    }
    if (s->disl.active && fabs(ah_sim_disl_bps(sim, i, s->disl.venue)) < 0.5) {
        s->disl.active = false; /* reverted */
    }
    if (!s->disl.active && p > 0 && ah_sim_rng_uniform(&sim->rng) < p) {
        s->disl.active = true;
        s->disl.venue = (uint8_t)(1 + ah_sim_rng_next(&sim->rng) % AH_SIM_VENUES);
        s->disl.bps0 =
            ah_sim_rng_uniform(&sim->rng) < 0.5 ? -sim->dislocation_bps : sim->dislocation_bps;
        s->disl.start_us = sim->now_us;
        sim->n_dislocations++;
    }
}

static void refresh_quote(struct ah_sim *sim, struct ah_sim_symbol *s, size_t i, int v)
{
    struct ah_sim_quote *q = &s->q[v];
    double scale = pow10_tab[s->price_dec];
    double mid = s->mid * (1.0 + (s->noise_bps[v] + ah_sim_disl_bps(sim, i, v + 1)) / 1e4);
    int64_t bid = (int64_t)floor(mid * (1.0 - 0.5e-4) * scale);
    int64_t ask = (int64_t)ceil(mid * (1.0 + 0.5e-4) * scale);

    if (bid < 1) {
        bid = 1;
    }
    if (ask <= bid) {
        ask = bid + 1;
    }
    if (bid != q->bid_ticks || ask != q->ask_ticks || q->seq == 0) {
        q->bid_ticks = bid;
        q->ask_ticks = ask;
        q->bid_lots = 1 + (int64_t)(ah_sim_rng_next(&sim->rng) % 100000);
        q->ask_lots = 1 + (int64_t)(ah_sim_rng_next(&sim->rng) % 100000);
        q->ts_us = sim->now_us;
        q->seq++;
    }
}

void ah_sim_step(struct ah_sim *sim, int64_t dt_us)
{
    double dt_s = (double)dt_us / 1e6, sq = sqrt(dt_s);

    sim->now_us += dt_us;
    for (size_t i = 0; i < sim->n_syms; i++) {
        struct ah_sim_symbol *s = &sim->s[i];
        if (dt_us > 0) {
            s->mid *= exp(sim->vol_bps_sqrt_s / 1e4 * sq * ah_sim_rng_normal(&sim->rng));
            for (int v = 0; v < AH_SIM_VENUES; v++) {
                /* Ornstein-Uhlenbeck noise around 0 with a 1 s time constant. */
                s->noise_bps[v] += -s->noise_bps[v] * (dt_s < 1 ? dt_s : 1) +
                                   sim->noise_bps * sq * ah_sim_rng_normal(&sim->rng);
            }
            step_dislocation(sim, s, i, dt_s);
        }
        for (int v = 0; v < AH_SIM_VENUES; v++) {
            refresh_quote(sim, s, i, v);
        }
    }
}

int ah_sim_plant(struct ah_sim *sim, size_t i, enum ah_exchange_id ex, double bps)
{
    struct ah_sim_disl *d;

    if (i >= sim->n_syms || ex <= AH_EX_NONE || ex > AH_SIM_VENUES || !(bps > -10000.0) ||
        !(bps < 10000.0)) {
        return -EINVAL;
    }
    d = &sim->s[i].disl;
    d->active = true;
    d->planted = true;
    d->venue = (uint8_t)ex;
    d->bps0 = bps;
    d->start_us = sim->now_us;
    ah_sim_step(sim, 0);
    return 0;
}

void ah_sim_unplant(struct ah_sim *sim, size_t i)
{
    if (i >= sim->n_syms || !sim->s[i].disl.planted) {
        return;
    }
    sim->s[i].disl.active = false;
    sim->s[i].disl.planted = false;
    ah_sim_step(sim, 0);
}

const struct ah_sim_quote *ah_sim_quote(const struct ah_sim *sim, size_t i, enum ah_exchange_id ex)
{
    return &sim->s[i].q[ex - 1];
}

void ah_sim_make_trade(struct ah_sim *sim, size_t i, enum ah_exchange_id ex,
                       struct ah_sim_trade *out)
{
    struct ah_sim_symbol *s = &sim->s[i];
    const struct ah_sim_quote *q;
    bool buy = ah_sim_rng_uniform(&sim->rng) < 0.5;

    AH_ASSERT(ex > AH_EX_NONE && ex < AH_EX__COUNT && i < sim->n_syms);
    q = &s->q[ex - 1];
    out->side = buy ? AH_SIDE_BUY : AH_SIDE_SELL;
    out->px_ticks = buy ? q->ask_ticks : q->bid_ticks;
    out->qty_lots = 1 + (int64_t)(ah_sim_rng_next(&sim->rng) % 10000);
    out->ts_us = sim->now_us;
    out->id = ++s->trade_id[ex - 1];
}
