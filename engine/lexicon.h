/*
 * lexicon.h: cue lexicons, lists of short phrases over folded tokens where
 * a token may end in '*' to match any word that starts with it
 * ("negotiat*": negotiate, negotiations).
 *
 * Relation rules ask, for every sentence, where each of a dozen lexicons
 * (stage cues, negation, modality, conflict words) matches. A lexicon
 * answers for a run of folded tokens with, at each token, the end of the
 * phrase that matches there, or nothing.
 *
 * Which phrase wins at a token is fixed so that rules can rely on it:
 * phrases whose first token is a whole word come first, then phrases whose
 * first token is a prefix of three bytes or more, then those with a
 * shorter prefix; inside each class, the order in which they were added.
 * The first phrase in that order that matches wins (not the longest).
 */
#ifndef EN_LEXICON_H
#define EN_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "gazetteer.h"

typedef struct en_lexicon en_lexicon;

en_lexicon *en_lexicon_new(void);
void en_lexicon_free(en_lexicon *lx);

/* Add a phrase of ntok folded tokens; a token ending in '*' (and longer
 * than the star) is a prefix. Returns 0, -1 when out of memory, -2 for an
 * empty phrase or token. */
int en_lexicon_add(en_lexicon *lx, const char *const *toks, const size_t *lens, size_t ntok);

/* Number of phrases. */
size_t en_lexicon_size(const en_lexicon *lx);

/* Build the index after the last add (adding again drops it). Returns 0,
 * or -1 when out of memory. */
int en_lexicon_build(en_lexicon *lx);

/* At token i of w[0..n), the number of tokens of the winning phrase, or 0
 * when none matches there or the index is not built. */
size_t en_lexicon_at(en_lexicon *lx, const en_ftok *w, size_t n, size_t i);

/* The hashes a lexicon keys tokens by: of the whole folded token
 * (wild = 0), and of its first three bytes (wild = 1, for tokens of three
 * bytes or more). Never 0. */
uint32_t en_lexicon_hash(const char *s, size_t n, int wild);

/* en_lexicon_at with token i's two hashes given (h3 is ignored for tokens
 * shorter than three bytes): for callers that ask many lexicons about the
 * same tokens and hash each token once. */
size_t en_lexicon_at_hashed(en_lexicon *lx, const en_ftok *w, size_t n, size_t i, uint32_t h,
                            uint32_t h3);

#endif
