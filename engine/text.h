/*
 * text.h: the text layer of entente.
 *
 * UTF-8 validation and repair, the tokenizer, the sentence splitter and
 * folding for matching. Everything works on byte offsets into the original
 * text; nothing here changes the text it is given. All functions are
 * reentrant and thread-safe (no global mutable state).
 */
#ifndef ENTENTE_TEXT_H
#define ENTENTE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Growable buffers                                                    */
/* ------------------------------------------------------------------ */

/* A growable byte buffer. Zero-initialise ({0}) before first use. */
typedef struct en_buf {
    char *data; /* NUL-terminated when len > 0 or after en_buf_reserve */
    size_t len;
    size_t cap;
} en_buf;

/* Make room for n more bytes (plus a NUL). Returns 0, or -1 when out of memory. */
int en_buf_reserve(en_buf *b, size_t n);
/* Append n bytes. Returns 0, or -1 when out of memory. */
int en_buf_append(en_buf *b, const void *p, size_t n);
void en_buf_free(en_buf *b);

/* Grow the array p of elem-byte elements so that it holds need elements,
 * doubling its capacity. Returns the (possibly moved) array, or NULL when
 * out of memory or the size would overflow; then p and *cap are untouched. */
void *en_grow_array(void *p, size_t *cap, size_t need, size_t elem);

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */
/* ------------------------------------------------------------------ */

/* Return the byte offset of the first invalid UTF-8 sequence in s, or len
 * when s is valid. NUL bytes count as invalid (a document never holds one).
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t en_utf8_check(const char *s, size_t len);

/* Append s to out, replacing every maximal invalid sequence (and every NUL
 * byte) with one U+FFFD. Returns the number of replacements made (0: out is an exact
 * copy), or -1 when out of memory. *first_bad receives the byte offset in
 * s of the first replacement (unchanged when none). */
long en_utf8_repair(const char *s, size_t len, en_buf *out, size_t *first_bad);

/* Decode one code point at s[i] (s valid UTF-8). Stores its length in *n. */
int32_t en_utf8_decode(const char *s, size_t len, size_t i, int *n);

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

typedef enum en_tokkind {
    EN_TOK_WORD = 1, /* letters, possibly with digits (G2G, 2pm, K9) and
                        internal dots for dotted acronyms (U.S., A.Ş.) */
    EN_TOK_NUMBER,   /* digits with internal , or . between digits (21.2, 24,150) */
    EN_TOK_PUNCT,    /* . , ; : ! ? ( ) [ ] ' " and the like, one per token
                        except runs of the same mark ("...", "?!") */
    EN_TOK_QUOTE,    /* " “ ” ‘ ’ « » „ and ' when used as a quote */
    EN_TOK_DASH,     /* - – — ‒ ― (hyphens, en and em dashes) */
    EN_TOK_SYMBOL,   /* $ € £ ¥ ₩ % & @ # + = » • and other symbols */
    EN_TOK_BULLET    /* a bullet mark that starts a line: • ● ▪ ◦ · - * */
} en_tokkind;

/* Token flags. */
enum {
    EN_TF_SPACE_BEFORE = 1u << 0, /* whitespace between this token and the previous one */
    EN_TF_LINE_START = 1u << 1,   /* first token on its line */
    EN_TF_PARA_START = 1u << 2,   /* first token after a blank line (or of the text) */
    EN_TF_CAP = 1u << 3,          /* first character is an uppercase letter */
    EN_TF_UPPER = 1u << 4,        /* all letters uppercase, at least two letters */
    EN_TF_DIGIT = 1u << 5,        /* contains a digit */
    EN_TF_ALPHA = 1u << 6,        /* contains a letter */
    EN_TF_OPEN = 1u << 7,         /* quote or bracket that opens */
    EN_TF_CLOSE = 1u << 8,        /* quote or bracket that closes */
    EN_TF_DOTTED = 1u << 9        /* word with internal dots (U.S., A.Ş.) */
};

typedef struct en_token {
    uint32_t start; /* byte offset of the first byte */
    uint32_t stop;  /* byte offset one past the last byte */
    uint16_t kind;  /* en_tokkind */
    uint16_t flags; /* EN_TF_* */
} en_token;

typedef struct en_tokens {
    en_token *v;
    size_t n;
    size_t cap;
} en_tokens;

/* Tokenize text[0..len) (valid UTF-8) and append tokens to out. Whitespace
 * (including NBSP and other Unicode spaces) separates tokens and is never a
 * token. A possessive "'s" / "’s" after a word is its own token. Returns 0,
 * or -1 when out of memory. Texts are limited to 4 GiB (uint32 offsets). */
int en_tokenize(const char *text, size_t len, en_tokens *out);
void en_tokens_free(en_tokens *t);

/* ------------------------------------------------------------------ */
/* Sentences                                                           */
/* ------------------------------------------------------------------ */

/* Sentence flags. */
enum {
    EN_SF_PARA_START = 1u << 0, /* first sentence of a paragraph */
    EN_SF_IN_QUOTE = 1u << 1,   /* a quotation opened earlier is still open at its start */
    EN_SF_HEADLINE = 1u << 2,   /* a line of its own without final punctuation */
    EN_SF_BULLET = 1u << 3      /* starts after a bullet mark */
};

typedef struct en_sentence {
    uint32_t start;     /* byte offset of the first token */
    uint32_t stop;      /* byte offset one past the last token */
    uint32_t tok_first; /* index of the first token in the token array */
    uint32_t tok_count; /* number of tokens */
    uint32_t flags;     /* EN_SF_* */
} en_sentence;

typedef struct en_sentences {
    en_sentence *v;
    size_t n;
    size_t cap;
} en_sentences;

/* A byte range to leave out of sentences (boilerplate, dateline, sign-off). */
typedef struct en_span {
    uint32_t start, stop;
} en_span;

/* Split tokens (from en_tokenize over the same text) into sentences and
 * append them to out. Tokens inside any of the `skip` spans (sorted by
 * start, non-overlapping; may be NULL when nskip is 0) belong to no
 * sentence, and a skip span always ends a sentence. Bullet marks belong to
 * no sentence. Returns 0, or -1 when out of memory.
 *
 * Handles abbreviations and honorifics (Dr., Gen., Inc., Sdn. Bhd., No.,
 * Jan.), initials (K. Nordin), dotted acronyms (U.S.), quotes that span
 * sentences (the closing quote stays with the sentence it closes), bullet
 * lists, headlines and other lines without final punctuation, and both
 * paragraph-per-line and hard-wrapped text (detected per text). */
int en_split_sentences(const char *text, size_t len, const en_token *toks, size_t ntok,
                       const en_span *skip, size_t nskip, en_sentences *out);
void en_sentences_free(en_sentences *s);

/* ------------------------------------------------------------------ */
/* Folding                                                             */
/* ------------------------------------------------------------------ */

/* Append the match key of s[0..len) to out: NFKC compatibility forms,
 * case folded, diacritics removed, so that "Türkiye" and "TURKIYE" give
 * "turkiye" and "Erdoğan" gives "erdogan". Also maps ı→i, ø→o, ł→l, đ→d,
 * æ→ae, œ→oe, ß→ss, curly quotes and apostrophes to ', and all dashes to
 * '-' (single curly quotes become ', double ones "). ASCII input takes a fast path that allocates
 * nothing beyond out. Invalid UTF-8 is folded byte by byte as if Latin-1. Returns 0, or -1 when out
 * of memory. */
int en_fold(const char *s, size_t len, en_buf *out);

/* Is code point c a letter (Unicode category L*)? An uppercase letter? */
int en_is_letter(int32_t c);
int en_is_upper(int32_t c);

#endif
