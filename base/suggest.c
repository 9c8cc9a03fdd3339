/* suggest.c: the closest known word to a mistyped one (edit distance, any case). */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "base/suggest.h"

size_t suggest_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
        return SUGGEST_FAR;
    /* d[i][j]: distance between the first i bytes of a and the first j of b. */
    unsigned d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
            unsigned best = d[i - 1][j - 1] + (ai != bj);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == bj && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
    size_t core = strlen(word) - strspn(word, "-");
    size_t limit = core < 2 ? 0 : core / 3 > 1 ? core / 3 : 1;
    const char *best = NULL;
    size_t best_d = SUGGEST_FAR;
    for (size_t i = 0; i < n; i++) {
        size_t d = suggest_distance(word, cands[i]);
        if (d <= limit && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}
