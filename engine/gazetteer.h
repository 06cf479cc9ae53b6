/*
 * gazetteer.h: a multi-pattern phrase matcher over folded tokens.
 *
 * Entries are phrases (tokenized with the text layer's tokenizer and folded
 * with en_fold), each carrying one or more caller-defined 32-bit values (the
 * caller maps a value to a type, key and attributes). Matching walks a token
 * trie from every token of a text and reports leftmost-longest,
 * non-overlapping hits. Matching cost depends on the text, not on the
 * number of entries: one hash lookup per token step.
 */
#ifndef ENTENTE_GAZETTEER_H
#define ENTENTE_GAZETTEER_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

typedef struct en_gaz en_gaz;

/* Entry flags. */
enum {
    /* Match only when the text's tokens equal the phrase's tokens exactly,
     * case and diacritics included (for acronyms like "US" that must not
     * match the word "us"). */
    EN_GAZ_EXACT = 1u << 0
};

/* A token of a text in folded form, as matching needs it. */
typedef struct en_ftok {
    const char *s; /* folded text (not NUL-terminated) */
    uint32_t len;
} en_ftok;

/* Fold every token of text (toks from en_tokenize) into one buffer and fill
 * out[0..ntok) with views into it. buf must stay alive while out is used.
 * Returns 0, or -1 when out of memory. */
int en_fold_tokens(const char *text, const en_token *toks, size_t ntok, en_buf *buf, en_ftok *out);

typedef struct en_gaz_hit {
    uint32_t tok_first; /* index of the first token */
    uint32_t ntok;      /* tokens covered */
    uint32_t values;    /* index of the first value in en_gaz_values() */
    uint32_t nvalues;   /* number of values of the matched phrase */
} en_gaz_hit;

typedef struct en_gaz_hits {
    en_gaz_hit *v;
    size_t n, cap;
} en_gaz_hits;

en_gaz *en_gaz_new(void);
void en_gaz_free(en_gaz *g);

/* Add a phrase with a value. The same phrase added again gets the new value
 * appended to its list (a phrase may mean several things). A phrase that
 * tokenizes to nothing is ignored (returns 0). Returns 0, or -1 when out
 * of memory. */
int en_gaz_add(en_gaz *g, const char *phrase, size_t len, uint32_t value, unsigned flags);

/* Number of distinct phrases, and of values over all phrases. */
size_t en_gaz_phrases(const en_gaz *g);
size_t en_gaz_size(const en_gaz *g);

/* The values array that hits index into. Valid until the next en_gaz_add. */
const uint32_t *en_gaz_values(const en_gaz *g);

/* Match over tokens [first, first+count) of text. ftok are the folded
 * tokens of the whole text (same indexing as toks). Hits are appended to
 * out in text order: from each position the longest phrase wins, and the
 * scan resumes after it. A phrase never spans a token that has
 * EN_TF_PARA_START unless it is its first token. An EN_GAZ_EXACT phrase
 * matches only when the raw token texts are byte-equal to the phrase's
 * tokens; otherwise the next-longest phrase at that position is tried.
 * Returns 0, or -1 when out of memory. */
int en_gaz_match(const en_gaz *g, const char *text, const en_token *toks, const en_ftok *ftok,
                 size_t first, size_t count, en_gaz_hits *out);

void en_gaz_hits_free(en_gaz_hits *h);

#endif
