/* budget_out.c: the verdicts of `baregc check` written out: the table for people and
 * JUnit XML for CI. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "traces/budget.h"

/* The decimals an item's values are shown with. */
static int value_decimals(const BudgetResult *r)
{
    if (!strcmp(r->unit, "us"))
        return 3;
    if (!strcmp(r->unit, "bytes") || !strcmp(r->name, "max_alloc_failures") || !strcmp(r->name, "min_pauses"))
        return 0;
    return 6; /* fractions, the MMU windows included */
}

static void fmt_value(char *buf, size_t n, const BudgetResult *r, double v)
{
    const char *unit = !strcmp(r->unit, "us") ? " us" : !strcmp(r->unit, "bytes") ? " B" : "";
    snprintf(buf, n, "%.*f%s", value_decimals(r), v, unit);
}

/* "1031.793560 ms" from ns, in integers. */
static void fmt_ms(char *buf, size_t n, uint64_t ns)
{
    snprintf(buf, n, "%" PRIu64 ".%06" PRIu64 " ms", ns / 1000000u, ns % 1000000u);
}

static void fmt_pct(char *buf, size_t n, double pct)
{
    if (isinf(pct))
        snprintf(buf, n, "%s", pct > 0 ? "worse (was 0)" : "better (was 0)");
    else if (pct == 0)
        snprintf(buf, n, "unchanged");
    else
        snprintf(buf, n, "%.2f%% %s", fabs(pct), pct > 0 ? "worse" : "better");
}

/* The measured value, the limit and the margin of r, as the table shows them. */
static void fmt_item(const BudgetResult *r, char mv[48], char lv[48], char mg[48])
{
    if (r->known) {
        fmt_value(mv, 48, r, r->measured);
        fmt_value(mg, 48, r, r->margin);
    } else {
        snprintf(mv, 48, r->why[0] ? "n/a" : "unknown");
        snprintf(mg, 48, "-");
    }
    fmt_value(lv, 48, r, r->limit);
}

/* "worst pause: #N at T ms, L us, trigger X" (no newline), for a run with a pause. */
static void fmt_worst_pause(char *buf, size_t n, const Measured *m)
{
    char t[48] = "an unknown time";
    if (m->worst_pause_time_known)
        fmt_ms(t, sizeof t, m->worst_pause_start_ns);
    snprintf(buf, n, "worst pause: #%" PRIu64 " at %s, %.3f us, trigger %s", m->worst_pause, t, m->worst_pause_us,
             m->worst_trigger ? m->worst_trigger : "unknown");
}

void budget_print_table(const BudgetReport *rep, const Measured *m, FILE *f)
{
    fprintf(f, "baregc check: %s on %s (%s), %.6f s simulated, ended by %s\n", m->image ? m->image : "?",
            m->board ? m->board : "?", m->runtime ? m->runtime : "?", m->seconds,
            m->exit_reason ? m->exit_reason : "?");
    fprintf(f, "  %-26s %16s    %16s %16s  %s\n", "item", "measured", "limit", "margin", "result");
    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *r = &rep->items[i];
        char mv[48], lv[48], mg[48];
        fmt_item(r, mv, lv, mg);
        fprintf(f, "  %-26s %16s %s %16s %16s  %s\n", r->name, mv, r->is_min ? ">=" : "<=", lv, mg,
                r->pass ? "PASS" : "FAIL");
        if (!r->known && r->why[0])
            fprintf(f, "    (n/a: %s)\n", r->why);
    }
    if (rep->baseline) {
        fprintf(f, "against the baseline (tolerance %.2f%%):\n", rep->tolerance);
        for (size_t i = 0; i < rep->nitems; i++) {
            const BudgetResult *r = &rep->items[i];
            char bv[48], mv[48], pc[48];
            if (!r->has_base) {
                fprintf(f, "  %-26s %s\n", r->name,
                        !strcmp(r->name, "min_pauses") ? "not compared"
                        : r->known ? "not in the baseline" : "not measured");
                continue;
            }
            fmt_value(bv, sizeof bv, r, r->base);
            fmt_value(mv, sizeof mv, r, r->measured);
            fmt_pct(pc, sizeof pc, r->worse_pct);
            fprintf(f, "  %-26s %16s -> %16s  %-20s  %s\n", r->name, bv, mv, pc, r->regressed ? "REGRESSED" : "ok");
        }
    }
    if (m->worst_pause) {
        char w[200];
        fmt_worst_pause(w, sizeof w, m);
        fprintf(f, "%s\n", w);
        for (size_t i = 0; i < m->nframes; i++)
            fprintf(f, "    %s\n", m->frames[i]);
        if (!m->nframes && m->stack_note)
            fprintf(f, "    (%s)\n", m->stack_note);
    } else {
        fprintf(f, "worst pause: none (no collections)\n");
    }
    if (!rep->failures && !rep->regressions)
        fprintf(f, "PASS: %zu of %zu items within budget%s\n", rep->nitems, rep->nitems,
                rep->baseline ? ", no regression against the baseline" : "");
    else if (rep->baseline)
        fprintf(f, "FAIL: %zu of %zu items beyond budget, %zu regressed against the baseline\n", rep->failures,
                rep->nitems, rep->regressions);
    else
        fprintf(f, "FAIL: %zu of %zu items beyond budget\n", rep->failures, rep->nitems);
}

/* ---- JUnit XML ---- */

/* Text or attribute value, well-formed whatever the bytes: markup characters escaped;
 * characters XML 1.0 does not allow (control characters) become '?', bytes that are not
 * UTF-8 U+FFFD. */
static void xml_escaped(FILE *f, const char *s)
{
    while (*s) {
        uint32_t c = utf8_next(&s);
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\t': fputs("&#9;", f); break;
        default:
            if (!utf8_xml_char(c))
                fputc('?', f);
            else
                utf8_put(f, c); /* a byte that is not UTF-8: U+FFFD */
            break;
        }
    }
}

/* One property of a testcase: its name and value. */
typedef struct JunitProp {
    const char *name;
    char value[48];
} JunitProp;

/* A testcase with its properties (the values behind its verdict, for tools), its
 * failure when it failed, and the same values as text in system-out when it passed. */
static void junit_case(FILE *f, const char *cls, const char *name, const JunitProp *props, size_t nprops,
                       const char *failure, const char *body, const char *out)
{
    fputs("    <testcase classname=\"", f);
    xml_escaped(f, cls);
    fputs("\" name=\"", f);
    xml_escaped(f, name);
    fputs("\">\n      <properties>\n", f);
    for (size_t i = 0; i < nprops; i++) {
        fputs("        <property name=\"", f);
        xml_escaped(f, props[i].name);
        fputs("\" value=\"", f);
        xml_escaped(f, props[i].value);
        fputs("\"/>\n", f);
    }
    fputs("      </properties>\n", f);
    if (failure) {
        fputs("      <failure message=\"", f);
        xml_escaped(f, failure);
        fputs("\" type=\"", f);
        xml_escaped(f, cls);
        fputs("\">", f);
        xml_escaped(f, body);
        fputs("</failure>\n", f);
    } else {
        fputs("      <system-out>", f);
        xml_escaped(f, out);
        fputs("</system-out>\n", f);
    }
    fputs("    </testcase>\n", f);
}

/* A value of item r as a property: a number as the table shows it, without the unit. */
static void prop_num(JunitProp *p, const char *name, const BudgetResult *r, double v)
{
    p->name = name;
    snprintf(p->value, sizeof p->value, "%.*f", value_decimals(r), v);
}

static void prop_text(JunitProp *p, const char *name, const char *v)
{
    p->name = name;
    snprintf(p->value, sizeof p->value, "%s", v);
}

/* Whether the worst pause says something about an item: the pause lengths only (not
 * the heap, the headroom, the MMU or the GC CPU fraction). */
static bool is_pause_item(const BudgetResult *r)
{
    return !strcmp(r->unit, "us");
}

/* The document's start: the suite of `tests` testcases and its properties (the run's,
 * when m is not NULL). */
static void junit_begin(FILE *f, const Measured *m, size_t tests, size_t failures)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"baregc check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", tests, failures);
    fprintf(f, "  <testsuite name=\"baregc\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", tests,
            failures);
    fputs("    <properties>\n", f);
    const char *props[][2] = {{"image", m ? m->image : NULL}, {"board", m ? m->board : NULL},
                              {"runtime", m ? m->runtime : NULL}, {"exit_reason", m ? m->exit_reason : NULL}};
    for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
        fputs("      <property name=\"", f);
        xml_escaped(f, props[i][0]);
        fputs("\" value=\"", f);
        xml_escaped(f, props[i][1] ? props[i][1] : "");
        fputs("\"/>\n", f);
    }
    fputs("    </properties>\n", f);
}

int budget_write_junit_failed(const Measured *m, const char *why, FILE *f)
{
    junit_begin(f, m, 1, 1);
    JunitProp jp[1];
    char code[24];
    size_t np = 0;
    if (m && m->exit_reason) {
        snprintf(code, sizeof code, "%d", m->exit_code);
        prop_text(&jp[np++], "exit_code", code);
    }
    junit_case(f, "baregc.run", "run", jp, np, why, why, NULL);
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}

int budget_write_junit(const BudgetReport *rep, const Measured *m, FILE *f)
{
    size_t ncompared = 0;
    for (size_t i = 0; i < rep->nitems; i++)
        ncompared += rep->items[i].has_base;
    size_t tests = rep->nitems + ncompared;
    size_t failures = rep->failures + rep->regressions;
    junit_begin(f, m, tests, failures);

    /* The worst pause, told with every failing item (a CI page shows only the failure). */
    char *worst = NULL;
    if (m->worst_pause) {
        size_t len = 0;
        for (size_t i = 0; i < m->nframes; i++)
            len += strlen(m->frames[i]) + 8;
        worst = xmalloc(len + 200);
        worst[0] = '\n';
        fmt_worst_pause(worst + 1, 199, m);
        char *p = worst + strlen(worst);
        for (size_t i = 0; i < m->nframes; i++)
            p += sprintf(p, "\n    %s", m->frames[i]);
    }

    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *r = &rep->items[i];
        const char *cmp = r->is_min ? ">=" : "<=";
        const char *stack = worst && is_pause_item(r) ? worst : "";
        char mv[48], lv[48], mg[48], msg[320];
        fmt_item(r, mv, lv, mg);
        char *text = r->known     ? xasprintf("measured %s, limit %s %s, margin %s", mv, cmp, lv, mg)
                     : r->why[0] ? xasprintf("n/a: %s, limit %s %s", r->why, cmp, lv)
                                 : xasprintf("not measured by this run, limit %s %s", cmp, lv);
        JunitProp jp[5];
        size_t np = 0;
        if (r->known)
            prop_num(&jp[np++], "measured", r, r->measured);
        prop_num(&jp[np++], "limit", r, r->limit);
        prop_text(&jp[np++], "comparison", cmp);
        if (r->known)
            prop_num(&jp[np++], "margin", r, r->margin);
        prop_text(&jp[np++], "unit", r->unit);
        char *body = NULL;
        if (!r->pass) {
            if (r->known)
                snprintf(msg, sizeof msg, "%s = %s, beyond the limit %s %s", r->name, mv, cmp, lv);
            else
                snprintf(msg, sizeof msg, "%s: %s%s (limit %s %s)", r->name,
                         r->why[0] ? "n/a: " : "not measured by this run", r->why, cmp, lv);
            body = xasprintf("%s%s", text, stack);
        }
        junit_case(f, "baregc.budget", r->name, jp, np, r->pass ? NULL : msg, body, text);
        free(body);
        free(text);
    }
    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *r = &rep->items[i];
        if (!r->has_base)
            continue;
        char bv[48], mv[48], pc[48], msg[320], *body = NULL;
        fmt_value(bv, sizeof bv, r, r->base);
        fmt_value(mv, sizeof mv, r, r->measured);
        fmt_pct(pc, sizeof pc, r->worse_pct);
        char *text = xasprintf("baseline %s, now %s: %s", bv, mv, pc);
        JunitProp jp[5];
        prop_num(&jp[0], "baseline", r, r->base);
        prop_num(&jp[1], "measured", r, r->measured);
        snprintf(jp[2].value, sizeof jp[2].value, "%.2f", r->worse_pct);
        jp[2].name = "worse_pct";
        snprintf(jp[3].value, sizeof jp[3].value, "%.2f", rep->tolerance);
        jp[3].name = "tolerance_pct";
        prop_text(&jp[4], "unit", r->unit);
        if (r->regressed) {
            snprintf(msg, sizeof msg, "%s regressed: %s -> %s (%s, tolerance %.2f%%)", r->name, bv, mv, pc,
                     rep->tolerance);
            body = xasprintf("%s%s", text, worst && is_pause_item(r) ? worst : "");
        }
        junit_case(f, "baregc.baseline", r->name, jp, ARRAY_SIZE(jp), r->regressed ? msg : NULL, body, text);
        free(body);
        free(text);
    }
    free(worst);
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}
