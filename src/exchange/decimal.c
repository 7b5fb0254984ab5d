/* SPDX-License-Identifier: MIT */
/* Exact decimal prices and quantities as int64 counts of 1e-9 units: parsing, rounding to a tick
 * or step, and formatting without binary-float artefacts. Pure functions, any thread. */
#include "arbhub/venue_order.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"

/* 128-bit intermediates keep price * qty exact; __extension__ silences -Wpedantic. */
__extension__ typedef __int128 wide_t;

static int parse_digits(const char **p, const char *end, int64_t *acc, int *n_frac, bool frac)
{
    int n = 0;

    while (*p < end && **p >= '0' && **p <= '9') {
        if (frac && *n_frac >= AH_DEC_DIGITS) {
            if (**p != '0') {
                return AH_E_UNSUPPORTED; /* finer than 1e-9: cannot be held exactly */
            }
        } else {
            if (*acc > (INT64_MAX - 9) / 10) {
                return AH_E_PARSE;
            }
            *acc = *acc * 10 + (**p - '0');
            if (frac) {
                (*n_frac)++;
            }
        }
        (*p)++;
        n++;
    }
    return n;
}

int ah_dec_parse(const char *s, size_t len, int64_t *out)
{
    const char *p = s;
    const char *end = s + len;
    int64_t acc = 0;
    int n_frac = 0;
    bool neg = false;
    int n_int;
    int n_fr = 0;

    if (len == 0 || len > 40) {
        return AH_E_PARSE;
    }
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    n_int = parse_digits(&p, end, &acc, &n_frac, false);
    if (n_int < 0) {
        return n_int;
    }
    if (p < end && *p == '.') {
        p++;
        n_fr = parse_digits(&p, end, &acc, &n_frac, true);
        if (n_fr < 0) {
            return n_fr;
        }
    }
    if (p != end || n_int + n_fr == 0) {
        return AH_E_PARSE;
    }
    for (; n_frac < AH_DEC_DIGITS; n_frac++) {
        if (acc > INT64_MAX / 10) {
            return AH_E_PARSE;
        }
        acc *= 10;
    }
    *out = neg ? -acc : acc;
    return 0;
}

int ah_dec_parse_str(const char *s, int64_t *out)
{
    return ah_dec_parse(s, strlen(s), out);
}

int ah_dec_from_double(double v, int64_t *out)
{
    double scaled = v * (double)AH_DEC_ONE;

    if (!isfinite(v) || fabs(scaled) >= 9.0e18) {
        return AH_E_PARSE;
    }
    *out = (int64_t)llround(scaled);
    return 0;
}

double ah_dec_to_double(int64_t v)
{
    return (double)v / (double)AH_DEC_ONE;
}

int ah_dec_places(int64_t step)
{
    int places = AH_DEC_DIGITS;

    if (step <= 0) {
        return AH_DEC_DIGITS;
    }
    while (places > 0 && step % 10 == 0) {
        step /= 10;
        places--;
    }
    return places;
}

int64_t ah_dec_floor(int64_t v, int64_t step)
{
    int64_t r;

    if (step <= 0) {
        return v;
    }
    r = v % step;
    if (r < 0) {
        r += step;
    }
    return v - r;
}

int64_t ah_dec_ceil(int64_t v, int64_t step)
{
    int64_t f = ah_dec_floor(v, step);

    return f == v ? v : f + step;
}

int64_t ah_dec_nearest(int64_t v, int64_t step)
{
    int64_t f = ah_dec_floor(v, step);

    if (step <= 0) {
        return v;
    }
    return (v - f) * 2 >= step ? f + step : f;
}

int ah_dec_mul(int64_t a, int64_t b, int64_t *out)
{
    wide_t p = (wide_t)a * b;
    wide_t q = p / AH_DEC_ONE;
    wide_t r = p % AH_DEC_ONE;

    /* Round half away from zero so mul(price, qty) of exact inputs is exact at 1e-9. */
    if (r * 2 >= AH_DEC_ONE) {
        q++;
    } else if (r * 2 <= -AH_DEC_ONE) {
        q--;
    }
    if (q > INT64_MAX || q < INT64_MIN) {
        return -ERANGE;
    }
    *out = (int64_t)q;
    return 0;
}

int ah_dec_div_floor(int64_t a, int64_t b, int64_t step, int64_t *out)
{
    wide_t q;

    if (b <= 0 || a < 0) {
        return -EINVAL;
    }
    q = (wide_t)a * AH_DEC_ONE / b;
    if (q > INT64_MAX) {
        return -ERANGE;
    }
    *out = ah_dec_floor((int64_t)q, step);
    return 0;
}

int ah_dec_format(int64_t v, int places, char *buf, size_t cap)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t ip = mag / (uint64_t)AH_DEC_ONE;
    uint64_t fp = mag % (uint64_t)AH_DEC_ONE;
    char frac[AH_DEC_DIGITS + 1];
    int n;

    if (places < 0 || places > AH_DEC_DIGITS) {
        places = AH_DEC_DIGITS;
    }
    snprintf(frac, sizeof(frac), "%09llu", (unsigned long long)fp);
    /* Digits beyond places must be zero: formatting never rounds silently. */
    for (int i = places; i < AH_DEC_DIGITS; i++) {
        if (frac[i] != '0') {
            return AH_E_PARSE;
        }
    }
    frac[places] = '\0';
    while (places > 0 && frac[places - 1] == '0') {
        frac[--places] = '\0';
    }
    n = snprintf(buf, cap, "%s%llu%s%s", v < 0 ? "-" : "", (unsigned long long)ip,
                 places > 0 ? "." : "", frac);
    if (n < 0 || (size_t)n >= cap) {
        return AH_E_LIMIT;
    }
    return n;
}

int64_t ah_fee_of(int64_t value, int64_t rate_e4)
{
    /* value * bps / 1e4, with bps carried as 1e-4 units: divide by 1e8, round up. */
    const int64_t den = 100000000;
    int64_t q = value / den * rate_e4;
    int64_t r = value % den * rate_e4;

    return q + r / den + (r % den != 0 ? 1 : 0);
}
