/*
 * test_lexicon.c: unit tests of the cue lexicons (engine/lexicon.c).
 *
 * Each test pins one rule: whole words, prefixes ("negotiat*"), phrases of
 * several tokens, the order in which phrases win (whole-word first tokens,
 * then long prefixes, then short ones, then the order of adding), phrases
 * that run past the end, and bad phrases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon.h"

/* Add a phrase given as space-separated folded tokens. */
static int add(en_lexicon *lx, const char *phrase) {
    char buf[256];
    const char *toks[16];
    size_t lens[16], n = 0;
    strcpy(buf, phrase);
    for (char *t = strtok(buf, " "); t && n < 16; t = strtok(NULL, " ")) {
        toks[n] = t;
        lens[n] = strlen(t);
        n++;
    }
    return en_lexicon_add(lx, toks, lens, n);
}

/* Words of a folded sentence (space-separated) as en_ftok views into s. */
static size_t words(char *s, en_ftok *out, size_t cap) {
    size_t n = 0;
    for (char *t = strtok(s, " "); t && n < cap; t = strtok(NULL, " ")) {
        out[n].s = t;
        out[n].len = (uint32_t)strlen(t);
        n++;
    }
    return n;
}

/* The lengths at every token, as "0 2 0 1" */
static void hits(en_lexicon *lx, const char *sentence, char *out) {
    char buf[512];
    en_ftok w[64];
    strcpy(buf, sentence);
    size_t n = words(buf, w, 64);
    assert_int_equal(en_lexicon_build(lx), 0);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char x[8];
        snprintf(x, sizeof x, i ? " %zu" : "%zu", en_lexicon_at(lx, w, n, i));
        strcat(out, x);
    }
}

static void whole_words_and_prefixes(void **state) {
    (void)state;
    en_lexicon *lx = en_lexicon_new();
    assert_non_null(lx);
    assert_int_equal(add(lx, "talks"), 0);
    assert_int_equal(add(lx, "negotiat*"), 0);
    assert_int_equal(en_lexicon_size(lx), 2);
    char out[256];
    hits(lx, "the talks and negotiations on negotiat talk", out);
    /* "negotiat" itself matches its own prefix; "talk" is not "talks" */
    assert_string_equal(out, "0 1 0 1 0 1 0");
    en_lexicon_free(lx);
}

static void phrases_of_several_tokens(void **state) {
    (void)state;
    en_lexicon *lx = en_lexicon_new();
    assert_int_equal(add(lx, "took delivery"), 0);
    assert_int_equal(add(lx, "letter of intent"), 0);
    assert_int_equal(add(lx, "co - produc*"), 0);
    char out[256];
    hits(lx, "india took delivery after a letter of intent to co - produce it", out);
    assert_string_equal(out, "0 2 0 0 0 3 0 0 0 3 0 0 0");
    /* a phrase that would run past the end does not match */
    hits(lx, "a letter of", out);
    assert_string_equal(out, "0 0 0");
    en_lexicon_free(lx);
}

static void order_of_winning(void **state) {
    (void)state;
    en_lexicon *lx = en_lexicon_new();
    /* added: short prefix, long prefix, then two whole-word phrases */
    assert_int_equal(add(lx, "fr* x y z"), 0);
    assert_int_equal(add(lx, "frame* x y"), 0);
    assert_int_equal(add(lx, "framework"), 0);
    assert_int_equal(add(lx, "framework x"), 0);
    char out[256];
    /* whole-word phrases come first, in the order added: "framework" wins */
    hits(lx, "framework x y z", out);
    assert_string_equal(out, "1 0 0 0");
    /* no whole word: the long prefix comes before the short one */
    hits(lx, "frames x y z", out);
    assert_string_equal(out, "3 0 0 0");
    /* only the short prefix fits */
    hits(lx, "free x y z", out);
    assert_string_equal(out, "4 0 0 0");
    en_lexicon_free(lx);
}

static void adding_drops_the_index(void **state) {
    (void)state;
    en_lexicon *lx = en_lexicon_new();
    assert_int_equal(add(lx, "deal"), 0);
    char out[256];
    hits(lx, "deal order", out);
    assert_string_equal(out, "1 0");
    assert_int_equal(add(lx, "order"), 0);
    /* not built again yet: nothing matches rather than a stale answer */
    char buf[32] = "order";
    en_ftok w[2];
    size_t n = words(buf, w, 2);
    assert_int_equal(en_lexicon_at(lx, w, n, 0), 0);
    hits(lx, "deal order", out);
    assert_string_equal(out, "1 1");
    en_lexicon_free(lx);
}

static void bad_phrases(void **state) {
    (void)state;
    en_lexicon *lx = en_lexicon_new();
    const char *star = "*";
    size_t one = 1;
    assert_int_equal(en_lexicon_add(lx, &star, &one, 1), -2);
    assert_int_equal(en_lexicon_add(lx, NULL, NULL, 0), -2);
    const char *empty = "";
    size_t zero = 0;
    assert_int_equal(en_lexicon_add(lx, &empty, &zero, 1), -2);
    assert_int_equal(en_lexicon_size(lx), 0);
    char out[64];
    hits(lx, "anything at all", out);
    assert_string_equal(out, "0 0 0");
    en_lexicon_free(lx);
    en_lexicon_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_words_and_prefixes),
        cmocka_unit_test(phrases_of_several_tokens),
        cmocka_unit_test(order_of_winning),
        cmocka_unit_test(adding_drops_the_index),
        cmocka_unit_test(bad_phrases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
