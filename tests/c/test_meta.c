/*
 * test_meta.c: unit tests for engine/meta.c (front matter, dateline,
 * sign-off and boilerplate detection).
 *
 * Every input is copied into a heap buffer of exactly its length, with no
 * NUL after it, so that AddressSanitizer or valgrind catch any read past
 * len. The seed articles are read from SEEDS_DIR; their text is never
 * copied here: only offsets, kinds and short metadata values are asserted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"

#ifndef SEEDS_DIR
#define SEEDS_DIR "../shared/seeds"
#endif

#define EM_DASH "\xE2\x80\x94"
#define EN_DASH "\xE2\x80\x93"
#define RAQUO   "\xC2\xBB"
#define RSAQUO  "\xE2\x80\xBA"
#define BOM     "\xEF\xBB\xBF"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* A heap copy of s[0..n) with nothing after it (over-reads are caught). */
static char *dup_exact(const char *s, size_t n) {
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n) memcpy(p, s, n);
    return p;
}

/* An input under test: its exact-size copy and the detection result. */
typedef struct detected {
    char *buf;
    size_t len;
    en_textmeta m;
} detected;

/* Check the invariants of any en_detect_meta result: spans sorted,
 * disjoint, inside the text, of a known kind; pointers inside the text. */
static void check_invariants(const char *buf, size_t len, const en_textmeta *m) {
    size_t i;
    assert_true(m->nspans <= EN_META_MAX_SPANS);
    for (i = 0; i < m->nspans; i++) {
        assert_true(m->spans[i].start < m->spans[i].stop);
        assert_true(m->spans[i].stop <= len);
        assert_non_null(en_spankind_name(m->spans[i].kind));
        if (i > 0) assert_true(m->spans[i - 1].stop <= m->spans[i].start);
    }
    if (m->place) assert_true(m->place >= buf && m->place + m->place_len <= buf + len);
    if (m->date) assert_true(m->date >= buf && m->date + m->date_len <= buf + len);
    if (m->agency) assert_true(m->agency >= buf && m->agency + m->agency_len <= buf + len);
}

static void detect_n(const char *s, size_t n, detected *d) {
    d->len = n;
    d->buf = dup_exact(s, n);
    en_detect_meta(d->buf, d->len, &d->m);
    check_invariants(d->buf, d->len, &d->m);
}

static void detect(const char *s, detected *d) {
    detect_n(s, strlen(s), d);
}

static void done(detected *d) {
    free(d->buf);
    d->buf = NULL;
}

static void check_span(const en_textmeta *m, size_t i, size_t start, size_t stop, int kind) {
    assert_true(i < m->nspans);
    assert_int_equal(m->spans[i].start, start);
    assert_int_equal(m->spans[i].stop, stop);
    assert_int_equal(m->spans[i].kind, kind);
}

/* p[0..n) equals want; want NULL means p must be NULL. */
static void check_str(const char *p, size_t n, const char *want) {
    if (!want) {
        assert_null(p);
        return;
    }
    assert_non_null(p);
    assert_int_equal(n, strlen(want));
    if (n) assert_memory_equal(p, want, n);
}

/* Run en_front_matter on an exact-size copy of s. Caller frees *buf. */
static int fm_parse(const char *s, char **buf, en_frontmatter *fm) {
    size_t n = strlen(s);
    *buf = dup_exact(s, n);
    return en_front_matter(*buf, n, fm);
}

/* ------------------------------------------------------------------ */
/* Front matter                                                        */
/* ------------------------------------------------------------------ */

static void test_fm_absent(void **state) {
    static const char *const texts[] = {
        "Hello world\n",         "----\ntitle: x\n---\n",      "--- x\ntitle: y\n---\n",
        " ---\ntitle: x\n---\n", "Text\n---\ntitle: x\n---\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *buf;
        en_frontmatter fm;
        assert_int_equal(fm_parse(texts[i], &buf, &fm), 0);
        assert_int_equal(fm.present, 0);
        assert_int_equal(fm.body, 0);
        assert_int_equal(fm.body_line, 1);
        assert_null(fm.title);
        assert_int_equal(fm.err[0], 0);
        free(buf);
    }
}

static void test_fm_empty_input(void **state) {
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(en_front_matter(NULL, 0, &fm), 0);
    assert_int_equal(fm.present, 0);
    assert_int_equal(fm_parse("", &buf, &fm), 0);
    assert_int_equal(fm.present, 0);
    assert_int_equal(fm.body, 0);
    free(buf);
    assert_int_equal(en_front_matter("---\n", 4, NULL), -1);
}

static void test_fm_basic(void **state) {
    static const char text[] = "---\n"
                               "title: Malaysia and Italy agree\n"
                               "date: 2025-05-14\n"
                               "source: Bernama\n"
                               "url: https://example.com/a?b=c:d\n"
                               "lang: en\n"
                               "id: doc-001\n"
                               "author: Jane Roe\n"
                               "time: 10:30\n"
                               "---\n"
                               "Body text.\n";
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse(text, &buf, &fm), 0);
    assert_int_equal(fm.present, 1);
    assert_int_equal(fm.body, strstr(text, "Body") - text);
    assert_int_equal(fm.body_line, 11);
    check_str(fm.title, fm.title_len, "Malaysia and Italy agree");
    check_str(fm.date, fm.date_len, "2025-05-14");
    check_str(fm.source, fm.source_len, "Bernama");
    check_str(fm.url, fm.url_len, "https://example.com/a?b=c:d");
    check_str(fm.lang, fm.lang_len, "en");
    check_str(fm.id, fm.id_len, "doc-001");
    assert_int_equal(fm.nextra, 2);
    check_str(fm.extra[0].key, fm.extra[0].key_len, "author");
    check_str(fm.extra[0].val, fm.extra[0].val_len, "Jane Roe");
    check_str(fm.extra[1].key, fm.extra[1].key_len, "time");
    check_str(fm.extra[1].val, fm.extra[1].val_len, "10:30");
    assert_int_equal(fm.err[0], 0);
    assert_int_equal(fm.err_line, 0);
    free(buf);
}

static void test_fm_quotes(void **state) {
    static const char text[] = "---\n"
                               "title: \"Italy: a \\\"partner\\\" \\\\ ok\"\n"
                               "source: 'Bernama'\n"
                               "lang: 'it''s'\n"
                               "id: \"x\"   # a comment\n"
                               "date: \"2025\" later\n"
                               "url: \"\"\n"
                               "---\n";
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse(text, &buf, &fm), 0);
    check_str(fm.title, fm.title_len, "Italy: a \\\"partner\\\" \\\\ ok");
    check_str(fm.source, fm.source_len, "Bernama");
    check_str(fm.lang, fm.lang_len, "it''s");
    check_str(fm.id, fm.id_len, "x");
    check_str(fm.date, fm.date_len, "\"2025\" later");
    check_str(fm.url, fm.url_len, "");
    assert_int_equal(fm.body, strlen(text));
    assert_int_equal(fm.body_line, 9);
    free(buf);
}

static void test_fm_empty_values(void **state) {
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse("---\ntitle:\ndate:   \nnote:\n---\n", &buf, &fm), 0);
    check_str(fm.title, fm.title_len, "");
    check_str(fm.date, fm.date_len, "");
    assert_null(fm.source);
    assert_int_equal(fm.nextra, 1);
    check_str(fm.extra[0].val, fm.extra[0].val_len, "");
    free(buf);
}

/* Duplicate keys: the last one wins; known keys are case-insensitive. */
static void test_fm_duplicates_and_case(void **state) {
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(
        fm_parse("---\nTitle: A\nTITLE: B\nfoo: 1\nbar: 2\nFOO: 3\nURL: u\n---\n", &buf, &fm), 0);
    check_str(fm.title, fm.title_len, "B");
    check_str(fm.url, fm.url_len, "u");
    assert_int_equal(fm.nextra, 2);
    check_str(fm.extra[0].key, fm.extra[0].key_len, "foo");
    check_str(fm.extra[0].val, fm.extra[0].val_len, "3");
    check_str(fm.extra[1].key, fm.extra[1].key_len, "bar");
    free(buf);
}

/* More than EN_FM_MAX_EXTRA extra keys: the first ones are kept. */
static void test_fm_extra_overflow(void **state) {
    char text[1024];
    size_t n = 0;
    int i;
    en_frontmatter fm;
    char *buf;
    (void)state;
    n += (size_t)snprintf(text + n, sizeof text - n, "---\n");
    for (i = 0; i < EN_FM_MAX_EXTRA + 4; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "k%02d: v%02d\n", i, i);
    n += (size_t)snprintf(text + n, sizeof text - n, "title: T\n---\nBody");
    assert_true(n < sizeof text);
    assert_int_equal(fm_parse(text, &buf, &fm), 0);
    assert_int_equal(fm.present, 1);
    assert_int_equal(fm.nextra, EN_FM_MAX_EXTRA);
    check_str(fm.extra[0].key, fm.extra[0].key_len, "k00");
    check_str(fm.extra[EN_FM_MAX_EXTRA - 1].key, fm.extra[EN_FM_MAX_EXTRA - 1].key_len, "k15");
    check_str(fm.extra[EN_FM_MAX_EXTRA - 1].val, fm.extra[EN_FM_MAX_EXTRA - 1].val_len, "v15");
    check_str(fm.title, fm.title_len, "T");
    assert_int_equal(fm.body, n - 4);
    assert_int_equal(fm.body_line, EN_FM_MAX_EXTRA + 4 + 4);
    free(buf);
}

static void test_fm_comments_blank_dots(void **state) {
    static const char text[] =
        "---\n# a comment\n\n   \n  # indented: comment\ntitle: A\n...\nBody";
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse(text, &buf, &fm), 0);
    check_str(fm.title, fm.title_len, "A");
    assert_int_equal(fm.nextra, 0);
    assert_int_equal(fm.body, strlen(text) - 4);
    assert_int_equal(fm.body_line, 8);
    free(buf);
}

/* A closing line that is the last line, without a newline: the body is
 * empty and starts at len. */
static void test_fm_closing_at_eof(void **state) {
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse("---\ntitle: x\n---", &buf, &fm), 0);
    assert_int_equal(fm.present, 1);
    assert_int_equal(fm.body, 16);
    assert_int_equal(fm.body_line, 4);
    free(buf);
    assert_int_equal(fm_parse("---\n---\n", &buf, &fm), 0);
    assert_int_equal(fm.present, 1);
    assert_int_equal(fm.body, 8);
    assert_int_equal(fm.body_line, 3);
    free(buf);
}

static void test_fm_crlf(void **state) {
    static const char text[] =
        "---  \r\ntitle: A\r\nurl: https://x.org/a\r\nsource: \"Bernama\"\r\n---\t\r\nBody\r\n";
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse(text, &buf, &fm), 0);
    check_str(fm.title, fm.title_len, "A");
    check_str(fm.url, fm.url_len, "https://x.org/a");
    check_str(fm.source, fm.source_len, "Bernama");
    assert_int_equal(fm.body, strstr(text, "Body") - text);
    assert_int_equal(fm.body_line, 6);
    free(buf);
}

static void test_fm_bom(void **state) {
    static const char text[] = BOM "---\ntitle: A\n---\nBody";
    en_frontmatter fm;
    char *buf;
    (void)state;
    assert_int_equal(fm_parse(text, &buf, &fm), 0);
    assert_int_equal(fm.present, 1);
    check_str(fm.title, fm.title_len, "A");
    assert_int_equal(fm.body, strlen(text) - 4);
    assert_int_equal(fm.body_line, 4);
    free(buf);
    /* a BOM without front matter: absent, body 0 */
    assert_int_equal(fm_parse(BOM "Body", &buf, &fm), 0);
    assert_int_equal(fm.present, 0);
    assert_int_equal(fm.body, 0);
    free(buf);
}

/* Check a malformed block: -1, the exact message and line, body 0 and
 * every value cleared. */
static void check_fm_error(const char *text, unsigned line, const char *msg) {
    en_frontmatter fm;
    char *buf;
    assert_int_equal(fm_parse(text, &buf, &fm), -1);
    assert_string_equal(fm.err, msg);
    assert_int_equal(fm.err_line, line);
    assert_int_equal(fm.present, 1);
    assert_int_equal(fm.body, 0);
    assert_null(fm.title);
    assert_int_equal(fm.nextra, 0);
    free(buf);
}

static void test_fm_err_no_colon(void **state) {
    (void)state;
    check_fm_error("---\ntitle: A\nthis line has no colon\n---\nBody\n", 3,
                   "front matter: line 3: expected 'key: value'");
    check_fm_error("---\ntags:\n  - defence\n---\n", 3,
                   "front matter: line 3: expected 'key: value'");
}

static void test_fm_err_no_closing(void **state) {
    (void)state;
    check_fm_error("---\ntitle: A\ndate: 2025\n", 1,
                   "front matter: no closing '---' (opened at line 1)");
    check_fm_error("---", 1, "front matter: no closing '---' (opened at line 1)");
    /* an indented "---" is not a closing line */
    check_fm_error("---\ntitle: A\n# ---\n ---\n", 4,
                   "front matter: line 4: expected 'key: value'");
    check_fm_error("---\ntitle: A\n# ---\n", 1,
                   "front matter: no closing '---' (opened at line 1)");
}

static void test_fm_err_unterminated_quote(void **state) {
    (void)state;
    check_fm_error("---\ntitle: \"Open\n---\n", 2, "front matter: line 2: unterminated quote");
    check_fm_error("---\ntitle: A\nsource: 'Bernama\n---\n", 3,
                   "front matter: line 3: unterminated quote");
    check_fm_error("---\ntitle: \"ends with \\\"\n---\n", 2,
                   "front matter: line 2: unterminated quote");
}

static void test_fm_err_empty_key(void **state) {
    (void)state;
    check_fm_error("---\ntitle: A\n\n# c\n: value\n---\n", 5, "front matter: line 5: empty key");
    check_fm_error("---\n   :\n---\n", 2, "front matter: line 2: empty key");
}

/* Line numbers count CRLF lines and ignore the BOM. */
static void test_fm_err_crlf_bom(void **state) {
    (void)state;
    check_fm_error(BOM "---\r\ntitle: A\r\n\r\n  - item\r\n---\r\n", 4,
                   "front matter: line 4: expected 'key: value'");
}

/* ------------------------------------------------------------------ */
/* Datelines                                                           */
/* ------------------------------------------------------------------ */

typedef struct dl_case {
    const char *dateline; /* the dateline as it should be marked */
    const char *rest;     /* the text after it */
    const char *place, *date, *agency;
    int month, day, year;
} dl_case;

static const dl_case dl_cases[] = {
    {"ROME: ", "Malaysia and Italy met.", "ROME", NULL, NULL, 0, 0, 0},
    {"BERLIN, May 14 " EM_DASH " ", "Talks began.", "BERLIN", "May 14", NULL, 5, 14, 0},
    {"ISTANBUL, Jan 8 " EM_DASH " ", "Talks began.", "ISTANBUL", "Jan 8", NULL, 1, 8, 0},
    {"KUALA LUMPUR, Aug 21 (Bernama) -- ", "Malaysia will buy ships.", "KUALA LUMPUR", "Aug 21",
     "Bernama", 8, 21, 0},
    {"WASHINGTON (Reuters) - ", "The United States said.", "WASHINGTON", NULL, "Reuters", 0, 0, 0},
    {"ANKARA, 8 January 2025 " EN_DASH " ", "Turkiye said.", "ANKARA", "8 January 2025", NULL, 1, 8,
     2025},
    {"NEW DELHI: ", "India and Italy met.", "NEW DELHI", NULL, NULL, 0, 0, 0},
    {"SEOUL, Sept. 3 (Yonhap) -- ", "South Korea said.", "SEOUL", "Sept. 3", "Yonhap", 9, 3, 0},
    {"Jakarta, Jan 9 (ANTARA) - ", "Indonesia said.", "Jakarta", "Jan 9", "ANTARA", 1, 9, 0},
    {"PARIS, Jan. 9 -- ", "France said.", "PARIS", "Jan. 9", NULL, 1, 9, 0},
    {"LONDON, January 31 " EM_DASH " ", "Britain said.", "LONDON", "January 31", NULL, 1, 31, 0},
    {"TOKYO, Sept 30 - ", "Japan said.", "TOKYO", "Sept 30", NULL, 9, 30, 0},
    {"OSLO, SEP 1 - ", "Norway said.", "OSLO", "SEP 1", NULL, 9, 1, 0},
    {"WASHINGTON, May 14, 2025 (AP) " EM_DASH " ", "Officials said.", "WASHINGTON", "May 14, 2025",
     "AP", 5, 14, 2025},
    {"The Hague (Reuters) - ", "Dutch officials said.", "The Hague", NULL, "Reuters", 0, 0, 0},
    {"\xC4\xB0STANBUL, Feb 29 " EM_DASH " ", "Talks.", "\xC4\xB0STANBUL", "Feb 29", NULL, 2, 29, 0},
    {"WASHINGTON D.C., March 3 " EM_DASH " ", "Talks.", "WASHINGTON D.C.", "March 3", NULL, 3, 3,
     0},
    {"KUALA LUMPUR, Aug 21 (Bernama)--", "Text.", "KUALA LUMPUR", "Aug 21", "Bernama", 8, 21, 0},
    {"  ROME: ", "Indented first line.", "ROME", NULL, NULL, 0, 0, 0},
    {"ROME: ", "\xE2\x80\x9CWe agree,\xE2\x80\x9D he said.", "ROME", NULL, NULL, 0, 0, 0},
};

/* Every dateline form: the span, place, date, month/day/year, agency. */
static void test_dateline_forms(void **state) {
    size_t i;
    (void)state;
    for (i = 0; i < sizeof dl_cases / sizeof dl_cases[0]; i++) {
        const dl_case *c = &dl_cases[i];
        char text[256];
        detected d;
        size_t lead = strspn(c->dateline, " ");
        snprintf(text, sizeof text, "%s%s\n\nMore text follows here.\n", c->dateline, c->rest);
        detect(text, &d);
        if (d.m.nspans != 1) fail_msg("case %zu (%s): %zu spans", i, c->dateline, d.m.nspans);
        check_span(&d.m, 0, lead, strlen(c->dateline), EN_SPAN_DATELINE);
        check_str(d.m.place, d.m.place_len, c->place);
        check_str(d.m.date, d.m.date_len, c->date);
        check_str(d.m.agency, d.m.agency_len, c->agency);
        assert_int_equal(d.m.month, c->month);
        assert_int_equal(d.m.day, c->day);
        assert_int_equal(d.m.year, c->year);
        done(&d);
    }
}

/* Texts whose start is not a dateline. */
static void test_dateline_negatives(void **state) {
    static const char *const texts[] = {
        "NATO allies met on Monday.",
        "The U.S. said on Monday it would send ships.",
        "Malaysia and Italy agreed to deepen ties.",
        "Rome, May 14 " EM_DASH " Italy said it would buy ships.", /* title case, no agency */
        "Rome: Italy said.",
        "G20: Leaders met in Rome.",                          /* digits */
        "F-16: Jets were delivered.",                         /* digits */
        "UK: Britain said.",                                  /* fewer than 3 letters */
        "THE UNITED STATES OF AMERICA: Officials said so.",   /* more than 4 words */
        "THE UNITED STATES OF AMERICA (Reuters) - Officials", /* more than 4 words */
        "BERLIN, May 32 " EM_DASH " Talks.",                  /* no such day */
        "BERLIN, Feb 30 " EM_DASH " Talks.",
        "BERLIN, Mayday 14 " EM_DASH " Talks.",
        "BERLIN, May 14 Talks began.", /* no dash */
        "BERLIN, May 140 " EM_DASH " Talks.",
        "ROME:Malaysia and Italy met.",                        /* no space after the colon */
        "ROME: malaysia and italy met.",                       /* no sentence after the colon */
        "ROME: ",                                              /* nothing after it */
        "ROME (Reuters and five other news agencies) - Talks", /* not an agency */
        "ROME (Reuters",                                       /* truncated */
        "KUALA LUMPUR, Aug",                                   /* truncated */
        "KUALA LUMPUR, Aug 21 (Bernama)",                      /* no dash */
        "Why it matters: The visit signals intent.",
        "Italy deepens defence ties with Bangladesh",
        "Editorial by A. Writer, Ambassador (2021" EN_DASH "2025)",
        "Malaysia and Italy met.\n\nROME: Talks continued.", /* not the first paragraph */
        "Talks began in Rome.\nMINDEF: The ministry said so.",
        "Prime Minister Anwar Ibrahim (left) - shown at the meeting.", /* a caption */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        detected d;
        detect(texts[i], &d);
        if (d.m.nspans != 0 || d.m.place)
            fail_msg("case %zu (%s): %zu spans", i, texts[i], d.m.nspans);
        assert_null(d.m.date);
        assert_int_equal(d.m.month, 0);
        done(&d);
    }
}

/* Only the first non-boilerplate paragraph may hold the dateline; blank
 * lines and boilerplate before it do not count. */
static void test_dateline_after_boilerplate(void **state) {
    static const char text[] = "\n\nAdvertisement\n\nROME: Talks began.\n";
    detected d;
    (void)state;
    detect(text, &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 2, 15, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 17, 23, EN_SPAN_DATELINE);
    check_str(d.m.place, d.m.place_len, "ROME");
    done(&d);
}

/* Story labels are boilerplate, never places. */
static void test_story_labels(void **state) {
    detected d;
    (void)state;

    detect("ANALYSIS: Italy's role in Asia is growing.", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 0, 10, EN_SPAN_BOILERPLATE);
    assert_null(d.m.place);
    done(&d);

    detect("BREAKING NEWS: Ships were sold.", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 0, 15, EN_SPAN_BOILERPLATE);
    done(&d);

    detect("OPINION: Why Italy matters.", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 0, 9, EN_SPAN_BOILERPLATE);
    assert_null(d.m.place);
    done(&d);

    /* a label, then the dateline after it */
    detect("UPDATE: WASHINGTON (Reuters) - The United States said.", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 8, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 8, 31, EN_SPAN_DATELINE);
    check_str(d.m.place, d.m.place_len, "WASHINGTON");
    check_str(d.m.agency, d.m.agency_len, "Reuters");
    done(&d);

    /* a label on a line of its own, then the first paragraph */
    detect("EXCLUSIVE:\n\nROME: Talks began.", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 10, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 12, 18, EN_SPAN_DATELINE);
    done(&d);

    /* a label alone as a place: not a dateline */
    detect("EXCLUSIVE, May 14 " EM_DASH " Talks began.", &d);
    assert_null(d.m.place);
    assert_int_equal(d.m.nspans, 0);
    done(&d);

    /* lower case: ordinary text */
    detect("Update: the ministry said it would reply.", &d);
    assert_int_equal(d.m.nspans, 0);
    done(&d);
}

/* ------------------------------------------------------------------ */
/* Sign-off                                                            */
/* ------------------------------------------------------------------ */

static void test_signoff(void **state) {
    detected d;
    (void)state;

    detect("ROME: Talks began.\n" EM_DASH " Bernama", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 6, EN_SPAN_DATELINE);
    check_span(&d.m, 1, 19, 30, EN_SPAN_SIGNOFF);
    check_str(d.m.agency, d.m.agency_len, "Bernama");
    done(&d);

    /* trailing blank lines after it */
    detect("Talks began.\n-- Reuters\n\n  \n", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 13, 23, EN_SPAN_SIGNOFF);
    check_str(d.m.agency, d.m.agency_len, "Reuters");
    done(&d);

    detect("Talks began.\n- AFP\n", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 13, 18, EN_SPAN_SIGNOFF);
    check_str(d.m.agency, d.m.agency_len, "AFP");
    done(&d);

    detect("Talks began.\n" EN_DASH " Agence France-Presse", &d);
    assert_int_equal(d.m.nspans, 1);
    check_str(d.m.agency, d.m.agency_len, "Agence France-Presse");
    done(&d);

    /* the dateline's agency wins over the sign-off's */
    detect("KUALA LUMPUR, Aug 21 (Bernama) -- Talks.\n" EM_DASH " Reuters", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 1, 41, 52, EN_SPAN_SIGNOFF);
    check_str(d.m.agency, d.m.agency_len, "Bernama");
    done(&d);

    /* boilerplate after the sign-off */
    detect("Talks began.\n" EM_DASH " Bernama\n\nSubscribe to our newsletter\n", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 13, 24, EN_SPAN_SIGNOFF);
    check_span(&d.m, 1, 26, 53, EN_SPAN_BOILERPLATE);
    done(&d);

    /* CRLF: the span stops before \r */
    detect("Talks began.\r\n" EM_DASH " Bernama\r\n", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 14, 25, EN_SPAN_SIGNOFF);
    done(&d);
}

static void test_signoff_negatives(void **state) {
    static const char *const texts[] = {
        "Talks began.\n" EM_DASH " said the minister.",
        "Talks began.\n" EM_DASH " Four Capitalised Words Here",
        EM_DASH " Bernama\nText after the dash line.",
        "Items:\n- Leonardo\n- Fincantieri\n",
        "Talks began.\n" EM_DASH,
        "Talks began.\n" EM_DASH " Bernama 2025",
        "Talks began.\n(18 October 2021 " EN_DASH " 8 June 2025)\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        detected d;
        detect(texts[i], &d);
        if (d.m.nspans != 0) fail_msg("case %zu: %zu spans", i, d.m.nspans);
        assert_null(d.m.agency);
        done(&d);
    }
}

/* ------------------------------------------------------------------ */
/* Boilerplate                                                         */
/* ------------------------------------------------------------------ */

static void test_breadcrumbs(void **state) {
    static const char *const crumbs[] = {
        "Home " RAQUO " World",
        "Home > News > Asia",
        "News / Asia",
        "Homepage " RSAQUO " Defence",
        "HOME " RAQUO " WORLD " RAQUO " Italy deepens ties with Bangladesh amid focus",
        "Home" RAQUO "World",
        RAQUO " World " RAQUO " Asia",
        "/ News / Asia",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof crumbs / sizeof crumbs[0]; i++) {
        char text[256];
        detected d;
        size_t n = strlen(crumbs[i]);
        snprintf(text, sizeof text, "%s\nMalaysia and Italy agreed to deepen ties.\n", crumbs[i]);
        detect(text, &d);
        if (d.m.nspans != 1) fail_msg("case %zu (%s): %zu spans", i, crumbs[i], d.m.nspans);
        check_span(&d.m, 0, 0, n, EN_SPAN_BOILERPLATE);
        done(&d);
    }
}

static void test_breadcrumb_negatives(void **state) {
    static const char *const texts[] = {
        "> Italy > France said the minister\nMore text here now.",
        "> Italy > France\nMore text here now.",
        "Home is where the heart is.\nMore.",
        "Home /\nMore text here now.",
        "News and/or views on defence.\nMore.",
        RAQUO " world " RAQUO " asia\nMore text here now.",
        RAQUO " World\nMore text here now.",
        "Homes > Flats\nMore text here now.",
        "Talks began. Home " RAQUO " World\nMore.",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        detected d;
        detect(texts[i], &d);
        if (d.m.nspans != 0) fail_msg("case %zu (%s): %zu spans", i, texts[i], d.m.nspans);
        done(&d);
    }
}

/* A section label right after a breadcrumb is boilerplate; the headline
 * after it is not (the shape of seed 003). */
static void test_section_label_after_crumb(void **state) {
    static const char text[] = "Home " RAQUO " Italy deepens ties\n"
                               "World\n"
                               "\n"
                               "Italy deepens defence ties with Bangladesh amid focus\n"
                               "\n"
                               "Italy is stepping up its defence engagement.\n";
    detected d;
    (void)state;
    detect(text, &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 26, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 27, 32, EN_SPAN_BOILERPLATE);
    assert_null(d.m.place);
    done(&d);

    /* a three-word label, separated by a blank line; a short headline
     * after it stays text */
    detect("Home > Defence\n\nAsia & Pacific\n\nShips Sold\n", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 14, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 16, 30, EN_SPAN_BOILERPLATE);
    done(&d);

    /* the dateline after crumb and label */
    detect("Home " RAQUO " World\nAsia\n\nBERLIN, May 14 " EM_DASH " Talks.", &d);
    assert_int_equal(d.m.nspans, 3);
    check_span(&d.m, 2, 20, 39, EN_SPAN_DATELINE);
    done(&d);
}

static void test_section_label_top(void **state) {
    static const char *const negatives[] = {
        "Defence\nMalaysia and Italy agreed to deepen ties.\n",      /* no blank line */
        "Defence\n\nShort text.\n",                                  /* not a longer text */
        "Defence ties deepen\n\nMalaysia and Italy agreed to ties.", /* a headline */
        "Defence.\n\nMalaysia and Italy agreed to deepen ties.\n",   /* final punctuation */
        "Why it matters:\n\nMalaysia and Italy agreed to deepen ties.",
        "G20 Summit\n\nLeaders met in Rome on Monday to talk.\n", /* digits */
        "Four Word Title Case\n\nMalaysia and Italy agreed to deepen ties.\n",
        "Malaysia and Italy agreed.\nWorld\n\nMore text is written here.\n", /* not the top */
    };
    detected d;
    size_t i;
    (void)state;

    detect("Defence\n\nMalaysia and Italy agreed to deepen ties.\n", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 0, 7, EN_SPAN_BOILERPLATE);
    done(&d);

    detect("\n  Middle East  \n\nROME: Malaysia and Italy agreed to deepen ties.\n", &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 1, 16, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 18, 24, EN_SPAN_DATELINE);
    done(&d);

    /* a label must head a longer text: two short lines stay text */
    detect("World\n\nAsia\n\nMalaysia and Italy agreed to deepen ties.\n", &d);
    assert_int_equal(d.m.nspans, 0);
    done(&d);

    for (i = 0; i < sizeof negatives / sizeof negatives[0]; i++) {
        detect(negatives[i], &d);
        if (d.m.nspans != 0) fail_msg("case %zu (%s): %zu spans", i, negatives[i], d.m.nspans);
        done(&d);
    }
}

/* Each stock phrase, as a line of its own between two lines of text. */
static void test_stock_phrases(void **state) {
    static const char *const lines[] = {
        "Subscribe to our newsletter",
        "SUBSCRIBE TO OUR NEWSLETTER!",
        "Sign up for our daily briefing",
        "Read more",
        ("Read more " RAQUO),
        "Read more...",
        "Read more: Italy and Malaysia sign a deal",
        "Also read: Italy and Malaysia sign a deal",
        "Share this article",
        "Share:",
        "Advertisement",
        "ADVERTISEMENT",
        "  Advertisement  ",
        "Follow us on Twitter and Facebook",
        "Click here to subscribe",
        "All rights reserved.",
        "Copyright \xC2\xA9 2025 Bernama. All rights reserved.",
        "Copyright 2025 Reuters",
        "Copyright (c) The Star",
        "\xC2\xA9 2025 The Star",
        "Continue reading",
        "Skip to content",
        "Read  more \xE2\x80\xA6",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char text[256];
        detected d;
        snprintf(text, sizeof text, "Talks began.\n%s\nThe talks went on.\n", lines[i]);
        detect(text, &d);
        if (d.m.nspans != 1) fail_msg("case %zu (%s): %zu spans", i, lines[i], d.m.nspans);
        check_span(&d.m, 0, 13, 13 + strlen(lines[i]), EN_SPAN_BOILERPLATE);
        done(&d);
    }
}

/* Lines that start like a stock phrase but are text. */
static void test_stock_negatives(void **state) {
    static const char *const lines[] = {
        "Why it matters:",
        "Read more about the deal in the archive, officials said.",
        "Copyright disputes were also discussed.",
        "Advertisements for the tender were published in March.",
        "Share prices rose.",
        "Subscribers received the report.",
        "The minister said: read more.",
        "Sharing technology matters.",
        "Reading more into it would be wrong.",
        "Clicking here was easy.",
        "What they're saying: Perego argued for peace.",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char text[256];
        detected d;
        snprintf(text, sizeof text, "Talks began.\n%s\nThe talks went on.\n", lines[i]);
        detect(text, &d);
        if (d.m.nspans != 0) fail_msg("case %zu (%s): %zu spans", i, lines[i], d.m.nspans);
        done(&d);
    }
}

/* More boilerplate lines than spans: the list stays sorted and the
 * sign-off at the end keeps its place. */
static void test_span_capacity(void **state) {
    char *text = malloc(4096);
    size_t n = 0;
    int i;
    detected d;
    (void)state;
    assert_non_null(text);
    n += (size_t)snprintf(text + n, 4096 - n, "ROME: Talks began.\n");
    for (i = 0; i < 100; i++) n += (size_t)snprintf(text + n, 4096 - n, "Advertisement\n");
    n += (size_t)snprintf(text + n, 4096 - n, "Share this article\n" EM_DASH " Bernama\n");
    detect_n(text, n, &d);
    assert_int_equal(d.m.nspans, EN_META_MAX_SPANS);
    check_span(&d.m, 0, 0, 6, EN_SPAN_DATELINE);
    check_span(&d.m, 1, 19, 32, EN_SPAN_BOILERPLATE);
    check_span(&d.m, EN_META_MAX_SPANS - 1, n - 12, n - 1, EN_SPAN_SIGNOFF);
    done(&d);
    free(text);
}

/* ------------------------------------------------------------------ */
/* Line endings, BOM, empty, garbage, size                             */
/* ------------------------------------------------------------------ */

static void test_detect_crlf(void **state) {
    static const char text[] = "Home " RAQUO " World\r\n"
                               "World\r\n"
                               "\r\n"
                               "ROME: Talks began.\r\n"
                               "\r\n"
                               "Advertisement\r\n"
                               "More text here.\r\n" EM_DASH " Bernama\r\n";
    detected d;
    (void)state;
    detect(text, &d);
    assert_int_equal(d.m.nspans, 5);
    check_span(&d.m, 0, 0, 13, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 1, 15, 20, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 2, 24, 30, EN_SPAN_DATELINE);
    check_span(&d.m, 3, 46, 59, EN_SPAN_BOILERPLATE);
    check_span(&d.m, 4, 78, 89, EN_SPAN_SIGNOFF);
    check_str(d.m.place, d.m.place_len, "ROME");
    done(&d);
}

static void test_detect_bom(void **state) {
    detected d;
    (void)state;
    detect(BOM "ROME: Talks began.", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 3, 9, EN_SPAN_DATELINE);
    done(&d);
    detect(BOM "Advertisement\nTalks began.", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 3, 16, EN_SPAN_BOILERPLATE);
    done(&d);
    detect(BOM EM_DASH " Bernama", &d);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 3, 14, EN_SPAN_SIGNOFF);
    done(&d);
}

static void test_detect_empty(void **state) {
    en_textmeta m;
    detected d;
    (void)state;
    en_detect_meta(NULL, 0, &m);
    assert_int_equal(m.nspans, 0);
    assert_null(m.place);
    assert_null(m.agency);
    detect_n("", 0, &d);
    assert_int_equal(d.m.nspans, 0);
    done(&d);
    detect("\n\n  \r\n\t\n", &d);
    assert_int_equal(d.m.nspans, 0);
    done(&d);
    detect("\n", &d);
    assert_int_equal(d.m.nspans, 0);
    done(&d);
    en_detect_meta("x", 1, NULL); /* no crash */
}

/* Random bytes, biased towards the marks the parsers look at, must not
 * crash or break the invariants (the sanitizers do the rest). */
static void test_random_bytes(void **state) {
    static const char *const atoms[] = {"ROME",
                                        "KUALA LUMPUR",
                                        ":",
                                        ", ",
                                        "May 14",
                                        "Sept.",
                                        " (",
                                        "Bernama",
                                        ")",
                                        " -- ",
                                        "-",
                                        EM_DASH,
                                        EN_DASH,
                                        "\n",
                                        "\r\n",
                                        " ",
                                        "Home",
                                        RAQUO,
                                        " > ",
                                        " / ",
                                        "World",
                                        "---",
                                        "...",
                                        "title",
                                        ": ",
                                        "\"",
                                        "'",
                                        "\\",
                                        "#",
                                        BOM,
                                        "Advertisement",
                                        "\xC2",
                                        "\xE2\x80",
                                        "\xF0",
                                        "\xFF",
                                        "\0",
                                        "8 January 2025",
                                        "Read more",
                                        "(c)",
                                        "\xC2\xA0",
                                        "UPDATE"};
    uint32_t seed = 12345;
    char buf[600];
    int iter;
    (void)state;
    for (iter = 0; iter < 4000; iter++) {
        size_t n = 0, target;
        seed = seed * 1103515245u + 12345u;
        target = (seed >> 16) % 512;
        while (n < target) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 16;
            if (iter % 2 == 0 || r % 3 == 0) {
                buf[n++] = (char)(r & 0xFF);
            } else {
                const char *a = atoms[r % (sizeof atoms / sizeof atoms[0])];
                size_t k = a[0] ? strlen(a) : 1;
                if (n + k > sizeof buf) break;
                memcpy(buf + n, a, k);
                n += k;
            }
        }
        detected d;
        detect_n(buf, n, &d);
        done(&d);
        en_frontmatter fm;
        char *copy = dup_exact(buf, n);
        int rc = en_front_matter(copy, n, &fm);
        assert_true(rc == 0 || rc == -1);
        assert_true(fm.body <= n);
        assert_true(fm.nextra <= EN_FM_MAX_EXTRA);
        if (rc == -1) assert_true(fm.err[0] != 0 && fm.body == 0);
        free(copy);
        if (n >= 4) { /* the same bytes behind an opening line */
            memcpy(buf, "---\n", 4);
            copy = dup_exact(buf, n);
            rc = en_front_matter(copy, n, &fm);
            assert_true(fm.present == 1);
            assert_true(rc == 0 ? fm.err[0] == 0 : fm.err_line >= 1);
            free(copy);
        }
    }
}

/* Several megabytes ending without a newline: linear time, dateline at
 * the start, sign-off at the very end. */
static void test_huge_input(void **state) {
    static const char para[] = "Malaysia and Italy agreed to deepen defence ties on Monday.\n\n";
    const size_t size = 6u << 20;
    char *text = malloc(size + 64);
    size_t n = 0;
    detected d;
    (void)state;
    assert_non_null(text);
    memcpy(text, "ROME: Talks began.\n\n", 20);
    n = 20;
    while (n + sizeof para < size) {
        memcpy(text + n, para, sizeof para - 1);
        n += sizeof para - 1;
    }
    memcpy(text + n, EM_DASH " Bernama", 11);
    n += 11;
    detect_n(text, n, &d);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 6, EN_SPAN_DATELINE);
    check_span(&d.m, 1, n - 11, n, EN_SPAN_SIGNOFF);
    done(&d);

    /* one huge line of capitals, no newline at all */
    memset(text, 'A', size);
    detect_n(text, size, &d);
    assert_int_equal(d.m.nspans, 0);
    done(&d);

    /* a front matter block that never closes */
    memcpy(text, "---\n", 4);
    for (n = 4; n + 9 <= size; n += 9) memcpy(text + n, "key: val\n", 9);
    {
        en_frontmatter fm;
        char *copy = dup_exact(text, n);
        assert_int_equal(en_front_matter(copy, n, &fm), -1);
        assert_string_equal(fm.err, "front matter: no closing '---' (opened at line 1)");
        free(copy);
    }
    free(text);
}

static void test_spankind_name(void **state) {
    (void)state;
    assert_string_equal(en_spankind_name(EN_SPAN_DATELINE), "dateline");
    assert_string_equal(en_spankind_name(EN_SPAN_SIGNOFF), "signoff");
    assert_string_equal(en_spankind_name(EN_SPAN_BOILERPLATE), "boilerplate");
    assert_null(en_spankind_name(0));
    assert_null(en_spankind_name(99));
}

/* ------------------------------------------------------------------ */
/* Seed articles                                                       */
/* ------------------------------------------------------------------ */

/* Read SEEDS_DIR/articles/<name> into an exact-size buffer. */
static char *read_seed(const char *name, size_t *len) {
    char path[1024];
    FILE *f;
    long n;
    char *buf;

    snprintf(path, sizeof path, "%s/articles/%s", SEEDS_DIR, name);
    f = fopen(path, "rb");
    if (!f) fail_msg("cannot open seed %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void detect_seed(const char *name, detected *d) {
    d->buf = read_seed(name, &d->len);
    en_detect_meta(d->buf, d->len, &d->m);
    check_invariants(d->buf, d->len, &d->m);
}

static void test_seed_000(void **state) {
    detected d;
    (void)state;
    detect_seed("000_bda39093d530b252.txt", &d);
    assert_int_equal(d.len, 2812);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 0, 6, EN_SPAN_DATELINE);
    check_str(d.m.place, d.m.place_len, "ROME");
    assert_null(d.m.date);
    assert_int_equal(d.m.month, 0);
    assert_int_equal(d.m.day, 0);
    assert_null(d.m.agency);
    done(&d);
}

static void test_seed_001(void **state) {
    detected d;
    (void)state;
    detect_seed("001_87289fdbf678c3dc.txt", &d);
    assert_int_equal(d.len, 2255);
    assert_int_equal(d.m.nspans, 2);
    check_span(&d.m, 0, 0, 19, EN_SPAN_DATELINE);
    check_span(&d.m, 1, 2244, 2255, EN_SPAN_SIGNOFF);
    check_str(d.m.place, d.m.place_len, "BERLIN");
    check_str(d.m.date, d.m.date_len, "May 14");
    assert_int_equal(d.m.month, 5);
    assert_int_equal(d.m.day, 14);
    assert_int_equal(d.m.year, 0);
    check_str(d.m.agency, d.m.agency_len, "Bernama");
    done(&d);
}

static void test_seed_002(void **state) {
    detected d;
    (void)state;
    detect_seed("002_2b24e123b4c10f0d.txt", &d);
    assert_int_equal(d.len, 4488);
    assert_int_equal(d.m.nspans, 0);
    assert_null(d.m.place);
    assert_null(d.m.agency);
    assert_int_equal(d.m.month, 0);
    done(&d);
}

static void test_seed_003(void **state) {
    detected d;
    (void)state;
    detect_seed("003_1dfdc79254ecc646.txt", &d);
    assert_int_equal(d.len, 2503);
    assert_int_equal(d.m.nspans, 3);
    check_span(&d.m, 0, 0, 74, EN_SPAN_BOILERPLATE);      /* breadcrumb */
    check_span(&d.m, 1, 75, 80, EN_SPAN_BOILERPLATE);     /* section label */
    check_span(&d.m, 2, 2476, 2503, EN_SPAN_BOILERPLATE); /* newsletter */
    assert_null(d.m.place);
    assert_int_equal(d.m.month, 0);
    done(&d);
}

static void test_seed_004(void **state) {
    detected d;
    (void)state;
    detect_seed("004_2d44f72f5ea98886.txt", &d);
    assert_int_equal(d.len, 3772);
    assert_int_equal(d.m.nspans, 1);
    check_span(&d.m, 0, 0, 20, EN_SPAN_DATELINE);
    check_str(d.m.place, d.m.place_len, "ISTANBUL");
    check_str(d.m.date, d.m.date_len, "Jan 8");
    assert_int_equal(d.m.month, 1);
    assert_int_equal(d.m.day, 8);
    assert_null(d.m.agency);
    done(&d);
}

/* The seeds have no front matter. */
static void test_seeds_no_front_matter(void **state) {
    static const char *const names[] = {
        "000_bda39093d530b252.txt", "001_87289fdbf678c3dc.txt", "002_2b24e123b4c10f0d.txt",
        "003_1dfdc79254ecc646.txt", "004_2d44f72f5ea98886.txt",
    };
    size_t i, len;
    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        en_frontmatter fm;
        char *buf = read_seed(names[i], &len);
        assert_int_equal(en_front_matter(buf, len, &fm), 0);
        assert_int_equal(fm.present, 0);
        assert_int_equal(fm.body, 0);
        free(buf);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fm_absent),
        cmocka_unit_test(test_fm_empty_input),
        cmocka_unit_test(test_fm_basic),
        cmocka_unit_test(test_fm_quotes),
        cmocka_unit_test(test_fm_empty_values),
        cmocka_unit_test(test_fm_duplicates_and_case),
        cmocka_unit_test(test_fm_extra_overflow),
        cmocka_unit_test(test_fm_comments_blank_dots),
        cmocka_unit_test(test_fm_closing_at_eof),
        cmocka_unit_test(test_fm_crlf),
        cmocka_unit_test(test_fm_bom),
        cmocka_unit_test(test_fm_err_no_colon),
        cmocka_unit_test(test_fm_err_no_closing),
        cmocka_unit_test(test_fm_err_unterminated_quote),
        cmocka_unit_test(test_fm_err_empty_key),
        cmocka_unit_test(test_fm_err_crlf_bom),
        cmocka_unit_test(test_dateline_forms),
        cmocka_unit_test(test_dateline_negatives),
        cmocka_unit_test(test_dateline_after_boilerplate),
        cmocka_unit_test(test_story_labels),
        cmocka_unit_test(test_signoff),
        cmocka_unit_test(test_signoff_negatives),
        cmocka_unit_test(test_breadcrumbs),
        cmocka_unit_test(test_breadcrumb_negatives),
        cmocka_unit_test(test_section_label_after_crumb),
        cmocka_unit_test(test_section_label_top),
        cmocka_unit_test(test_stock_phrases),
        cmocka_unit_test(test_stock_negatives),
        cmocka_unit_test(test_span_capacity),
        cmocka_unit_test(test_detect_crlf),
        cmocka_unit_test(test_detect_bom),
        cmocka_unit_test(test_detect_empty),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_huge_input),
        cmocka_unit_test(test_spankind_name),
        cmocka_unit_test(test_seed_000),
        cmocka_unit_test(test_seed_001),
        cmocka_unit_test(test_seed_002),
        cmocka_unit_test(test_seed_003),
        cmocka_unit_test(test_seed_004),
        cmocka_unit_test(test_seeds_no_front_matter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
