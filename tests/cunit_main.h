/* cunit_main.h: a shared main() for the CUnit test programs (one per module). */
#ifndef BAREGC_CUNIT_MAIN_H
#define BAREGC_CUNIT_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct TestCase {
    const char *name;
    void (*fn)(void);
} TestCase;

typedef struct TestSuite {
    const char *name;
    const TestCase *cases; /* terminated by {NULL, NULL} */
} TestSuite;

/* Registers the suites (terminated by {NULL, NULL}), runs them verbosely, and
 * returns the process exit status: 0 only if every test ran and passed. */
static inline int cunit_run(const TestSuite *suites)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    for (const TestSuite *s = suites; s->name; s++) {
        CU_pSuite cs = CU_add_suite(s->name, NULL, NULL);
        if (!cs)
            return 1;
        for (const TestCase *t = s->cases; t->name; t++)
            if (!CU_add_test(cs, t->name, t->fn))
                return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed == 0 && ran > 0) ? 0 : 1;
}

#endif
