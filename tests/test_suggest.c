/* test_suggest.c: the edit distance behind "did you mean" (any case, swaps count one)
 * and which mistyped words find a suggestion and which find none. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "base/suggest.h"
#include "tests/cunit_main.h"

static const char *const commands[] = {"run", "info", "boards", "check", "tui", "view", "report", "diff", "sweep"};
static const char *const options[] = {"--board", "--sram", "--clock", "--out", "--uart", "--uart-out",
                                      "--uart-in", "--max-cycles", "--max-time", "--quiet", "-o", "--help"};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_distance(void)
{
    CU_ASSERT_EQUAL(suggest_distance("", ""), 0);
    CU_ASSERT_EQUAL(suggest_distance("run", "run"), 0);
    CU_ASSERT_EQUAL(suggest_distance("RUN", "run"), 0);
    CU_ASSERT_EQUAL(suggest_distance("--ouT", "--out"), 0);
    CU_ASSERT_EQUAL(suggest_distance("rnu", "run"), 1);   /* a swap of neighbours */
    CU_ASSERT_EQUAL(suggest_distance("ru", "run"), 1);    /* a deletion */
    CU_ASSERT_EQUAL(suggest_distance("runn", "run"), 1);  /* an insertion */
    CU_ASSERT_EQUAL(suggest_distance("rum", "run"), 1);   /* a substitution */
    CU_ASSERT_EQUAL(suggest_distance("", "run"), 3);
    CU_ASSERT_EQUAL(suggest_distance("kitten", "sitting"), 3);
    CU_ASSERT_EQUAL(suggest_distance("ca", "abc"), 3); /* no edit of a swapped pair */
    CU_ASSERT_EQUAL(suggest_distance("abc", "ca"), 3);
    CU_ASSERT_EQUAL(suggest_distance("run", "run"), suggest_distance("run", "RUN"));
    char long_word[SUGGEST_MAX_LEN + 2];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = 0;
    CU_ASSERT_EQUAL(suggest_distance(long_word, "a"), SUGGEST_FAR);
    CU_ASSERT_EQUAL(suggest_distance(long_word + 1, long_word + 1), 0); /* SUGGEST_MAX_LEN is fine */
}

/* A mistyped word and the suggestion it should find (NULL: none). */
typedef struct Case {
    const char *word, *want;
} Case;

static void expect(const char *word, const char *const *cands, size_t n, const char *want)
{
    const char *got = suggest_closest(word, cands, n);
    bool right = want ? got && !strcmp(got, want) : !got;
    CU_ASSERT(right);
    if (!right)
        fprintf(stderr, "\n  '%s': got '%s', wanted '%s'\n", word, got ? got : "(none)", want ? want : "(none)");
}

static void test_commands(void)
{
    static const Case cases[] = {
        {"rnu", "run"},     {"Run", "run"},       {"ru", "run"},          {"tu", "tui"},
        {"chek", "check"},  {"reprot", "report"}, {"borads", "boards"},   {"swep", "sweep"},
        {"frobnicate", 0},  {"x", 0},             {"", 0},                {"xyz", 0},
        {"repair", 0}, /* 3 edits from report: too far */
    };
    for (size_t i = 0; i < N(cases); i++)
        expect(cases[i].word, commands, N(commands), cases[i].want);
}

static void test_options(void)
{
    static const Case cases[] = {
        {"--ouT", "--out"},           {"--OUT", "--out"},           {"--boadr", "--board"},
        {"--max-cycle", "--max-cycles"}, {"--maxcycles", "--max-cycles"}, {"--uart-ot", "--uart-out"},
        {"--quite", "--quiet"},       {"-O", "-o"}, /* one letter: only a case slip */
        {"-x", 0},                    {"--x", 0},                   {"--verbose", 0},
        {"--bogus", 0},
    };
    for (size_t i = 0; i < N(cases); i++)
        expect(cases[i].word, options, N(options), cases[i].want);
}

static void test_ties_and_empty(void)
{
    static const char *const two[] = {"abcd", "abce"};
    expect("abcf", two, 2, "abcd"); /* equally close: the earlier */
    expect("abce", two, 2, "abce"); /* exact beats close */
    expect("run", NULL, 0, NULL);
}

int main(void)
{
    static const TestCase cases[] = {
        {"distance", test_distance},
        {"commands", test_commands},
        {"options", test_options},
        {"ties and no candidates", test_ties_and_empty},
        {NULL, NULL},
    };
    static const TestSuite suites[] = {{"suggest", cases}, {NULL, NULL}};
    return cunit_run(suites);
}
