/*
 * test_gazetteer.c: unit tests of the phrase matcher (engine/gazetteer.c).
 *
 * Small hand-made gazetteers pin one rule each (longest match, leftmost
 * non-overlapping hits, folding, exact entries, several values, phrases
 * with punctuation, paragraph boundaries, sub-ranges). A generated load of
 * 100,000 phrases checks that every phrase loads and that a sample of them
 * matches; it prints the load time and matching rates (timings are never
 * asserted: they depend on the machine).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gazetteer.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* A text ready for matching: its tokens and folded tokens. */
typedef struct doc {
    const char *text;
    size_t len;
    en_tokens toks;
    en_buf fold;
    en_ftok *ftok;
} doc;

static void doc_open(doc *d, const char *text, size_t len) {
    memset(d, 0, sizeof *d);
    d->text = text;
    d->len = len;
    assert_int_equal(en_tokenize(text, len, &d->toks), 0);
    d->ftok = calloc(d->toks.n ? d->toks.n : 1, sizeof *d->ftok);
    assert_non_null(d->ftok);
    assert_int_equal(en_fold_tokens(text, d->toks.v, d->toks.n, &d->fold, d->ftok), 0);
}

static void doc_close(doc *d) {
    en_tokens_free(&d->toks);
    en_buf_free(&d->fold);
    free(d->ftok);
}

static void add(en_gaz *g, const char *phrase, uint32_t value, unsigned flags) {
    assert_int_equal(en_gaz_add(g, phrase, strlen(phrase), value, flags), 0);
}

/* Render hits as "covered text=v1,v2" joined by '|' into out. */
static void render(const en_gaz *g, const doc *d, const en_gaz_hits *h, en_buf *out) {
    const uint32_t *vals = en_gaz_values(g);
    for (size_t i = 0; i < h->n; i++) {
        const en_gaz_hit *x = &h->v[i];
        assert_true(x->ntok > 0);
        assert_true(x->nvalues > 0);
        const en_token *a = &d->toks.v[x->tok_first], *b = &d->toks.v[x->tok_first + x->ntok - 1];
        if (i) assert_int_equal(en_buf_append(out, "|", 1), 0);
        assert_int_equal(en_buf_append(out, d->text + a->start, b->stop - a->start), 0);
        for (uint32_t k = 0; k < x->nvalues; k++) {
            char num[16];
            int n = snprintf(num, sizeof num, "%c%u", k ? ',' : '=', vals[x->values + k]);
            assert_int_equal(en_buf_append(out, num, (size_t)n), 0);
        }
    }
}

/* Match tokens [first, first+count) of text (count SIZE_MAX: all of them)
 * and compare the rendered hits with want. */
static void expect_range(const en_gaz *g, const char *text, size_t first, size_t count,
                         const char *want) {
    doc d;
    doc_open(&d, text, strlen(text));
    if (count == SIZE_MAX) count = d.toks.n - first;
    en_gaz_hits h = {0};
    en_buf got = {0};
    assert_int_equal(en_gaz_match(g, d.text, d.toks.v, d.ftok, first, count, &h), 0);
    render(g, &d, &h, &got);
    assert_string_equal(got.len ? got.data : "", want);
    en_buf_free(&got);
    en_gaz_hits_free(&h);
    doc_close(&d);
}

static void expect(const en_gaz *g, const char *text, const char *want) {
    expect_range(g, text, 0, SIZE_MAX, want);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ */
/* Folding tokens                                                      */
/* ------------------------------------------------------------------ */

static void test_fold_tokens(void **state) {
    (void)state;
    const char *text = "Türkiye's ERDOĞAN — “hi”";
    en_tokens t = {0};
    en_buf b = {0};
    assert_int_equal(en_buf_append(&b, "prefix", 6), 0); /* folds are appended */
    assert_int_equal(en_tokenize(text, strlen(text), &t), 0);
    en_ftok f[8];
    assert_true(t.n <= 8);
    assert_int_equal(en_fold_tokens(text, t.v, t.n, &b, f), 0);
    const char *want[] = {"turkiye", "'s", "erdogan", "-", "\"", "hi", "\""};
    assert_int_equal(t.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(f[i].len, strlen(want[i]));
        assert_memory_equal(f[i].s, want[i], f[i].len);
    }
    assert_ptr_equal(f[0].s, b.data + 6);
    assert_int_equal(en_fold_tokens(text, t.v, 0, &b, f), 0);
    en_buf_free(&b);
    en_tokens_free(&t);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

static void test_single_and_multi(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "Malaysia", 1, 0);
    add(g, "Kuala Lumpur", 2, 0);
    add(g, "Ministry of Foreign Affairs", 3, 0);
    assert_int_equal(en_gaz_phrases(g), 3);
    assert_int_equal(en_gaz_size(g), 3);
    expect(g, "Malaysia's Ministry of Foreign Affairs in Kuala Lumpur said.",
           "Malaysia=1|Ministry of Foreign Affairs=3|Kuala Lumpur=2");
    /* A prefix of a phrase alone is no match. */
    expect(g, "Kuala and the Ministry of Foreign trade", "");
    expect(g, "Lumpur Kuala", "");
    en_gaz_free(g);
}

static void test_longest_wins(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "Korea", 1, 0);
    add(g, "South Korea", 2, 0);
    add(g, "Korea Aerospace Industries", 3, 0);
    add(g, "Korea Aerospace", 4, 0);
    expect(g, "South Korea and Korea Aerospace Industries and Korea Aerospace Ltd and Korea.",
           "South Korea=2|Korea Aerospace Industries=3|Korea Aerospace=4|Korea=1");
    /* A walk that goes deeper than the longest phrase falls back to it. */
    expect(g, "Korea Aerospace Indus", "Korea Aerospace=4");
    en_gaz_free(g);
}

static void test_leftmost_nonoverlapping(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "South Korea", 1, 0);
    add(g, "Korea Aerospace Industries", 2, 0);
    add(g, "Industries Minister", 3, 0);
    add(g, "Minister", 4, 0);
    /* Leftmost first, even when a later start would cover more. */
    expect(g, "South Korea Aerospace Industries Minister", "South Korea=1|Industries Minister=3");
    expect(g, "Korea Aerospace Industries Minister", "Korea Aerospace Industries=2|Minister=4");
    expect(g, "Minister Minister", "Minister=4|Minister=4");
    en_gaz_free(g);
}

static void test_folding(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "Türkiye", 1, 0);
    add(g, "Recep Tayyip Erdoğan", 2, 0);
    add(g, "ISTANBUL", 3, 0);
    expect(g, "Türkiye, Turkiye, TURKIYE and TÜRKİYE.", "Türkiye=1|Turkiye=1|TURKIYE=1|TÜRKİYE=1");
    expect(g, "President Recep Tayyip Erdogan of turkiye", "Recep Tayyip Erdogan=2|turkiye=1");
    expect(g, "RECEP TAYYIP ERDOĞAN in Istanbul", "RECEP TAYYIP ERDOĞAN=2|Istanbul=3");
    /* Adding a phrase under another spelling of the same key extends it. */
    add(g, "turkiye", 4, 0);
    assert_int_equal(en_gaz_phrases(g), 3);
    expect(g, "Türkiye", "Türkiye=1,4");
    en_gaz_free(g);
}

static void test_exact(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "US", 1, EN_GAZ_EXACT);
    add(g, "United States", 2, 0);
    expect(g, "The US told us that the United States and the Us and U.S. agree.",
           "US=1|United States=2");
    /* An exact phrase that fails falls back to a shorter one. */
    add(g, "WHO", 3, EN_GAZ_EXACT);
    add(g, "WHO chief", 4, EN_GAZ_EXACT);
    expect(g, "WHO chief, WHO Chief, who chief, WHO.", "WHO chief=4|WHO=3|WHO=3");
    /* Exact means byte-equal: diacritics count too. */
    add(g, "ÇAĞ", 5, EN_GAZ_EXACT);
    expect(g, "CAG ÇAĞ çağ", "ÇAĞ=5");
    en_gaz_free(g);
}

static void test_exact_and_folded(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "AIDS", 1, EN_GAZ_EXACT);
    add(g, "Aids", 2, EN_GAZ_EXACT);
    add(g, "aids", 3, 0);
    add(g, "AIDS", 4, EN_GAZ_EXACT);
    assert_int_equal(en_gaz_phrases(g), 3);
    assert_int_equal(en_gaz_size(g), 4);
    /* An exact form carries the values of the folded entry too. */
    expect(g, "AIDS Aids aids aIDS", "AIDS=1,3,4|Aids=2,3|aids=3|aIDS=3");
    add(g, "AIDS", 3, 0); /* the folded entry already has 3 */
    add(g, "aids", 5, 0);
    assert_int_equal(en_gaz_size(g), 5);
    expect(g, "AIDS Aids aids", "AIDS=1,3,4,5|Aids=2,3,5|aids=3,5");
    /* An exact entry added after the folded one starts with its values. */
    add(g, "nato", 6, 0);
    add(g, "Nato", 7, 0);
    add(g, "NATO", 8, EN_GAZ_EXACT);
    add(g, "NATO", 6, EN_GAZ_EXACT); /* already there, as a folded value */
    expect(g, "NATO nato", "NATO=6,7,8|nato=6,7");
    en_gaz_free(g);
}

static void test_several_values(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "Georgia", 10, 0);
    add(g, "Paris", 20, 0);
    add(g, "Georgia", 11, 0);
    add(g, "Paris", 21, 0);
    add(g, "Georgia", 12, 0);
    add(g, "Georgia", 11, 0); /* a duplicate value is kept once */
    add(g, "GEORGIA", 10, 0);
    add(g, "Paris", 20, 0);
    assert_int_equal(en_gaz_phrases(g), 2);
    assert_int_equal(en_gaz_size(g), 5);
    expect(g, "Georgia and Paris", "Georgia=10,11,12|Paris=20,21");
    en_gaz_free(g);
}

static void test_punctuation(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "Petronas Sdn Bhd", 1, 0);
    add(g, "Petronas Sdn. Bhd.", 1, 0);
    add(g, "Aselsan A.Ş.", 2, 0);
    add(g, "Dato' Sri", 3, 0);
    add(g, "government-to-government", 4, 0);
    add(g, "U.S.", 5, 0);
    expect(g, "Petronas Sdn Bhd and Petronas Sdn. Bhd. and Aselsan A.Ş. signed.",
           "Petronas Sdn Bhd=1|Petronas Sdn. Bhd.=1|Aselsan A.Ş.=2");
    /* A curly apostrophe and an en dash fold to the ASCII marks. */
    expect(g, "Dato’ Sri Anwar made a government–to–government deal with the U.S. side",
           "Dato’ Sri=3|government–to–government=4|U.S.=5");
    expect(g, "Dato Sri; government to government; US", "");
    en_gaz_free(g);
}

static void test_paragraphs(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "South Korea", 1, 0);
    add(g, "Korea", 2, 0);
    add(g, "South", 3, 0);
    expect(g, "South\n\nKorea", "South=3|Korea=2");
    /* A single line break is no paragraph. */
    expect(g, "South\nKorea", "South\nKorea=1");
    /* A phrase may start on a paragraph's first token. */
    expect(g, "x\n\nSouth Korea", "South Korea=1");
    en_gaz_free(g);
}

static void test_empty(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    expect(g, "Nothing to find here", ""); /* an empty gazetteer */
    assert_int_equal(en_gaz_add(g, "", 0, 1, 0), 0);
    assert_int_equal(en_gaz_add(g, NULL, 0, 1, 0), 0);
    assert_int_equal(en_gaz_add(g, "   \n\t ", 6, 1, 0), 0);
    assert_int_equal(en_gaz_phrases(g), 0);
    assert_int_equal(en_gaz_size(g), 0);
    add(g, "Korea", 1, 0);
    expect(g, "", "");
    en_gaz_hits h = {0};
    assert_int_equal(en_gaz_match(g, NULL, NULL, NULL, 0, 0, &h), 0);
    assert_int_equal(h.n, 0);
    en_gaz_hits_free(&h);
    en_gaz_free(g);
    en_gaz_free(NULL);
}

static void test_subrange(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "South Korea", 1, 0);
    add(g, "Korea", 2, 0);
    add(g, "Japan", 3, 0);
    const char *text = "South Korea and Japan and South Korea";
    /* tokens: 0 South, 1 Korea, 2 and, 3 Japan, 4 and, 5 South, 6 Korea */
    expect_range(g, text, 1, 3, "Korea=2|Japan=3");
    expect_range(g, text, 5, 1, "");
    expect_range(g, text, 5, 2, "South Korea=1");
    expect_range(g, text, 2, 0, "");
    /* Hits are appended after what out already holds. */
    doc d;
    doc_open(&d, text, strlen(text));
    en_gaz_hits h = {0};
    assert_int_equal(en_gaz_match(g, text, d.toks.v, d.ftok, 0, 2, &h), 0);
    assert_int_equal(en_gaz_match(g, text, d.toks.v, d.ftok, 3, 4, &h), 0);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.v[0].tok_first, 0);
    assert_int_equal(h.v[0].ntok, 2);
    assert_int_equal(h.v[1].tok_first, 3);
    assert_int_equal(h.v[2].tok_first, 5);
    assert_int_equal(h.v[2].ntok, 2);
    en_gaz_hits_free(&h);
    doc_close(&d);
    en_gaz_free(g);
}

/* A text of 1 MB made of one sentence repeated: every copy gives the same
 * three hits. */
static void test_large_text(void **state) {
    (void)state;
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    add(g, "South Korea", 1, 0);
    add(g, "Recep Tayyip Erdoğan", 2, 0);
    add(g, "Ankara", 3, 0);
    const char *unit = "The President of South Korea met Recep Tayyip Erdogan in ANKARA today. ";
    size_t ulen = strlen(unit), reps = (1u << 20) / ulen + 1;
    en_buf text = {0};
    for (size_t i = 0; i < reps; i++) assert_int_equal(en_buf_append(&text, unit, ulen), 0);
    assert_true(text.len >= 1u << 20);
    doc d;
    doc_open(&d, text.data, text.len);
    en_gaz_hits h = {0};
    assert_int_equal(en_gaz_match(g, d.text, d.toks.v, d.ftok, 0, d.toks.n, &h), 0);
    assert_int_equal(h.n, 3 * reps);
    const uint32_t *vals = en_gaz_values(g);
    for (size_t i = 0; i < h.n; i++) {
        assert_int_equal(h.v[i].nvalues, 1);
        assert_int_equal(vals[h.v[i].values], i % 3 + 1);
    }
    en_gaz_hits_free(&h);
    doc_close(&d);
    en_buf_free(&text);
    en_gaz_free(g);
}

/* ------------------------------------------------------------------ */
/* Load                                                                */
/* ------------------------------------------------------------------ */

#define NPHRASES 100000u
#define VOCAB    32768u /* generated words: three syllables of 32 */

/* Word i of the generated vocabulary: three consonant-vowel syllables, so
 * that distinct i give distinct words. */
static void gen_word(uint32_t i, en_buf *out) {
    static const char cons[] = "bdfgklmnprstvwzh", vow[] = "aeio";
    for (int k = 0; k < 3; k++) {
        uint32_t syl = (i >> (5 * k)) & 31u;
        char two[2] = {cons[syl & 15u], vow[(syl >> 4) * 2 + (uint32_t)k % 2]};
        assert_int_equal(en_buf_append(out, two, 2), 0);
    }
}

static uint32_t rng(uint64_t *s) {
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*s >> 33);
}

/* Phrase k: 1 + k % 4 tokens; its first token is a bijection of k / 4 for
 * each length, so all phrases are distinct. Every third phrase is written
 * capitalised, which folding must not mind. */
static void gen_phrase(uint32_t k, en_buf *out) {
    uint32_t n = 1 + k % 4, j = k / 4;
    uint64_t s = k;
    out->len = 0;
    gen_word((j * 7919u + n * 4099u) % VOCAB, out);
    if (k % 3 == 0) out->data[0] = (char)(out->data[0] - 'a' + 'A');
    for (uint32_t i = 1; i < n; i++) {
        assert_int_equal(en_buf_append(out, " ", 1), 0);
        gen_word(rng(&s) % VOCAB, out);
    }
}

static en_gaz *load(uint32_t nphrases, double *secs) {
    en_gaz *g = en_gaz_new();
    assert_non_null(g);
    en_buf p = {0};
    double t0 = now();
    for (uint32_t k = 0; k < nphrases; k++) {
        gen_phrase(k, &p);
        assert_int_equal(en_gaz_add(g, p.data, p.len, k, 0), 0);
    }
    *secs = now() - t0;
    en_buf_free(&p);
    assert_int_equal(en_gaz_phrases(g), nphrases);
    assert_int_equal(en_gaz_size(g), nphrases);
    return g;
}

/* Match all of d against g; return MB/s. */
static double match_rate(const en_gaz *g, const doc *d, size_t *nhits) {
    en_gaz_hits h = {0};
    double t0 = now();
    assert_int_equal(en_gaz_match(g, d->text, d->toks.v, d->ftok, 0, d->toks.n, &h), 0);
    double secs = now() - t0;
    *nhits = h.n;
    en_gaz_hits_free(&h);
    return (double)d->len / 1e6 / (secs > 1e-9 ? secs : 1e-9);
}

static void test_load(void **state) {
    (void)state;
    double secs;
    en_gaz *g = load(NPHRASES, &secs);
    printf("    gazetteer: loaded %u phrases in %.3f s\n", NPHRASES, secs);

    /* Every 97th phrase, between semicolons: each gives exactly its hit. */
    en_buf text = {0}, p = {0};
    uint32_t nsample = 0;
    for (uint32_t k = 0; k < NPHRASES; k += 97, nsample++) {
        gen_phrase(k, &p);
        assert_int_equal(en_buf_append(&text, p.data, p.len), 0);
        assert_int_equal(en_buf_append(&text, " ; ", 3), 0);
    }
    doc d;
    doc_open(&d, text.data, text.len);
    en_gaz_hits h = {0};
    assert_int_equal(en_gaz_match(g, d.text, d.toks.v, d.ftok, 0, d.toks.n, &h), 0);
    assert_int_equal(h.n, nsample);
    const uint32_t *vals = en_gaz_values(g);
    for (uint32_t i = 0; i < nsample; i++) {
        assert_int_equal(h.v[i].ntok, 1 + (i * 97) % 4);
        assert_int_equal(h.v[i].nvalues, 1);
        assert_int_equal(vals[h.v[i].values], i * 97);
    }
    en_gaz_hits_free(&h);
    doc_close(&d);
    en_buf_free(&text);
    en_buf_free(&p);
    en_gaz_free(g);
}

/* 5 MB of generated text: vocabulary words (some of them phrase starts),
 * unknown words, numbers and punctuation, in paragraphs. The same text is
 * matched against 100 and 100,000 phrases; both must succeed, and the
 * rates are printed for comparison. */
static void test_match_rate(void **state) {
    (void)state;
    en_buf text = {0}, w = {0};
    uint64_t s = 42;
    size_t words = 0;
    while (text.len < 5u * 1000 * 1000) {
        uint32_t r = rng(&s) % 100;
        w.len = 0;
        if (r < 60) {
            gen_word(rng(&s) % VOCAB, &w);
        } else if (r < 85) {
            static const char *common[] = {"the", "of", "and", "said", "minister", "in", "to"};
            const char *c = common[rng(&s) % 7];
            assert_int_equal(en_buf_append(&w, c, strlen(c)), 0);
        } else if (r < 92) {
            char num[16];
            int n = snprintf(num, sizeof num, "%u", rng(&s) % 100000);
            assert_int_equal(en_buf_append(&w, num, (size_t)n), 0);
        } else {
            assert_int_equal(en_buf_append(&w, r < 97 ? "," : ".", 1), 0);
        }
        const char *sep = ++words % 400 == 0 ? "\n\n" : " ";
        assert_int_equal(en_buf_append(&text, w.data, w.len), 0);
        assert_int_equal(en_buf_append(&text, sep, strlen(sep)), 0);
    }
    double t0 = now();
    doc d;
    doc_open(&d, text.data, text.len);
    double prep = now() - t0;

    double secs_small, secs_big;
    en_gaz *small = load(100, &secs_small), *big = load(NPHRASES, &secs_big);
    size_t hits_small, hits_big;
    double rate_small = match_rate(small, &d, &hits_small);
    double rate_big = match_rate(big, &d, &hits_big);
    assert_true(hits_big >= hits_small);
    printf("    gazetteer: %.1f MB text, tokenize+fold %.1f MB/s\n", (double)d.len / 1e6,
           (double)d.len / 1e6 / (prep > 1e-9 ? prep : 1e-9));
    printf("    gazetteer: match with 100 phrases: %.1f MB/s (%zu hits)\n", rate_small, hits_small);
    printf("    gazetteer: match with %u phrases: %.1f MB/s (%zu hits)\n", NPHRASES, rate_big,
           hits_big);
    en_gaz_free(small);
    en_gaz_free(big);
    doc_close(&d);
    en_buf_free(&text);
    en_buf_free(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_tokens),
        cmocka_unit_test(test_single_and_multi),
        cmocka_unit_test(test_longest_wins),
        cmocka_unit_test(test_leftmost_nonoverlapping),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_exact_and_folded),
        cmocka_unit_test(test_several_values),
        cmocka_unit_test(test_punctuation),
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_subrange),
        cmocka_unit_test(test_large_text),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_match_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
