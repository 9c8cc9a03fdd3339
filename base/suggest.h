/* suggest.h: "did you mean ...?": the known word closest to a mistyped one. */
#ifndef BAREGC_SUGGEST_H
#define BAREGC_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b, ignoring ASCII case: insertions, deletions,
 * substitutions and swaps of two neighbouring characters count 1 each (optimal string
 * alignment). Words longer than SUGGEST_MAX_LEN bytes are SUGGEST_FAR from anything. */
#define SUGGEST_MAX_LEN 64
#define SUGGEST_FAR ((size_t)-1)
size_t suggest_distance(const char *a, const char *b);

/* The candidate closest to word when it is close enough to be a typing slip, else
 * NULL. Close: at most one edit per three characters of the word not counting its
 * leading dashes, and at least one when there are two or more ("rnu" finds "run",
 * "--ouT" finds "--out"); a one-letter word only differing in case ("-O": "-o"). An exact match is found too (the caller asks only for
 * words it did not know). Ties go to the earlier candidate. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
