/* SPDX-License-Identifier: MIT */
/* Serves the analyzer's latest report: every few seconds a libuv pool thread checks
 * <analyzer.out_dir>/latest.csv and, when it changed, converts it to JSON; the loop thread then
 * hands the text to the hub. Disk I/O never runs on the loop thread. */
#include "arbhub/hub_summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arbhub/buf.h"
#include "arbhub/json.h"
#include "arbhub/log.h"
#include "arbhub/xalloc.h"

#define POLL_MS  3000
#define MAX_FILE (64u << 20)
#define MAX_COLS 128

struct ah_hub_summary {
    struct ah_hub *hub;
    char path[AH_CFG_STR_MAX + 16];
    uv_timer_t timer;
    uv_work_t work;
    bool busy;
    bool stopping;
    int64_t mtime_ns; /* last file version converted */
    int64_t next_mtime_ns;
    char *json; /* worker result */
};

/* Splits one CSV line in place (RFC 4180 quotes); returns the number of fields. */
static int split_csv(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line;

    while (n < max) {
        char *out = p;
        cells[n++] = p;
        if (*p == '"') {
            char *r = p + 1;
            for (;;) {
                if (*r == '\0') {
                    break;
                }
                if (*r == '"' && r[1] == '"') {
                    *out++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *out++ = *r++;
                }
            }
            p = r;
            *out = '\0';
        } else {
            while (*p != ',' && *p != '\0') {
                p++;
            }
        }
        if (*p != ',') {
            *p = '\0';
            break;
        }
        *p++ = '\0';
    }
    return n;
}

static void put_cell(struct ah_buf *b, const char *cell)
{
    double v;

    if (cell[0] == '\0') {
        ah_buf_puts(b, "null");
    } else if (ah_decimal_parse(cell, strlen(cell), &v) == 0) {
        ah_buf_json_double(b, v);
    } else {
        ah_buf_json_str(b, cell);
    }
}

/* CSV text -> {"file":..., "columns":[...], "rows":[{...}]}. Returns malloc'd JSON. */
static char *csv_to_json(const char *path, char *text)
{
    struct ah_buf b = AH_BUF_INIT;
    char *head[MAX_COLS];
    char *cells[MAX_COLS];
    char *save = NULL;
    char *line = strtok_r(text, "\r\n", &save);
    int n_head;

    ah_buf_puts(&b, "{\"file\":");
    ah_buf_json_str(&b, path);
    ah_buf_puts(&b, ",\"columns\":[");
    n_head = line != NULL ? split_csv(line, head, MAX_COLS) : 0;
    for (int i = 0; i < n_head; i++) {
        ah_buf_puts(&b, i ? "," : "");
        ah_buf_json_str(&b, head[i]);
    }
    ah_buf_puts(&b, "],\"rows\":[");
    for (int r = 0; (line = strtok_r(NULL, "\r\n", &save)) != NULL; r++) {
        int n = split_csv(line, cells, MAX_COLS);
        ah_buf_puts(&b, r ? ",{" : "{");
        for (int i = 0; i < n_head; i++) {
            ah_buf_puts(&b, i ? "," : "");
            ah_buf_json_str(&b, head[i]);
            ah_buf_puts(&b, ":");
            put_cell(&b, i < n ? cells[i] : "");
        }
        ah_buf_puts(&b, "}");
    }
    ah_buf_puts(&b, "]}");
    return ah_buf_take(&b);
}

char *ah_hub_summary_convert(const char *path, char *text)
{
    return csv_to_json(path, text);
}

static void on_work(uv_work_t *w)
{
    struct ah_hub_summary *s = w->data;
    struct stat st;
    FILE *f;
    char *text;
    size_t n;

    s->json = NULL;
    if (stat(s->path, &st) != 0) {
        s->next_mtime_ns = -1;
        return;
    }
    s->next_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (s->next_mtime_ns == s->mtime_ns || (size_t)st.st_size > MAX_FILE) {
        return;
    }
    f = fopen(s->path, "rb");
    if (f == NULL) {
        return;
    }
    text = ah_xmalloc((size_t)st.st_size + 1);
    n = fread(text, 1, (size_t)st.st_size, f);
    fclose(f);
    text[n] = '\0';
    s->json = csv_to_json(s->path, text);
    free(text);
}

static void on_after(uv_work_t *w, int status)
{
    struct ah_hub_summary *s = w->data;

    s->busy = false;
    if (status == 0 && !s->stopping) {
        if (s->json != NULL) {
            AH_INFO("hub", "serving analyzer report %s", s->path);
            ah_hub_set_summary(s->hub, s->json);
            s->json = NULL;
            s->mtime_ns = s->next_mtime_ns;
        } else if (s->next_mtime_ns < 0 && s->mtime_ns != 0) {
            ah_hub_set_summary(s->hub, NULL); /* the report was removed */
            s->mtime_ns = 0;
        }
    }
    free(s->json);
    s->json = NULL;
    if (s->stopping) {
        free(s);
    }
}

static void on_timer(uv_timer_t *t)
{
    struct ah_hub_summary *s = t->data;

    if (s->busy) {
        return;
    }
    s->busy = true;
    s->work.data = s;
    if (uv_queue_work(t->loop, &s->work, on_work, on_after) != 0) {
        s->busy = false;
    }
}

struct ah_hub_summary *ah_hub_summary_start(uv_loop_t *loop, struct ah_hub *hub,
                                            const char *out_dir)
{
    struct ah_hub_summary *s = ah_xcalloc(1, sizeof(*s));

    s->hub = hub;
    snprintf(s->path, sizeof(s->path), "%s/latest.csv", out_dir);
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    uv_timer_start(&s->timer, on_timer, 0, POLL_MS);
    return s;
}

static void on_timer_closed(uv_handle_t *h)
{
    struct ah_hub_summary *s = h->data;

    if (!s->busy) {
        free(s);
    }
}

void ah_hub_summary_stop(struct ah_hub_summary *s)
{
    if (s == NULL) {
        return;
    }
    s->stopping = true;
    uv_close((uv_handle_t *)&s->timer, on_timer_closed);
}
