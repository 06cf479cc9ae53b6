/*
 * ingest.c: files and folders into documents.
 *
 * The flow for one document: read it (bounded), reject empty, binary and
 * oversized input with a reason, repair invalid UTF-8 with a warning that
 * names the byte offset, parse front matter (.md/.txt) or the JSON object
 * (.jsonl), detect the dateline, sign-off and boilerplate, and store it.
 * Documents are committed in batches; a failure in one document is undone
 * alone (a savepoint) and reported, and the run goes on.
 */
#include "ingest.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "meta.h"
#include "text.h"

/* ---- small helpers ---------------------------------------------------- */

void en_content_hash(const void *p, size_t n, char out[33]) {
    XXH128_hash_t h = XXH3_128bits(p, n);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

typedef struct ctx {
    en_store *st;
    const en_ingest_opts *o;
    en_ingest_stats *stats;
    size_t max_bytes;
    size_t batch_docs;
    size_t in_batch;
    uint64_t done, total;
    int store_failed;
    en_buf readbuf;          /* file contents, reused for every file */
    char dir_key[PATH_MAX];  /* last folder resolved ... */
    char dir_real[PATH_MAX]; /* ... and its real path */
} ctx;

static void report(ctx *c, en_level lv, const char *file, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void report(ctx *c, en_level lv, const char *file, unsigned long line, const char *fmt,
                   ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (lv == EN_WARN) c->stats->warnings++;
    if (c->o && c->o->report) c->o->report(c->o->ud, lv, file, line, msg);
}

/* 1-based line number of byte offset off in s. */
static unsigned long line_of(const char *s, size_t off) {
    unsigned long line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') line++;
    return line;
}

static const char *base_name(const char *path) {
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static int has_ext(const char *path, const char *ext) {
    size_t n = strlen(path), e = strlen(ext);
    if (n < e) return 0;
    for (size_t i = 0; i < e; i++)
        if (tolower((unsigned char)path[n - e + i]) != ext[i]) return 0;
    return 1;
}

typedef enum kind { K_OTHER, K_TEXT, K_JSONL } kind;

static kind kind_of(const char *path) {
    if (has_ext(path, ".txt") || has_ext(path, ".md") || has_ext(path, ".markdown") ||
        has_ext(path, ".text"))
        return K_TEXT;
    if (has_ext(path, ".jsonl") || has_ext(path, ".ndjson")) return K_JSONL;
    return K_OTHER;
}

/* Is the buffer whitespace only? */
static int blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i])) return 0;
    return 1;
}

/* Binary input: NUL bytes or C0 control characters beyond a stray few, or
 * mostly invalid UTF-8 at the start. A text with one bad byte is repaired
 * instead. */
static int looks_binary(const char *s, size_t n, char *why, size_t whylen) {
    size_t nul = 0, ctl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0)
            nul++;
        else if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t' && ch != '\f')
            ctl++;
    }
    if (nul > 8 || (nul > 1 && nul * 100 > n)) {
        snprintf(why, whylen, "binary file (%zu NUL bytes)", nul);
        return 1;
    }
    if (ctl * 20 > n && ctl > 4) {
        snprintf(why, whylen, "binary file (%zu control characters)", ctl);
        return 1;
    }
    size_t head = n < 4096 ? n : 4096, bad = 0, i = 0;
    while (i < head) {
        size_t off = en_utf8_check(s + i, head - i);
        if (off >= head - i) break;
        bad++;
        i += off + 1;
    }
    if (head >= 64 && bad * 4 > head) {
        snprintf(why, whylen, "binary file (not UTF-8 text)");
        return 1;
    }
    return 0;
}

/* ISO 8601 date prefix (YYYY, YYYY-MM, YYYY-MM-DD, optionally followed by a
 * time): returns its length, or 0 when v is not one. */
static size_t iso_date_len(const char *v, size_t n) {
    size_t i = 0;
    while (i < n && i < 4 && isdigit((unsigned char)v[i])) i++;
    if (i != 4) return 0;
    if (n == 4) return 4;
    if (v[4] != '-' || n < 7 || !isdigit((unsigned char)v[5]) || !isdigit((unsigned char)v[6]))
        return 0;
    int mon = (v[5] - '0') * 10 + (v[6] - '0');
    if (mon < 1 || mon > 12) return 0;
    if (n == 7) return 7;
    if (v[7] != '-' || n < 10 || !isdigit((unsigned char)v[8]) || !isdigit((unsigned char)v[9]))
        return 0;
    int day = (v[8] - '0') * 10 + (v[9] - '0');
    if (day < 1 || day > 31) return 0;
    if (n == 10 || v[10] == 'T' || v[10] == ' ') return 10;
    return 0;
}

/* ---- one document --------------------------------------------------- */

/* Everything known about one document before it is stored. Strings are
 * owned by the caller's buffers or by this struct's `own` buffer. */
typedef struct docin {
    const char *path;   /* as given, for messages */
    unsigned long line; /* first line of the record in the file (jsonl) */
    const char *raw;    /* the record as read (for the hash) */
    size_t raw_len;
    const char *text; /* the body, valid UTF-8 */
    size_t text_len;
    const char *title, *date, *source, *url, *lang, *id;
    json_t *extra; /* other metadata, or NULL */
    long repaired;
} docin;

static char *dupn(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* Derive a title from a text without one: a first line without final
 * punctuation, short enough to be a headline, that is not boilerplate. */
static char *guess_title(const char *t, size_t n, const en_textmeta *m) {
    size_t i = 0;
    for (;;) {
        while (i < n && (t[i] == '\n' || t[i] == '\r' || t[i] == ' ' || t[i] == '\t')) i++;
        if (i >= n) return NULL;
        int skipped = 0;
        for (size_t k = 0; k < m->nspans; k++) {
            if (m->spans[k].start <= i && i < m->spans[k].stop &&
                m->spans[k].kind == EN_SPAN_BOILERPLATE) {
                i = m->spans[k].stop;
                skipped = 1;
            }
        }
        if (!skipped) break;
    }
    for (size_t k = 0; k < m->nspans; k++)
        if (m->spans[k].kind == EN_SPAN_DATELINE && m->spans[k].start <= i && i < m->spans[k].stop)
            return NULL;
    size_t e = i;
    while (e < n && t[e] != '\n') e++;
    size_t end = e;
    while (end > i && isspace((unsigned char)t[end - 1])) end--;
    if (end == i || end - i > 200 || e >= n) return NULL;
    char last = t[end - 1];
    if (last == '.' || last == ',' || last == ';' || last == ':' || last == '!') return NULL;
    return dupn(t + i, end - i);
}

/* The absolute path of a file: its folder resolved with realpath (cached
 * for the last folder seen), then its base name. */
static void absolute_path(ctx *c, const char *path, char *out, size_t n) {
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 0;
    char dir[PATH_MAX];
    if (dlen >= sizeof dir) {
        if (!realpath(path, out)) snprintf(out, n, "%s", path);
        return;
    }
    if (slash) {
        memcpy(dir, path, dlen ? dlen : 1);
        dir[dlen ? dlen : 1] = 0;
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    if (strcmp(dir, c->dir_key) != 0) {
        snprintf(c->dir_key, sizeof c->dir_key, "%s", dir);
        if (!realpath(dir, c->dir_real)) snprintf(c->dir_real, sizeof c->dir_real, "%s", dir);
    }
    const char *base = slash ? slash + 1 : path;
    const char *root = strcmp(c->dir_real, "/") == 0 ? "" : c->dir_real;
    size_t rl = strlen(root), bl = strlen(base);
    if (rl + 1 + bl + 1 > n) { /* too long to join: let realpath decide */
        if (!realpath(path, out)) snprintf(out, n, "%s", path);
        return;
    }
    memcpy(out, root, rl);
    out[rl] = '/';
    memcpy(out + rl + 1, base, bl + 1);
}

/* Store one document; reports and counts its outcome. */
static void store_doc(ctx *c, docin *d) {
    en_textmeta m;
    en_detect_meta(d->text, d->text_len, &m);

    char hash[33];
    en_content_hash(d->raw, d->raw_len, hash);

    char *place = m.place ? dupn(m.place, m.place_len) : NULL;
    char *agency = m.agency ? dupn(m.agency, m.agency_len) : NULL;
    char *title = d->title ? NULL : guess_title(d->text, d->text_len, &m);
    char date[48] = "";
    if (!d->date && m.month > 0) {
        if (m.year > 0)
            snprintf(date, sizeof date, "%04d-%02d-%02d", m.year, m.month, m.day);
        else if (m.day > 0)
            snprintf(date, sizeof date, "--%02d-%02d", m.month, m.day);
    }

    /* uri: absolute path, plus #id or #L<line> for records inside a file.
     * The folder's real path is resolved once per folder, not per file. */
    char abspath[PATH_MAX];
    absolute_path(c, d->path, abspath, sizeof abspath);
    char uri[PATH_MAX + 80], name[PATH_MAX + 40];
    if (d->line > 0) {
        if (d->id) {
            snprintf(uri, sizeof uri, "%s#%s", abspath, d->id);
            snprintf(name, sizeof name, "%s", d->id);
        } else {
            snprintf(uri, sizeof uri, "%s#L%lu", abspath, d->line);
            snprintf(name, sizeof name, "%s:%lu", base_name(d->path), d->line);
        }
    } else {
        snprintf(uri, sizeof uri, "%s", abspath);
        snprintf(name, sizeof name, "%s", base_name(d->path));
    }

    json_t *meta = d->extra ? json_incref(d->extra) : json_object();
    if (meta && d->repaired > 0)
        json_object_set_new(meta, "utf8_repairs", json_integer(d->repaired));
    if (meta && m.date)
        json_object_set_new(meta, "dateline_date", json_stringn(m.date, m.date_len));
    char *metatext = (meta && json_object_size(meta) > 0)
                         ? json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS)
                         : NULL;
    json_decref(meta);

    en_docspan spans[EN_META_MAX_SPANS];
    for (size_t i = 0; i < m.nspans; i++) {
        spans[i].start = m.spans[i].start;
        spans[i].stop = m.spans[i].stop;
        spans[i].kind = en_spankind_name(m.spans[i].kind);
    }
    en_docrec rec = {
        .uri = uri,
        .name = name,
        .hash = hash,
        .title = d->title ? d->title : title,
        .date = d->date ? d->date : (date[0] ? date : NULL),
        .source = d->source ? d->source : agency,
        .url = d->url,
        .lang = d->lang,
        .place = place,
        .agency = agency,
        .text = d->text,
        .text_len = d->text_len,
        .meta = metatext,
        .spans = spans,
        .nspans = m.nspans,
    };
    en_putresult res;
    int64_t id;
    if (en_store_put_document(c->st, &rec, &res, &id)) {
        report(c, EN_FAIL, d->path, d->line, "%s", en_store_errmsg(c->st));
        c->stats->failed++;
        /* the store itself failed: the open batch is rolled back whole and
         * the run stops (ingest again to finish: it is idempotent) */
        c->store_failed = 1;
    } else {
        switch (res) {
        case EN_PUT_ADDED:
            c->stats->added++;
            break;
        case EN_PUT_UPDATED:
            c->stats->updated++;
            break;
        case EN_PUT_UNCHANGED:
            c->stats->unchanged++;
            break;
        }
        c->stats->bytes += d->text_len;
        if (res != EN_PUT_UNCHANGED && ++c->in_batch >= c->batch_docs) {
            if (en_store_commit(c->st) || en_store_begin(c->st)) c->store_failed = 1;
            c->in_batch = 0;
        }
    }
    free(place);
    free(agency);
    free(title);
    free(metatext);
}

/* Validate and repair UTF-8 of (s, n): on return, out and outn give valid
 * text (either s itself or rep's data). Returns the repair count. */
static long repair(ctx *c, const char *path, unsigned long line0, const char *s, size_t n,
                   en_buf *rep, const char **out, size_t *outn) {
    size_t first = en_utf8_check(s, n);
    if (first >= n) {
        *out = s;
        *outn = n;
        return 0;
    }
    rep->len = 0;
    size_t bad = first;
    long k = en_utf8_repair(s, n, rep, &bad);
    if (k < 0) {
        *out = NULL;
        return -1;
    }
    unsigned long line = line0 ? line0 : line_of(s, bad);
    report(c, EN_WARN, path, line,
           "invalid UTF-8 or NUL at byte %zu; replaced %ld sequence%s with U+FFFD", bad, k,
           k == 1 ? "" : "s");
    *out = rep->data;
    *outn = rep->len;
    return k;
}

/* Copy a front-matter value into a NUL-terminated string kept in pool. */
static const char *fmval(const char *v, size_t n, char **pool, int *npool) {
    if (!v) return NULL;
    char *s = dupn(v, n);
    if (s) pool[(*npool)++] = s;
    return s;
}

/* A .txt or .md file. */
static void ingest_text(ctx *c, const char *path, const char *buf, size_t n) {
    char why[128];
    if (n == 0 || blank(buf, n)) {
        report(c, EN_SKIP, path, 0, "empty file");
        c->stats->skipped++;
        return;
    }
    if (looks_binary(buf, n, why, sizeof why)) {
        report(c, EN_SKIP, path, 0, "%s", why);
        c->stats->skipped++;
        return;
    }
    en_buf rep = {0};
    const char *t;
    size_t tn;
    long k = repair(c, path, 0, buf, n, &rep, &t, &tn);
    if (k < 0) {
        report(c, EN_FAIL, path, 0, "out of memory");
        c->stats->failed++;
        en_buf_free(&rep);
        return;
    }
    en_frontmatter fm;
    if (en_front_matter(t, tn, &fm) < 0) {
        report(c, EN_FAIL, path, fm.err_line, "%s", fm.err);
        c->stats->failed++;
        en_buf_free(&rep);
        return;
    }
    char *pool[8];
    int npool = 0;
    docin d = {.path = path, .raw = buf, .raw_len = n, .repaired = k};
    size_t body = fm.present ? fm.body : 0;
    if (body == 0 && tn >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) body = 3;
    d.text = t + body;
    d.text_len = tn - body;
    if (fm.present) {
        d.title = fmval(fm.title, fm.title_len, pool, &npool);
        d.source = fmval(fm.source, fm.source_len, pool, &npool);
        d.url = fmval(fm.url, fm.url_len, pool, &npool);
        d.lang = fmval(fm.lang, fm.lang_len, pool, &npool);
        if (fm.date && fm.date_len > 0) {
            size_t dl = iso_date_len(fm.date, fm.date_len);
            if (dl)
                d.date = fmval(fm.date, dl, pool, &npool);
            else
                report(c, EN_WARN, path, line_of(t, (size_t)(fm.date - t)),
                       "front matter: date '%.*s' is not an ISO 8601 date (YYYY-MM-DD); "
                       "ignored",
                       (int)(fm.date_len > 40 ? 40 : fm.date_len), fm.date);
        }
        if (fm.nextra > 0 || fm.id) {
            d.extra = json_object();
            for (size_t i = 0; d.extra && i < fm.nextra; i++) {
                char *key = dupn(fm.extra[i].key, fm.extra[i].key_len);
                if (key)
                    json_object_set_new(d.extra, key,
                                        json_stringn(fm.extra[i].val, fm.extra[i].val_len));
                free(key);
            }
            if (d.extra && fm.id)
                json_object_set_new(d.extra, "id", json_stringn(fm.id, fm.id_len));
        }
    }
    if (blank(d.text, d.text_len)) {
        report(c, EN_SKIP, path, fm.body_line, "no text after the front matter");
        c->stats->skipped++;
    } else {
        store_doc(c, &d);
    }
    json_decref(d.extra);
    for (int i = 0; i < npool; i++) free(pool[i]);
    en_buf_free(&rep);
}

/* A string field of a JSON object, or NULL. Reports a wrong type. */
static const char *jstr(ctx *c, const char *path, unsigned long line, json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v) && strcmp(key, "id") == 0) return NULL; /* handled by caller */
    report(c, EN_WARN, path, line, "field '%s' is not a string; ignored", key);
    return NULL;
}

/* One line of a .jsonl file. */
static void ingest_jsonl_line(ctx *c, const char *path, unsigned long line, const char *s,
                              size_t n) {
    if (blank(s, n)) return;
    en_buf rep = {0};
    const char *t;
    size_t tn;
    long k = repair(c, path, line, s, n, &rep, &t, &tn);
    if (k < 0) {
        report(c, EN_FAIL, path, line, "out of memory");
        c->stats->failed++;
        return;
    }
    json_error_t err;
    json_t *o = json_loadb(t, tn, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!o) {
        report(c, EN_FAIL, path, line, "malformed JSON at column %d: %s", err.column, err.text);
        c->stats->failed++;
        en_buf_free(&rep);
        return;
    }
    if (!json_is_object(o)) {
        report(c, EN_FAIL, path, line, "expected a JSON object with a \"text\" field");
        c->stats->failed++;
        json_decref(o);
        en_buf_free(&rep);
        return;
    }
    json_t *jt = json_object_get(o, "text");
    if (!jt || !json_is_string(jt)) {
        report(c, EN_FAIL, path, line, "no \"text\" string field");
        c->stats->failed++;
        json_decref(o);
        en_buf_free(&rep);
        return;
    }
    const char *text = json_string_value(jt);
    size_t text_len = json_string_length(jt);
    char idbuf[32];
    docin d = {.path = path, .line = line, .raw = s, .raw_len = n, .repaired = k};
    d.id = jstr(c, path, line, o, "id");
    json_t *jid = json_object_get(o, "id");
    if (!d.id && json_is_integer(jid)) {
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(jid));
        d.id = idbuf;
    }
    d.title = jstr(c, path, line, o, "title");
    d.source = jstr(c, path, line, o, "source");
    d.url = jstr(c, path, line, o, "url");
    d.lang = jstr(c, path, line, o, "lang");
    const char *date = jstr(c, path, line, o, "date");
    char datebuf[16];
    if (date) {
        size_t dl = iso_date_len(date, strlen(date));
        if (dl) {
            snprintf(datebuf, sizeof datebuf, "%.*s", (int)dl, date);
            d.date = datebuf;
        } else {
            report(c, EN_WARN, path, line,
                   "date '%.40s' is not an ISO 8601 date (YYYY-MM-DD); ignored", date);
        }
    }
    /* A NUL inside a JSON string (\u0000) is not text: repair it. */
    en_buf rep2 = {0};
    if (memchr(text, 0, text_len) || en_utf8_check(text, text_len) < text_len) {
        size_t bad = 0;
        long k2 = en_utf8_repair(text, text_len, &rep2, &bad);
        if (k2 > 0) {
            report(c, EN_WARN, path, line,
                   "text field: invalid character at byte %zu of the text; replaced %ld with "
                   "U+FFFD",
                   bad, k2);
            text = rep2.data;
            text_len = rep2.len;
            d.repaired += k2;
        }
    }
    d.text = text;
    d.text_len = text_len;
    if (blank(text, text_len)) {
        report(c, EN_SKIP, path, line, "empty \"text\"");
        c->stats->skipped++;
    } else {
        store_doc(c, &d);
    }
    en_buf_free(&rep2);
    json_decref(o);
    en_buf_free(&rep);
}

/* One complete line of a .jsonl file (without its newline). */
static void jsonl_line(ctx *c, const char *path, unsigned long lineno, en_buf *line, int too_long,
                       size_t nul) {
    if (too_long) {
        report(c, EN_SKIP, path, lineno, "line longer than %zu bytes", c->max_bytes);
        c->stats->skipped++;
    } else if (nul > 0 && line->len > 0 && nul * 100 > line->len) {
        report(c, EN_SKIP, path, lineno, "binary data (%zu NUL bytes)", nul);
        c->stats->skipped++;
    } else {
        size_t n = line->len;
        if (n > 0 && line->data[n - 1] == '\r') n--;
        ingest_jsonl_line(c, path, lineno, line->data ? line->data : "", n);
    }
}

/* A .jsonl file, read in 64 KiB chunks and split at newlines with memchr.
 * A line longer than max_bytes is skipped without being held in memory
 * whole: once it passes the limit its bytes are dropped until the newline. */
static void ingest_jsonl(ctx *c, const char *path, int fd) {
    enum { CHUNK = 65536 };
    char *chunk = malloc(CHUNK);
    en_buf line = {0};
    unsigned long lineno = 0;
    int too_long = 0, any = 0, failed = 0;
    size_t nul = 0;
    if (!chunk) {
        report(c, EN_FAIL, path, 0, "out of memory");
        c->stats->failed++;
        return;
    }
    for (;;) {
        ssize_t r = read(fd, chunk, CHUNK);
        if (r < 0) {
            if (errno == EINTR) continue;
            report(c, EN_FAIL, path, lineno + 1, "read error: %s", strerror(errno));
            c->stats->failed++;
            failed = 1;
            break;
        }
        if (r == 0) break;
        size_t n = (size_t)r, i = 0;
        while (i < n) {
            const char *nl = memchr(chunk + i, '\n', n - i);
            size_t piece = nl ? (size_t)(nl - (chunk + i)) : n - i;
            if (!too_long) {
                if (line.len + piece > c->max_bytes) {
                    too_long = 1;
                    line.len = 0;
                } else {
                    for (size_t k = 0; k < piece; k++)
                        if (chunk[i + k] == 0) nul++;
                    if (en_buf_append(&line, chunk + i, piece)) {
                        report(c, EN_FAIL, path, lineno + 1, "out of memory");
                        c->stats->failed++;
                        failed = 1;
                        break;
                    }
                }
            }
            i += piece;
            if (!nl) break;
            i++; /* the newline */
            lineno++;
            any = 1;
            if (line.len > 0 || too_long) jsonl_line(c, path, lineno, &line, too_long, nul);
            c->done += line.len + 1;
            if (c->o && c->o->progress) c->o->progress(c->o->ud, c->done, c->total);
            line.len = 0;
            too_long = 0;
            nul = 0;
            if (c->store_failed) break;
            if (c->o && c->o->interrupted && c->o->interrupted(c->o->ud)) {
                c->stats->interrupted = 1;
                break;
            }
        }
        if (failed || c->store_failed || c->stats->interrupted) break;
    }
    if (!failed && !c->store_failed && !c->stats->interrupted && (line.len > 0 || too_long)) {
        lineno++; /* a last line without a newline */
        any = 1;
        jsonl_line(c, path, lineno, &line, too_long, nul);
    }
    if (!any && !failed) {
        report(c, EN_SKIP, path, 0, "empty file");
        c->stats->skipped++;
    }
    en_buf_free(&line);
    free(chunk);
}

/* Read a whole file of size n (n <= max_bytes) into the reused buffer b
 * with plain read(2): one buffer for the whole run instead of a FILE and a
 * fresh allocation per file. Returns 0, or -1 with errno set. */
static int read_all(int fd, size_t n, en_buf *b) {
    b->len = 0;
    if (en_buf_reserve(b, n + 1)) {
        errno = ENOMEM;
        return -1;
    }
    while (b->len < n) {
        ssize_t r = read(fd, b->data + b->len, n - b->len);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break; /* the file shrank: take what is there */
        b->len += (size_t)r;
    }
    b->data[b->len] = 0;
    return 0;
}

static void ingest_file(ctx *c, const char *path, uint64_t size) {
    kind k = kind_of(path);
    c->stats->files++;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        report(c, EN_FAIL, path, 0, "cannot read: %s", strerror(errno));
        c->stats->failed++;
        c->done += size;
        return;
    }
    if (k == K_JSONL) {
        ingest_jsonl(c, path, fd);
        close(fd);
        return;
    }
    if (size > c->max_bytes) {
        report(c, EN_SKIP, path, 0, "%llu bytes is more than the limit of %zu (--max-bytes)",
               (unsigned long long)size, c->max_bytes);
        c->stats->skipped++;
        close(fd);
        c->done += size;
        return;
    }
    if (read_all(fd, (size_t)size, &c->readbuf)) {
        report(c, EN_FAIL, path, 0, "read error: %s", strerror(errno));
        c->stats->failed++;
    } else {
        ingest_text(c, path, c->readbuf.data, c->readbuf.len);
    }
    close(fd);
    c->done += size;
    if (c->o && c->o->progress) c->o->progress(c->o->ud, c->done, c->total);
}

/* ---- walking the paths ------------------------------------------------- */

typedef struct item {
    char *path;
    uint64_t size;
} item;

typedef struct list {
    item *v;
    size_t n, cap;
} list;

static int list_add(list *l, const char *path, uint64_t size) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        item *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n].path = strdup(path))) return -1;
    l->v[l->n].size = size;
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the files under dir (sorted, hidden entries left out). Files of
 * other types inside a folder are skipped with a reason. */
static int walk(ctx *c, const char *dir, list *out, int depth) {
    if (depth > 64) {
        report(c, EN_SKIP, dir, 0, "folders nested too deep");
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d) {
        report(c, EN_FAIL, dir, 0, "cannot read folder: %s", strerror(errno));
        c->stats->failed++;
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nv = realloc(names, cap * sizeof *nv);
            if (!nv) {
                rc = -1;
                break;
            }
            names = nv;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        struct stat sb;
        if (stat(p, &sb) != 0) {
            report(c, EN_FAIL, p, 0, "cannot read: %s", strerror(errno));
            c->stats->failed++;
        } else if (S_ISDIR(sb.st_mode)) {
            rc = walk(c, p, out, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            if (kind_of(p) == K_OTHER) {
                report(c, EN_SKIP, p, 0, "not a .txt, .md or .jsonl file");
                c->stats->skipped++;
            } else {
                rc = list_add(out, p, (uint64_t)sb.st_size);
            }
        }
        free(p);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int en_ingest(en_store *st, const char *const *paths, size_t npaths, const en_ingest_opts *o,
              en_ingest_stats *stats) {
    memset(stats, 0, sizeof *stats);
    ctx c = {.st = st, .o = o, .stats = stats};
    c.max_bytes = (o && o->max_bytes) ? o->max_bytes : EN_INGEST_MAX_DEFAULT;
    c.batch_docs = (o && o->batch_docs) ? o->batch_docs : 2000;
    list files = {0};
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0) {
            report(&c, EN_FAIL, paths[i], 0, "cannot read: %s", strerror(errno));
            stats->failed++;
        } else if (S_ISDIR(sb.st_mode)) {
            rc = walk(&c, paths[i], &files, 0);
        } else {
            /* A file named explicitly is read as text whatever its name,
             * unless it is .jsonl. */
            rc = list_add(&files, paths[i], (uint64_t)sb.st_size);
        }
    }
    if (rc != 0) {
        en_store_fail(st, "out of memory listing files");
        goto out;
    }
    for (size_t i = 0; i < files.n; i++) c.total += files.v[i].size;
    en_store_set_bulk(st, 1);
    if (en_store_begin(st)) {
        en_store_set_bulk(st, 0);
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < files.n && !c.store_failed; i++) {
        if (o && o->interrupted && o->interrupted(o->ud)) {
            stats->interrupted = 1;
            break;
        }
        ingest_file(&c, files.v[i].path, files.v[i].size);
        if (stats->interrupted) break;
    }
    if (c.store_failed) {
        en_store_rollback(st);
        rc = -1;
    } else if (en_store_commit(st)) {
        rc = -1;
    } else {
        rc = stats->failed > 0 ? 1 : 0;
    }
    en_store_set_bulk(st, 0);
out:
    en_buf_free(&c.readbuf);
    for (size_t i = 0; i < files.n; i++) free(files.v[i].path);
    free(files.v);
    return rc;
}
