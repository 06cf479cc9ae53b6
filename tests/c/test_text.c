/*
 * test_text.c: unit tests of the text layer (engine/text.c).
 *
 * Buffers, UTF-8 check/repair/decode, the tokenizer, the sentence splitter
 * and folding, each on small hand-made texts that pin one tricky case, and
 * the exact sentence boundaries of the five seed articles. The seed texts
 * stay in shared/seeds: this file holds only their byte offsets, and finds
 * datelines and boilerplate by searching for short markers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#ifndef SEEDS_DIR
#define SEEDS_DIR "../shared/seeds"
#endif

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static void tokenize(const char *text, en_tokens *t) {
    assert_int_equal(en_tokenize(text, strlen(text), t), 0);
}

/* One letter per token kind, for compact expectations. */
static char kind_letter(unsigned kind) {
    static const char letters[] = "?WNPQDSB";
    return kind < sizeof letters - 1 ? letters[kind] : '?';
}

/* Tokenize text and compare the token texts joined by '|' with want_text
 * and, when given, the kind letters (W N P Q D S B) with want_kinds. */
static void expect_tokens(const char *text, const char *want_text, const char *want_kinds) {
    en_tokens t = {0};
    en_buf got = {0}, kinds = {0};
    tokenize(text, &t);
    for (size_t i = 0; i < t.n; i++) {
        if (i) assert_int_equal(en_buf_append(&got, "|", 1), 0);
        assert_int_equal(en_buf_append(&got, text + t.v[i].start, t.v[i].stop - t.v[i].start), 0);
        char k = kind_letter(t.v[i].kind);
        assert_int_equal(en_buf_append(&kinds, &k, 1), 0);
    }
    assert_string_equal(got.len ? got.data : "", want_text);
    if (want_kinds) assert_string_equal(kinds.len ? kinds.data : "", want_kinds);
    en_buf_free(&got);
    en_buf_free(&kinds);
    en_tokens_free(&t);
}

/* Index of the first token whose text is word (after index from). */
static size_t find_token(const char *text, const en_tokens *t, const char *word, size_t from) {
    size_t n = strlen(word);
    for (size_t i = from; i < t->n; i++)
        if (t->v[i].stop - t->v[i].start == n && !memcmp(text + t->v[i].start, word, n)) return i;
    fail_msg("token %s not found", word);
    return 0;
}

/* Flags of the first token with text word. */
static unsigned flags_of(const char *text, const char *word) {
    en_tokens t = {0};
    tokenize(text, &t);
    unsigned f = t.v[find_token(text, &t, word, 0)].flags;
    en_tokens_free(&t);
    return f;
}

/* Properties every split must have: sentences in order, not overlapping,
 * their offsets those of their first and last tokens, no skipped token and
 * no bullet inside. */
static void check_invariants(const en_tokens *t, const en_sentences *s, const en_span *skip,
                             size_t nskip) {
    uint32_t prev_stop = 0;
    for (size_t i = 0; i < s->n; i++) {
        const en_sentence *x = &s->v[i];
        assert_true(x->tok_count > 0);
        assert_true((size_t)x->tok_first + x->tok_count <= t->n);
        assert_int_equal(x->start, t->v[x->tok_first].start);
        assert_int_equal(x->stop, t->v[x->tok_first + x->tok_count - 1].stop);
        assert_true(x->start >= prev_stop);
        assert_true(x->stop > x->start);
        prev_stop = x->stop;
        for (size_t k = x->tok_first; k < (size_t)x->tok_first + x->tok_count; k++) {
            assert_int_not_equal(t->v[k].kind, EN_TOK_BULLET);
            for (size_t j = 0; j < nskip; j++)
                assert_false(t->v[k].start < skip[j].stop && t->v[k].stop > skip[j].start);
        }
    }
}

static void split(const char *text, size_t len, const en_span *skip, size_t nskip, en_tokens *t,
                  en_sentences *s) {
    assert_int_equal(en_tokenize(text, len, t), 0);
    assert_int_equal(en_split_sentences(text, len, t->v, t->n, skip, nskip, s), 0);
    check_invariants(t, s, skip, nskip);
}

/* Split text and compare the sentences joined by '|' with want, and their
 * flags with want_flags when it is given (one entry per sentence). */
static void expect_sentences_skip(const char *text, const en_span *skip, size_t nskip,
                                  const char *want, const unsigned *want_flags) {
    en_tokens t = {0};
    en_sentences s = {0};
    en_buf got = {0};
    split(text, strlen(text), skip, nskip, &t, &s);
    for (size_t i = 0; i < s.n; i++) {
        if (i) assert_int_equal(en_buf_append(&got, "|", 1), 0);
        assert_int_equal(en_buf_append(&got, text + s.v[i].start, s.v[i].stop - s.v[i].start), 0);
    }
    assert_string_equal(got.len ? got.data : "", want);
    if (want_flags)
        for (size_t i = 0; i < s.n; i++) {
            if (s.v[i].flags != want_flags[i])
                fail_msg("sentence %zu: flags 0x%x, want 0x%x", i, s.v[i].flags, want_flags[i]);
        }
    en_buf_free(&got);
    en_sentences_free(&s);
    en_tokens_free(&t);
}

static void expect_sentences(const char *text, const char *want, const unsigned *want_flags) {
    expect_sentences_skip(text, NULL, 0, want, want_flags);
}

enum { PARA = EN_SF_PARA_START, INQ = EN_SF_IN_QUOTE, HEAD = EN_SF_HEADLINE, BUL = EN_SF_BULLET };

/* ------------------------------------------------------------------ */
/* Buffers                                                             */
/* ------------------------------------------------------------------ */

static void test_buf(void **state) {
    (void)state;
    en_buf b = {0};
    assert_int_equal(en_buf_reserve(&b, 0), 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(en_buf_append(&b, NULL, 0), 0);
    assert_int_equal(b.len, 0);
    for (int i = 0; i < 1000; i++) assert_int_equal(en_buf_append(&b, "abc", 3), 0);
    assert_int_equal(b.len, 3000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');
    assert_memory_equal(b.data + 2997, "abc", 3);
    assert_int_equal(en_buf_reserve(&b, SIZE_MAX), -1); /* overflow, not a crash */
    en_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    en_buf_free(&b); /* idempotent */
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */
/* ------------------------------------------------------------------ */

static void test_utf8_check_valid(void **state) {
    (void)state;
    /* U+007F U+0080 U+07FF U+0800 U+FFFF U+10000 U+10FFFF, U+D7FF, U+E000 */
    static const char ok[] = "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80"
                             "\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80";
    assert_int_equal(en_utf8_check(ok, sizeof ok - 1), sizeof ok - 1);
    assert_int_equal(en_utf8_check("", 0), 0);
    const char *mixed = "plain ASCII long enough for the 8-byte path, then T\xC3\xBCrkiye";
    assert_int_equal(en_utf8_check(mixed, strlen(mixed)), strlen(mixed));
}

static void test_utf8_check_invalid(void **state) {
    (void)state;
    static const struct {
        const char *s;
        size_t len, bad;
    } cases[] = {
        {"ab\xC0\xAF", 4, 2},               /* overlong '/' */
        {"\xC1\xBF", 2, 0},                 /* overlong */
        {"x\xE0\x80\x80", 4, 1},            /* overlong 3-byte NUL */
        {"xy\xF0\x80\x80\x80", 6, 2},       /* overlong 4-byte */
        {"0123456789\xED\xA0\x80", 13, 10}, /* surrogate U+D800 */
        {"\xED\xBF\xBF", 3, 0},             /* surrogate U+DFFF */
        {"a\xF4\x90\x80\x80", 5, 1},        /* U+110000 */
        {"a\xF5\x80\x80\x80", 5, 1},        /* lead byte F5 */
        {"a\xFF", 2, 1},                    /* FF */
        {"abc\xE2\x82", 5, 3},              /* truncated at the end */
        {"abc\xE2\x82x", 6, 3},             /* truncated before ASCII */
        {"a\x80", 2, 1},                    /* lone continuation */
        {"ab\xE2\x28\xA1", 5, 2},           /* invalid continuation */
        {"abcdefghij\0k", 12, 10},          /* NUL */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        size_t got = en_utf8_check(cases[i].s, cases[i].len);
        if (got != cases[i].bad) fail_msg("case %zu: %zu, want %zu", i, got, cases[i].bad);
    }
}

/* Repair a string and compare the output, count and first offset. */
static void expect_repair(const char *s, size_t len, const char *want, size_t want_len,
                          long want_count, size_t want_first) {
    en_buf out = {0};
    size_t first = 12345;
    long n = en_utf8_repair(s, len, &out, &first);
    assert_int_equal(n, want_count);
    assert_int_equal(first, want_first);
    assert_int_equal(out.len, want_len);
    assert_memory_equal(out.data, want, want_len);
    assert_int_equal(en_utf8_check(out.data, out.len), out.len);
    en_buf_free(&out);
}

#define R "\xEF\xBF\xBD" /* U+FFFD */

static void test_utf8_repair(void **state) {
    (void)state;
    /* one U+FFFD per maximal ill-formed subpart (the Unicode practice) */
    expect_repair("a\xC0\xAF"
                  "b",
                  4, "a" R R "b", 8, 2, 1); /* overlong: C0 and AF each */
    expect_repair("x\xE0\x80\x80", 4, "x" R R R, 10, 3, 1);
    expect_repair("\xED\xA0\x80z", 4, R R R "z", 10, 3, 0);  /* surrogate */
    expect_repair("\xF4\x90\x80\x80", 4, R R R R, 12, 4, 0); /* above U+10FFFF */
    expect_repair("ab\xE2\x82", 4, "ab" R, 5, 1, 2);         /* truncated at end */
    expect_repair("ab\xF0\x9F\x98"
                  "c",
                  6, "ab" R "c", 6, 1, 2);              /* truncated 4-byte */
    expect_repair("a\0b\0", 4, "a" R "b" R, 8, 2, 1);   /* NUL */
    expect_repair("\xE2\x28\xA1", 3, R "(" R, 7, 2, 0); /* invalid continuation */
    expect_repair("\x80\x80\x80", 3, R R R, 9, 3, 0);   /* lone continuations */
    expect_repair("T\xC3\xBCrkiye \xFF!", 11, "T\xC3\xBCrkiye " R "!", 13, 1, 9);

    /* valid input: exact copy, first_bad untouched, appended to out */
    en_buf out = {0};
    assert_int_equal(en_buf_append(&out, "pre:", 4), 0);
    size_t first = 77;
    assert_int_equal(en_utf8_repair("ok \xC3\xA9", 5, &out, &first), 0);
    assert_int_equal(first, 77);
    assert_string_equal(out.data, "pre:ok \xC3\xA9");
    assert_int_equal(en_utf8_repair("", 0, &out, NULL), 0);
    assert_int_equal(en_utf8_repair("\xFF", 1, &out, NULL), 1); /* first_bad may be NULL */
    assert_string_equal(out.data, "pre:ok \xC3\xA9" R);
    en_buf_free(&out);
}

static void test_utf8_decode(void **state) {
    (void)state;
    const char *s = "A\xC3\xA9\xE2\x80\x9C\xF0\x9F\x98\x80";
    size_t len = strlen(s);
    int n = 0;
    assert_int_equal(en_utf8_decode(s, len, 0, &n), 'A');
    assert_int_equal(n, 1);
    assert_int_equal(en_utf8_decode(s, len, 1, &n), 0xE9);
    assert_int_equal(n, 2);
    assert_int_equal(en_utf8_decode(s, len, 3, &n), 0x201C);
    assert_int_equal(n, 3);
    assert_int_equal(en_utf8_decode(s, len, 6, &n), 0x1F600);
    assert_int_equal(n, 4);
    assert_int_equal(en_utf8_decode(s, len, len, &n), -1); /* past the end */
    assert_int_equal(n, 0);
    assert_int_equal(en_utf8_decode("\xE2\x80", 2, 0, &n), 0xFFFD); /* defensive */
    assert_int_equal(n, 1);
}

/* ------------------------------------------------------------------ */
/* Tokenizer                                                           */
/* ------------------------------------------------------------------ */

static void test_tok_words_numbers(void **state) {
    (void)state;
    expect_tokens("G2G talks at 2pm: K9 units, 24,150 troops, 21.2 per cent, v1.2.3",
                  "G2G|talks|at|2pm|:|K9|units|,|24,150|troops|,|21.2|per|cent|,|v1.2.3",
                  "WWWWPWWPNWPNWWPW");
    expect_tokens("In 2024, 3.5. Then 1,2 a", "In|2024|,|3.5|.|Then|1,2|a", "WNPNPWNW");
    expect_tokens("state-owned long-term", "state|-|owned|long|-|term", "WDWWDW");
}

static void test_tok_flags(void **state) {
    (void)state;
    const char *t = "MINDEF and Anwar met ÇAĞ, a G2G team; A, 2pm, 2025, ŞA, Ab1";
    assert_int_equal(flags_of(t, "MINDEF"),
                     EN_TF_LINE_START | EN_TF_PARA_START | EN_TF_CAP | EN_TF_UPPER | EN_TF_ALPHA);
    assert_int_equal(flags_of(t, "and"), EN_TF_SPACE_BEFORE | EN_TF_ALPHA);
    assert_int_equal(flags_of(t, "Anwar"), EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_ALPHA);
    assert_int_equal(flags_of(t, "ÇAĞ"),
                     EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_UPPER | EN_TF_ALPHA);
    assert_int_equal(flags_of(t, "G2G"),
                     EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_UPPER | EN_TF_ALPHA | EN_TF_DIGIT);
    assert_int_equal(flags_of(t, "A"), EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_ALPHA); /* 1 letter */
    assert_int_equal(flags_of(t, "2pm"), EN_TF_SPACE_BEFORE | EN_TF_ALPHA | EN_TF_DIGIT);
    assert_int_equal(flags_of(t, "2025"), EN_TF_SPACE_BEFORE | EN_TF_DIGIT);
    assert_int_equal(flags_of(t, "ŞA"), EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_UPPER | EN_TF_ALPHA);
    assert_int_equal(flags_of(t, "Ab1"),
                     EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_ALPHA | EN_TF_DIGIT);
    assert_int_equal(flags_of(t, ","), 0);
}

static void test_tok_possessive_apostrophe(void **state) {
    (void)state;
    expect_tokens("Italy’s Malaysia's ITALY’S don't O’Neil they’re it’s",
                  "Italy|’s|Malaysia|'s|ITALY|’S|don't|O’Neil|they’re|it|’s", "WWWWWWWWWWW");
    /* a trailing apostrophe after a word is PUNCT, not a quote */
    expect_tokens("the countries’ plan, Dato’ Seri", "the|countries|’|plan|,|Dato|’|Seri",
                  "WWPWPWPW");
    /* possessive of an acronym and of a number */
    expect_tokens("U.S.’s 1990's", "U.S.|’s|1990|'s", "WWNW");
    assert_int_equal(flags_of("Italy’s", "’s"), EN_TF_ALPHA);
}

static void test_tok_dotted(void **state) {
    (void)state;
    expect_tokens("U.S. A.Ş. U.K., e.g. U.S.A U.S.-led K. Nordin U.Sx",
                  "U.S.|A.Ş.|U.K.|,|e.g.|U.S.A|U.S.|-|led|K|.|Nordin|U|.|Sx", "WWWPWWWDWWPWWPW");
    unsigned f = flags_of("the U.S. team", "U.S.");
    assert_int_equal(f, EN_TF_SPACE_BEFORE | EN_TF_CAP | EN_TF_UPPER | EN_TF_ALPHA | EN_TF_DOTTED);
    assert_int_equal(flags_of("a A.Ş. b", "A.Ş.") & (EN_TF_DOTTED | EN_TF_UPPER),
                     EN_TF_DOTTED | EN_TF_UPPER);
    assert_int_equal(flags_of("x e.g. y", "e.g.") & (EN_TF_DOTTED | EN_TF_CAP), EN_TF_DOTTED);
}

/* Open/close flags of quotes, by context. */
static void expect_quote_flags(const char *text, const unsigned *want, size_t nwant) {
    en_tokens t = {0};
    tokenize(text, &t);
    size_t k = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.v[i].kind != EN_TOK_QUOTE) continue;
        assert_true(k < nwant);
        unsigned got = t.v[i].flags & (EN_TF_OPEN | EN_TF_CLOSE);
        if (got != want[k]) fail_msg("quote %zu in <%s>: 0x%x, want 0x%x", k, text, got, want[k]);
        k++;
    }
    assert_int_equal(k, nwant);
    en_tokens_free(&t);
}

static void test_tok_quotes(void **state) {
    (void)state;
    const unsigned O = EN_TF_OPEN, C = EN_TF_CLOSE;
    /* curly, well oriented */
    expect_quote_flags("“Yes,” he said.", (const unsigned[]){O, C}, 2);
    /* a wrongly oriented “ closing after a comma: context, not glyph */
    expect_quote_flags("“We agree,“ she said.", (const unsigned[]){O, C}, 2);
    /* a ” opening after a space */
    expect_quote_flags("he said ”no” twice", (const unsigned[]){O, C}, 2);
    /* ASCII quotes, after an opening bracket, after a dash, nested single */
    expect_quote_flags("(\"a\") x—\"b\" “c ‘d’ e”", (const unsigned[]){O, C, O, C, O, O, C, C}, 8);
    /* isolated marks fall back on the glyph or the open count */
    expect_quote_flags("a “ b ” c \" d \" e", (const unsigned[]){O, C, O, C}, 4);
    /* guillemets: French, German order, and » as a breadcrumb separator */
    expect_quote_flags("il dit « oui » et »ja« fin", (const unsigned[]){O, C, O, C}, 4);
    expect_tokens("Home » World » Asia", "Home|»|World|»|Asia", "WSWSW");
    expect_tokens("«oui»", "«|oui|»", "QWQ");
    /* CJK corner brackets */
    expect_quote_flags("「はい」", (const unsigned[]){O, C}, 2);
    /* single quotes: quote after a space, apostrophe otherwise */
    expect_tokens("he said 'yes' to the ’90s", "he|said|'|yes|'|to|the|’|90s", "WWQWQWWPW");
}

static void test_tok_punct_runs(void **state) {
    (void)state;
    expect_tokens("Wait... what?! No!!! ok…. go… end?!?",
                  "Wait|...|what|?!|No|!!!|ok|….|go|…|end|?!?", "WPWPWPWPWPWP");
    expect_tokens("a -- b — c –– d ,, e ::", "a|--|b|—|c|––|d|,,|e|::", "WDWDWDWPWP");
    expect_tokens("f(x) [1] {y}", "f|(|x|)|[|1|]|{|y|}", "WPWPPNPPWP");
    unsigned f = flags_of("(a)", "(");
    assert_true(f & EN_TF_OPEN);
    assert_true(flags_of("(a)", ")") & EN_TF_CLOSE);
}

static void test_tok_dashes_bullets(void **state) {
    (void)state;
    const char *text = "• one\n  ● two\n▪ three ◦ mid\n- four\n* five\n-5 and a-b\n*bold* · x\n"
                       "· six";
    expect_tokens(text, "•|one|●|two|▪|three|◦|mid|-|four|*|five|-|5|and|a|-|b|*|bold|*|·|x|·|six",
                  "BWBWBWSWBWBWDNWWDWSWSPWBW");
    expect_tokens("leaders—also 2021–2025 x ‒ y ― z", "leaders|—|also|2021|–|2025|x|‒|y|―|z",
                  "WDWNDNWDWDW");
}

static void test_tok_symbols_currency(void **state) {
    (void)state;
    expect_tokens(
        "US$450, RM21.2, €2.3bn, £5, ¥9, ₩7, 50%, R&D, @x #y a+b=c ‰",
        "US|$|450|,|RM21.2|,|€|2.3bn|,|£|5|,|¥|9|,|₩|7|,|50|%|,|R|&|D|,|@|x|#|y|a|+|b|=|c|‰",
        "WSNPWPSWPSNPSNPSNPNSPWSWPSWSWWSWSWS");
    assert_int_equal(flags_of("RM21.2", "RM21.2"), EN_TF_LINE_START | EN_TF_PARA_START | EN_TF_CAP |
                                                       EN_TF_UPPER | EN_TF_ALPHA | EN_TF_DIGIT);
}

static void test_tok_whitespace_layout(void **state) {
    (void)state;
    /* NBSP, thin space, narrow NBSP, ideographic space, tab, BOM, ZWSP */
    expect_tokens("\xEF\xBB\xBF"
                  "a\xC2\xA0"
                  "b\xE2\x80\x89"
                  "c\xE2\x80\xAF"
                  "d\xE3\x80\x80"
                  "e\tf\xE2\x80\x8Bg",
                  "a|b|c|d|e|f|g", "WWWWWWW");
    const char *t = "one two\nthree\r\n\r\nfour\n \t \nfive\rsix\xE2\x80\xA9seven\xE2\x80\xA8"
                    "eight";
    en_tokens k = {0};
    tokenize(t, &k);
    assert_int_equal(k.n, 8);
    const unsigned L = EN_TF_LINE_START, P = EN_TF_PARA_START, S = EN_TF_SPACE_BEFORE;
    const unsigned want[] = {L | P, S, L | S, L | P | S, L | P | S, L | S, L | P | S, L | S};
    for (size_t i = 0; i < k.n; i++) {
        unsigned layout = k.v[i].flags & (L | P | S);
        if (layout != want[i]) fail_msg("token %zu: 0x%x, want 0x%x", i, layout, want[i]);
    }
    en_tokens_free(&k);
    /* leading blank lines: the first token still starts a paragraph */
    assert_int_equal(flags_of("\n\n  x", "x") & (L | P | S), L | P | S);
    /* no space between tokens: no SPACE_BEFORE */
    assert_int_equal(flags_of("a,b", ",") & S, 0);
}

static void test_tok_empty_and_degenerate(void **state) {
    (void)state;
    expect_tokens("", "", "");
    expect_tokens(" \n\t\xC2\xA0\n\r\n ", "", "");
    expect_tokens("?!.,;—«»()", "?!.|,|;|—|«|»|(|)", "PPPDQQPP");
    en_tokens t = {0};
    assert_int_equal(en_tokenize(NULL, 0, &t), 0);
    assert_int_equal(t.n, 0);
    assert_int_equal(en_tokenize("x", (size_t)UINT32_MAX + 1, &t), -1); /* over 4 GiB */
    assert_int_equal(en_tokenize("x", 1, NULL), -1);
    en_tokens_free(&t);
}

/* Tokens are appended; a second text starts with its own layout flags. */
static void test_tok_append(void **state) {
    (void)state;
    en_tokens t = {0};
    tokenize("a b", &t);
    tokenize("\"c", &t);
    assert_int_equal(t.n, 4);
    assert_int_equal(t.v[2].kind, EN_TOK_QUOTE);
    assert_int_equal(t.v[2].flags, EN_TF_LINE_START | EN_TF_PARA_START | EN_TF_OPEN);
    assert_int_equal(t.v[3].start, 1);
    en_tokens_free(&t);
}

/* Invalid UTF-8 (against the contract) must not crash nor loop. */
static void test_tok_invalid_input(void **state) {
    (void)state;
    const char bad[] = "a\xFF\xC3 \xE2\x80 b\xED\xA0\x80";
    en_tokens t = {0};
    en_sentences s = {0};
    split(bad, sizeof bad - 1, NULL, 0, &t, &s);
    assert_true(t.n >= 2);
    en_sentences_free(&s);
    en_tokens_free(&t);
}

/* A 5 MB text made of varied lines tokenizes and splits completely. */
static void test_large_text(void **state) {
    (void)state;
    static const char unit[] = "The envoy (aged 61) met Dr. Kim at 10:30 in São Paulo; costs rose "
                               "4.5% to US$1,200.50 — “a record,” she said.\n"
                               "• Item\xC2\xA0one, Türkiye’s\n\n";
    const size_t unit_len = sizeof unit - 1, reps = (5u << 20) / unit_len + 1;
    char *big = malloc(unit_len * reps + 1);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * unit_len, unit, unit_len);
    big[unit_len * reps] = '\0';
    en_tokens one = {0}, t = {0};
    en_sentences s1 = {0}, s = {0};
    split(unit, unit_len, NULL, 0, &one, &s1);
    split(big, unit_len * reps, NULL, 0, &t, &s);
    assert_int_equal(t.n, one.n * reps);
    assert_int_equal(s.n, s1.n * reps);
    assert_int_equal(s1.n, 2);
    assert_int_equal(t.v[t.n - 1].stop, unit_len * reps - 2);
    en_tokens_free(&one);
    en_tokens_free(&t);
    en_sentences_free(&s1);
    en_sentences_free(&s);
    free(big);
}

/* ------------------------------------------------------------------ */
/* Sentences                                                           */
/* ------------------------------------------------------------------ */

static void test_sent_honorifics(void **state) {
    (void)state;
    expect_sentences("Dr. Lim met Gen. Ortiz and Prof. Abe. They spoke. Mr. and Mrs. Tan came.",
                     "Dr. Lim met Gen. Ortiz and Prof. Abe.|They spoke.|Mr. and Mrs. Tan came.",
                     NULL);
    expect_sentences(
        "Lt. Col. Reyes, Capt. Ng, Sgt. Oh, Adm. Ray and Brig. Gen. Fox met Hon. Lee. "
        "Sen. Cruz and Rep. Li, Gov. Wu, St. Paul, Mt. Fuji, Rev. Ko, Jr. Pte. It ended.",
        "Lt. Col. Reyes, Capt. Ng, Sgt. Oh, Adm. Ray and Brig. Gen. Fox met Hon. Lee.|"
        "Sen. Cruz and Rep. Li, Gov. Wu, St. Paul, Mt. Fuji, Rev. Ko, Jr. Pte.|"
        "It ended.",
        NULL);
    /* case-insensitive; vs. in any case; an ordinary lowercase word still ends one */
    expect_sentences("DR. Ong won. Ali vs. Ben. The art. The gen. New line.",
                     "DR. Ong won.|Ali vs. Ben.|The art.|The gen.|New line.", NULL);
    expect_sentences("See Fig. 3 and Art. 5 of Vol. 2, Sec. 4. Done.",
                     "See Fig. 3 and Art. 5 of Vol. 2, Sec. 4.|Done.", NULL);
}

static void test_sent_may_end_abbrevs(void **state) {
    (void)state;
    expect_sentences("He joined Acme Inc. The firm grew. Acme Inc. said so. Beta Ltd. Shares fell.",
                     "He joined Acme Inc.|The firm grew.|Acme Inc. said so.|"
                     "Beta Ltd. Shares fell.",
                     NULL);
    expect_sentences("It bought Delta Sdn. Bhd. in May. Gamma Sdn. Bhd. However, talks went on.",
                     "It bought Delta Sdn. Bhd. in May.|Gamma Sdn. Bhd.|However, talks went on.",
                     NULL);
    expect_sentences("Talks with the U.S. The U.S. Navy came. Ties with the U.K. It is new.",
                     "Talks with the U.S.|The U.S. Navy came.|Ties with the U.K.|It is new.", NULL);
    expect_sentences(
        "It opened on Jan. 8 and closed Feb. 2. Sept. 11 is a date. Tools etc. We left.",
        "It opened on Jan. 8 and closed Feb. 2.|Sept. 11 is a date.|Tools etc.|"
        "We left.",
        NULL);
    expect_sentences("He was No. 5 in Nos. 3 to 9. He said no. The end. No. It is not.",
                     "He was No. 5 in Nos. 3 to 9.|He said no.|The end.|No.|It is not.", NULL);
    /* an opening quote with a capital after an abbreviation that may end */
    expect_sentences("They sued Omega Corp. “We will win,” a lawyer said.",
                     "They sued Omega Corp.|“We will win,” a lawyer said.", NULL);
}

static void test_sent_initials(void **state) {
    (void)state;
    expect_sentences("K. Nordin met J. R. Tolkien and A. Ş. Kaya. They talked.",
                     "K. Nordin met J. R. Tolkien and A. Ş. Kaya.|They talked.", NULL);
    expect_sentences("W. A. Mozart and George W. Bush. I. M. Pei came.",
                     "W. A. Mozart and George W. Bush.|I. M. Pei came.", NULL);
    /* a single capital before a typical sentence starter ends the sentence */
    expect_sentences("She wrote on X. The post spread. Plan B. It worked.",
                     "She wrote on X.|The post spread.|Plan B.|It worked.", NULL);
}

static void test_sent_terminators(void **state) {
    (void)state;
    expect_sentences("Really?! Yes… it was. Wait... what? No!!! 2025 was big. 3 rose.",
                     "Really?!|Yes… it was.|Wait... what?|No!!!|2025 was big.|3 rose.", NULL);
    /* lowercase after a terminator, no space, decimals, a number list */
    expect_sentences("It rose 3.5 per cent. to 9. see above.Next one. “Ok?” he asked.",
                     "It rose 3.5 per cent. to 9. see above.Next one.|“Ok?” he asked.", NULL);
    /* closing quotes and brackets stay with the sentence they close */
    expect_sentences("(He left.) Then he came back. “Go.” Then they went. [Sic.] Done.",
                     "(He left.)|Then he came back.|“Go.”|Then they went.|[Sic.]|Done.", NULL);
    /* a currency sign may start a sentence */
    expect_sentences("It cost more. $5 was paid.", "It cost more.|$5 was paid.", NULL);
}

static void test_sent_dashes_colons(void **state) {
    (void)state;
    expect_sentences("The ministers—joined by their aides—agreed. Bottom line: The deal — "
                     "signed today – is big.",
                     "The ministers—joined by their aides—agreed.|"
                     "Bottom line: The deal — signed today – is big.",
                     NULL);
}

static void test_sent_quotes_spanning(void **state) {
    (void)state;
    expect_sentences("“We want fair terms. This is key. We stay,” he said. Then he left.",
                     "“We want fair terms.|This is key.|We stay,” he said.|Then he left.",
                     (const unsigned[]){PARA, INQ, INQ, 0});
    /* wrongly oriented closing mark */
    expect_sentences("“It went well,“ she said. “Next. Then,” he said.",
                     "“It went well,“ she said.|“Next.|Then,” he said.",
                     (const unsigned[]){PARA, 0, INQ});
}

static void test_sent_multi_paragraph_quotes(void **state) {
    (void)state;
    /* blank-line paragraphs: the second paragraph opens the quote again */
    expect_sentences("“The first part ends here.\n\n“The second part follows. It closes,” he "
                     "said.\n\nAfter that, silence.",
                     "“The first part ends here.|“The second part follows.|It closes,” he said.|"
                     "After that, silence.",
                     (const unsigned[]){PARA, PARA | INQ, INQ, PARA});
    /* paragraph per line, same convention */
    expect_sentences("Intro line here.\n“One part.\n“Two part,” he said.\nOutro.",
                     "Intro line here.|“One part.|“Two part,” he said.|Outro.",
                     (const unsigned[]){PARA, PARA, PARA | INQ, PARA});
    /* a paragraph that does not reopen the quote ends the quotation */
    expect_sentences("“Unclosed quote here.\n\nPlain text now. More text.",
                     "“Unclosed quote here.|Plain text now.|More text.",
                     (const unsigned[]){PARA, PARA, 0});
}

static void test_sent_bullets(void **state) {
    (void)state;
    expect_sentences(
        "Key points:\n\n  • First point is here.\n  • Second point\n- Third "
        "point.\n* Fourth\n\nEnd of list.",
        "Key points:|First point is here.|Second point|Third point.|Fourth|"
        "End of list.",
        (const unsigned[]){PARA, PARA | BUL, PARA | BUL, PARA | BUL, PARA | BUL, PARA});
}

static void test_sent_headlines(void **state) {
    (void)state;
    expect_sentences(
        "Envoys agree on new ties\nBy Staff Writer\n\nThe envoys met. They agreed "
        "on ties\n(3 March 2019 – 4 April 2023)\nNotes:\nDone.",
        "Envoys agree on new ties|By Staff Writer|The envoys met.|They agreed on ties|"
        "(3 March 2019 – 4 April 2023)|Notes:|Done.",
        (const unsigned[]){PARA | HEAD, PARA | HEAD, PARA, 0, PARA | HEAD, PARA, PARA});
    /* a quoted headline without final punctuation */
    expect_sentences("“Big News Today”\n\nIt happened.", "“Big News Today”|It happened.",
                     (const unsigned[]){PARA | HEAD, PARA});
}

static void test_sent_skip_spans(void **state) {
    (void)state;
    const char *t = "PARIS, May 4 — Two envoys met. They agreed.\n— Wire";
    const char *dash = strstr(t, "—");
    const char *sign = strstr(dash + 1, "—");
    en_span skip[2] = {{0, (uint32_t)(dash - t + 4)}, {(uint32_t)(sign - t), (uint32_t)strlen(t)}};
    expect_sentences_skip(t, skip, 2, "Two envoys met.|They agreed.", (const unsigned[]){PARA, 0});
    /* a skip span in mid sentence ends it */
    const char *u = "One two [ad] three four.";
    en_span ad = {8, 12};
    expect_sentences_skip(u, &ad, 1, "One two|three four.", (const unsigned[]){PARA, 0});
    /* a colon dateline */
    const char *v = "OSLO: Talks resumed. More later.";
    en_span d = {0, 6};
    expect_sentences_skip(v, &d, 1, "Talks resumed.|More later.", (const unsigned[]){PARA, 0});
    /* spans covering everything */
    en_span all = {0, (uint32_t)strlen(v)};
    expect_sentences_skip(v, &all, 1, "", NULL);
}

static void test_sent_wrapped_text(void **state) {
    (void)state;
    const char *t = "SUMMARY\n"
                    "The committee said on Tuesday that the negotiations with its\n"
                    "partners had gone well and that a memorandum would follow\n"
                    "within weeks. Officials in the capital confirmed the plan, adding\n"
                    "that the agreement covers shipbuilding and training.\n"
                    "- a first point that wraps over onto\n"
                    "  the following line of text\n"
                    "- a second point\n"
                    "Another paragraph follows here without a blank line and it\n"
                    "is long enough to wrap at the usual width of the text.\n";
    expect_sentences(t,
                     "SUMMARY|The committee said on Tuesday that the negotiations with its\n"
                     "partners had gone well and that a memorandum would follow\n"
                     "within weeks.|Officials in the capital confirmed the plan, adding\n"
                     "that the agreement covers shipbuilding and training.|"
                     "a first point that wraps over onto\n  the following line of text|"
                     "a second point|Another paragraph follows here without a blank line and it\n"
                     "is long enough to wrap at the usual width of the text.",
                     (const unsigned[]){PARA | HEAD, 0, 0, BUL, BUL, 0});
    /* short lines of similar length without lowercase starts */
    expect_sentences("The Minister of Trade met his counterpart from Peru in\n"
                     "Lima on Monday. Both sides signed two agreements on\n"
                     "Wednesday, covering Mining, Fisheries and Tourism,\n"
                     "according to a note released later that day.",
                     "The Minister of Trade met his counterpart from Peru in\nLima on Monday.|"
                     "Both sides signed two agreements on\nWednesday, covering Mining, "
                     "Fisheries and Tourism,\naccording to a note released later that day.",
                     (const unsigned[]){PARA, 0});
}

static void test_sent_paragraph_per_line(void **state) {
    (void)state;
    /* every newline ends a sentence, even without final punctuation */
    expect_sentences("The first paragraph is on one line and ends here.\n"
                     "The second paragraph has no final mark\n"
                     "The third says Dr.\nLee was there.",
                     "The first paragraph is on one line and ends here.|"
                     "The second paragraph has no final mark|The third says Dr.|Lee was there.",
                     (const unsigned[]){PARA, PARA | HEAD, PARA, PARA});
}

static void test_sent_degenerate(void **state) {
    (void)state;
    expect_sentences("", "", NULL);
    expect_sentences("  \n \n\t\xC2\xA0 ", "", NULL);
    expect_sentences("... !!! — «» ()\n\n* * *\n---", "", NULL);
    /* a sentence of marks only is dropped but hands on its flags */
    expect_sentences("***\nText here.", "Text here.", (const unsigned[]){PARA});
    expect_sentences("One", "One", (const unsigned[]){PARA | HEAD});
    en_sentences s = {0};
    assert_int_equal(en_split_sentences("", 0, NULL, 0, NULL, 0, &s), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(en_split_sentences("x", 1, NULL, 1, NULL, 0, &s), -1);
    en_sentences_free(&s);
}

/* ------------------------------------------------------------------ */
/* Seed articles                                                       */
/* ------------------------------------------------------------------ */

static char *read_seed(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/articles/%s", SEEDS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    en_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(en_buf_append(&b, chunk, n), 0);
    fclose(f);
    assert_int_equal(en_utf8_check(b.data, b.len), b.len);
    *len = b.len;
    return b.data;
}

/* Offset of the first (or, with last set, the last) occurrence of marker. */
static uint32_t find_marker(const char *text, const char *marker, int last) {
    const char *p = strstr(text, marker), *q;
    if (!p) fail_msg("marker %s not found", marker);
    while (last && (q = strstr(p + 1, marker)) != NULL) p = q;
    return (uint32_t)(p - text);
}

/* A span from `from` to the end of its line. */
static en_span to_line_end(const char *text, uint32_t from) {
    const char *nl = strchr(text + from, '\n');
    en_span s = {from, nl ? (uint32_t)(nl - text) : (uint32_t)strlen(text)};
    return s;
}

/* A span from the start of the text to just after marker and its spaces:
 * a dateline. */
static en_span dateline(const char *text, const char *marker) {
    uint32_t stop = find_marker(text, marker, 0) + (uint32_t)strlen(marker);
    while (text[stop] == ' ') stop++;
    en_span s = {0, stop};
    return s;
}

typedef struct want {
    uint32_t start, stop, flags;
} seed_want;

static void check_seed(const char *text, size_t len, const en_span *skip, size_t nskip,
                       const seed_want *w, size_t nw) {
    en_tokens t = {0};
    en_sentences s = {0};
    split(text, len, skip, nskip, &t, &s);
    for (size_t i = 0; i < s.n && i < nw; i++) {
        const en_sentence *x = &s.v[i];
        if (x->start != w[i].start || x->stop != w[i].stop || x->flags != w[i].flags)
            fail_msg("sentence %zu: {%u, %u, 0x%x}, want {%u, %u, 0x%x}", i, x->start, x->stop,
                     x->flags, w[i].start, w[i].stop, w[i].flags);
    }
    assert_int_equal(s.n, nw);
    en_sentences_free(&s);
    en_tokens_free(&t);
}

/* Blank-line paragraphs, a city-and-colon dateline, a quote that runs over two
 * paragraphs twice (the second time closed), a wrongly oriented “. */
static void test_seed_000(void **state) {
    (void)state;
    size_t len;
    char *text = read_seed("000_bda39093d530b252.txt", &len);
    en_span skip[] = {dateline(text, "ROME:")};
    static const seed_want w[] = {
        {6, 191, PARA},           {193, 479, PARA},   {481, 600, PARA},   {602, 725, PARA | INQ},
        {727, 877, PARA},         {879, 1028, PARA},  {1030, 1253, PARA}, {1255, 1381, PARA},
        {1383, 1475, PARA | INQ}, {1477, 1677, PARA}, {1679, 1918, PARA}, {1920, 2239, PARA},
        {2241, 2416, PARA},       {2418, 2582, PARA}, {2584, 2812, PARA},
    };
    check_seed(text, len, skip, COUNT(skip), w, COUNT(w));
    free(text);
}

/* Paragraph per line, a city-and-date dateline ending in an em dash, a
 * wire sign-off after an em dash on the last line, a two-sentence quote,
 * an em dash inside a quote. */
static void test_seed_001(void **state) {
    (void)state;
    size_t len;
    char *text = read_seed("001_87289fdbf678c3dc.txt", &len);
    en_span skip[] = {dateline(text, "—"), to_line_end(text, find_marker(text, "—", 1))};
    static const seed_want w[] = {
        {19, 205, PARA},    {206, 470, PARA},   {471, 583, PARA},   {584, 868, PARA},
        {869, 1094, PARA},  {1095, 1195, PARA}, {1196, 1328, INQ},  {1329, 1484, PARA},
        {1485, 1672, PARA}, {1673, 1823, PARA}, {1824, 2063, PARA}, {2064, 2243, PARA},
    };
    check_seed(text, len, skip, COUNT(skip), w, COUNT(w));
    free(text);
}

/* Paragraph per line with several sentences per line, headline-like first
 * and last lines, Hon. before names, em dashes without spaces. */
static void test_seed_002(void **state) {
    (void)state;
    size_t len;
    char *text = read_seed("002_2b24e123b4c10f0d.txt", &len);
    static const seed_want w[] = {
        {0, 75, PARA | HEAD},
        {76, 271, PARA},
        {272, 427, 0},
        {428, 600, PARA},
        {601, 791, 0},
        {792, 905, 0},
        {906, 1057, 0},
        {1058, 1172, PARA},
        {1173, 1425, 0},
        {1426, 1657, PARA},
        {1658, 1852, 0},
        {1853, 1986, PARA},
        {1987, 2255, 0},
        {2256, 2447, PARA},
        {2448, 2762, 0},
        {2763, 2873, 0},
        {2874, 3045, 0},
        {3046, 3274, 0},
        {3275, 3601, PARA},
        {3602, 3805, 0},
        {3806, 4056, 0},
        {4057, 4266, PARA},
        {4267, 4404, 0},
        {4405, 4420, PARA | HEAD},
        {4421, 4452, PARA | HEAD},
        {4453, 4486, PARA | HEAD},
    };
    check_seed(text, len, NULL, 0, w, COUNT(w));
    free(text);
}

/* Web page: breadcrumb, section label and newsletter prompt as skip
 * spans, a headline, "Label: Text" paragraphs, indented bullet lists. */
static void test_seed_003(void **state) {
    (void)state;
    size_t len;
    char *text = read_seed("003_1dfdc79254ecc646.txt", &len);
    en_span skip[] = {
        to_line_end(text, find_marker(text, "Home", 0)),
        to_line_end(text, find_marker(text, "\nWorld\n", 0) + 1),
        to_line_end(text, find_marker(text, "Subscribe", 1)),
    };
    static const seed_want w[] = {
        {82, 148, PARA | HEAD},   {150, 393, PARA},         {395, 682, PARA},
        {684, 812, PARA},         {820, 967, PARA | BUL},   {974, 1070, PARA | BUL},
        {1072, 1270, PARA},       {1278, 1467, PARA | BUL}, {1474, 1589, PARA | BUL},
        {1596, 1722, PARA | BUL}, {1724, 1995, PARA},       {1997, 2237, PARA},
        {2239, 2474, PARA},
    };
    check_seed(text, len, skip, COUNT(skip), w, COUNT(w));
    free(text);
}

/* Paragraph per line, a city-and-date dateline, "…." inside a
 * quote, an ASCII closing quote, a quote continued on the next line. */
static void test_seed_004(void **state) {
    (void)state;
    size_t len;
    char *text = read_seed("004_2d44f72f5ea98886.txt", &len);
    en_span skip[] = {dateline(text, "—")};
    static const seed_want w[] = {
        {20, 241, PARA},    {242, 382, PARA},   {383, 599, PARA},   {600, 817, PARA},
        {818, 980, PARA},   {981, 1189, PARA},  {1190, 1432, PARA}, {1433, 1637, PARA},
        {1638, 1821, PARA}, {1822, 2100, PARA}, {2101, 2345, PARA}, {2346, 2620, PARA | INQ},
        {2621, 2844, PARA}, {2845, 3079, PARA}, {3080, 3124, PARA}, {3125, 3185, PARA},
        {3186, 3412, 0},    {3413, 3558, PARA}, {3559, 3768, PARA},
    };
    check_seed(text, len, skip, COUNT(skip), w, COUNT(w));
    free(text);
}

/* Count of '\n' in text[0..off). */
static uint32_t newlines_before(const char *text, uint32_t off) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < off; i++) n += text[i] == '\n';
    return n;
}

/* Seed 000 re-wrapped at 72 columns (spaces turned into newlines, so every
 * offset stays) must be judged hard-wrapped and split exactly as before.
 * Seed 004 with CRLF line ends must split as before, its offsets shifted by
 * one per earlier line break. */
static void test_seed_variants(void **state) {
    (void)state;
    size_t len;
    char *text = read_seed("000_bda39093d530b252.txt", &len);
    char *wrapped = malloc(len + 1);
    assert_non_null(wrapped);
    memcpy(wrapped, text, len + 1);
    size_t col = 0, breaks = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)wrapped[i];
        if (b == '\n') {
            col = 0;
            continue;
        }
        col += (b & 0xC0) != 0x80;
        if (b == ' ' && col >= 72) {
            wrapped[i] = '\n';
            col = 0;
            breaks++;
        }
    }
    assert_true(breaks > 20);
    en_span skip = dateline(text, "ROME:");
    en_tokens t1 = {0}, t2 = {0};
    en_sentences s1 = {0}, s2 = {0};
    split(text, len, &skip, 1, &t1, &s1);
    split(wrapped, len, &skip, 1, &t2, &s2);
    assert_int_equal(s1.n, s2.n);
    assert_memory_equal(s1.v, s2.v, s1.n * sizeof *s1.v);
    en_tokens_free(&t1);
    en_tokens_free(&t2);
    en_sentences_free(&s1);
    en_sentences_free(&s2);
    free(wrapped);
    free(text);

    text = read_seed("004_2d44f72f5ea98886.txt", &len);
    en_buf crlf = {0};
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') assert_int_equal(en_buf_append(&crlf, "\r", 1), 0);
        assert_int_equal(en_buf_append(&crlf, text + i, 1), 0);
    }
    en_span d1 = dateline(text, "—"), d2 = dateline(crlf.data, "—");
    split(text, len, &d1, 1, &t1, &s1);
    split(crlf.data, crlf.len, &d2, 1, &t2, &s2);
    assert_int_equal(s1.n, s2.n);
    for (size_t i = 0; i < s1.n; i++) {
        assert_int_equal(s2.v[i].start, s1.v[i].start + newlines_before(text, s1.v[i].start));
        assert_int_equal(s2.v[i].stop, s1.v[i].stop + newlines_before(text, s1.v[i].stop));
        assert_int_equal(s2.v[i].flags, s1.v[i].flags);
    }
    en_tokens_free(&t1);
    en_tokens_free(&t2);
    en_sentences_free(&s1);
    en_sentences_free(&s2);
    en_buf_free(&crlf);
    free(text);
}

/* ------------------------------------------------------------------ */
/* Folding                                                             */
/* ------------------------------------------------------------------ */

static void expect_fold(const char *s, const char *want) {
    en_buf b = {0};
    assert_int_equal(en_fold(s, strlen(s), &b), 0);
    assert_string_equal(b.len ? b.data : "", want);
    en_buf_free(&b);
}

static void test_fold(void **state) {
    (void)state;
    expect_fold("Türkiye", "turkiye");
    expect_fold("TURKIYE", "turkiye");
    expect_fold("Turkiye", "turkiye");
    expect_fold("TÜRKİYE", "turkiye");
    expect_fold("Erdoğan", "erdogan");
    expect_fold("İstanbul", "istanbul");
    expect_fold("ılık Işık", "ilik isik");
    expect_fold("Italy’s ‘x’ “y”", "italy's 'x' \"y\"");
    expect_fold("a—b c–d e‐f g−h", "a-b c-d e-f g-h");
    expect_fold("ＴＵＲＫＩＹＥ ２０２５ ﬁnance ½", "turkiye 2025 finance 1/2");
    expect_fold("Ørsted Łódź Đorđe Æsir Œuvre Straße ẞ",
                "orsted lodz dorde aesir oeuvre strasse ss");
    expect_fold("São Paulo, Zürich, Ñandú, Ελλάδα, МОСКВА",
                "sao paulo, zurich, nandu, ελλαδα, москва");
    expect_fold("한국", "한국"); /* Hangul stays composed */
    expect_fold("", "");
    expect_fold("Plain ASCII, 123!", "plain ascii, 123!");
}

static void test_fold_invalid_and_append(void **state) {
    (void)state;
    en_buf b = {0};
    assert_int_equal(en_fold("caf\xE9 \xC9T\xC9", 8, &b), 0); /* Latin-1 bytes */
    assert_string_equal(b.data, "cafe ete");
    assert_int_equal(en_fold(" X\0Y", 4, &b), 0); /* appends; NUL kept as a byte */
    assert_int_equal(b.len, 12);
    assert_memory_equal(b.data, "cafe ete x\0y", 12);
    en_buf_free(&b);
}

static void test_letter_upper(void **state) {
    (void)state;
    assert_true(en_is_letter('a'));
    assert_true(en_is_letter(0x11F));  /* ğ */
    assert_true(en_is_letter(0x4E2D)); /* 中 */
    assert_false(en_is_letter('1'));
    assert_false(en_is_letter(0x2019));
    assert_false(en_is_letter(-1));
    assert_false(en_is_letter(0x110000));
    assert_true(en_is_upper('Q'));
    assert_true(en_is_upper(0x130)); /* İ */
    assert_true(en_is_upper(0x1C5)); /* ǅ titlecase */
    assert_false(en_is_upper('q'));
    assert_false(en_is_upper(0x131)); /* ı */
    assert_false(en_is_upper(0x4E2D));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_utf8_check_valid),
        cmocka_unit_test(test_utf8_check_invalid),
        cmocka_unit_test(test_utf8_repair),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_tok_words_numbers),
        cmocka_unit_test(test_tok_flags),
        cmocka_unit_test(test_tok_possessive_apostrophe),
        cmocka_unit_test(test_tok_dotted),
        cmocka_unit_test(test_tok_quotes),
        cmocka_unit_test(test_tok_punct_runs),
        cmocka_unit_test(test_tok_dashes_bullets),
        cmocka_unit_test(test_tok_symbols_currency),
        cmocka_unit_test(test_tok_whitespace_layout),
        cmocka_unit_test(test_tok_empty_and_degenerate),
        cmocka_unit_test(test_tok_append),
        cmocka_unit_test(test_tok_invalid_input),
        cmocka_unit_test(test_large_text),
        cmocka_unit_test(test_sent_honorifics),
        cmocka_unit_test(test_sent_may_end_abbrevs),
        cmocka_unit_test(test_sent_initials),
        cmocka_unit_test(test_sent_terminators),
        cmocka_unit_test(test_sent_dashes_colons),
        cmocka_unit_test(test_sent_quotes_spanning),
        cmocka_unit_test(test_sent_multi_paragraph_quotes),
        cmocka_unit_test(test_sent_bullets),
        cmocka_unit_test(test_sent_headlines),
        cmocka_unit_test(test_sent_skip_spans),
        cmocka_unit_test(test_sent_wrapped_text),
        cmocka_unit_test(test_sent_paragraph_per_line),
        cmocka_unit_test(test_sent_degenerate),
        cmocka_unit_test(test_seed_000),
        cmocka_unit_test(test_seed_001),
        cmocka_unit_test(test_seed_002),
        cmocka_unit_test(test_seed_003),
        cmocka_unit_test(test_seed_004),
        cmocka_unit_test(test_seed_variants),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_invalid_and_append),
        cmocka_unit_test(test_letter_upper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
