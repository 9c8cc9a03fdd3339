/* test_outputs.c: outputs whatever the inputs and the places: files written whole or
 * through to a device (base/outfile), valid UTF-8 (base/utf8) in JSON, XML, HTML and
 * gctrace.log, gctrace's figures for any 8-byte value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cunit_main.h"
#include "base/outfile.h"
#include "base/utf8.h"
#include "base/util.h"
#include "traces/budget.h"
#include "traces/stats.h"
#include "traces/svg.h"
#include "traces/traces.h"

static char *tmpdir;

static char *path_in(const char *name) { return xasprintf("%s/%s", tmpdir, name); }

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = xmalloc(4096);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Every byte of text is valid UTF-8. */
static bool valid_utf8(const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = utf8_seq_len(p);
        if (!n)
            return false;
        p += n;
    }
    return true;
}

/* ---- base/outfile ---- */

static void test_outfile_regular(void)
{
    char *p = path_in("plain.txt"), *err = NULL;
    CU_ASSERT_EQUAL(outfile_write_bytes(p, "old\n", 4, &err), 0);
    chmod(p, 0640);
    CU_ASSERT_EQUAL(outfile_write_bytes(p, "new\n", 4, &err), 0);
    char *text = slurp(p);
    CU_ASSERT_STRING_EQUAL(text, "new\n");
    struct stat st;
    CU_ASSERT_EQUAL(stat(p, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0640); /* the replaced file's permissions */
    free(text);
    free(p);
}

/* A symbolic link stays a link; its target gets the content (an existing file, or a
 * new one where the link dangles). */
static void test_outfile_symlink(void)
{
    char *target = path_in("target.txt"), *link = path_in("link.txt"), *err = NULL;
    CU_ASSERT_EQUAL(outfile_write_bytes(target, "old\n", 4, &err), 0);
    CU_ASSERT_EQUAL(symlink(target, link), 0);
    CU_ASSERT_EQUAL(outfile_write_bytes(link, "via link\n", 9, &err), 0);
    struct stat st;
    CU_ASSERT(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    char *text = slurp(target);
    CU_ASSERT_STRING_EQUAL(text, "via link\n");
    free(text);
    char *dangling = path_in("dangling.txt"), *missing = path_in("missing.txt");
    CU_ASSERT_EQUAL(symlink(missing, dangling), 0);
    CU_ASSERT_EQUAL(outfile_write_bytes(dangling, "made\n", 5, &err), 0);
    CU_ASSERT(lstat(dangling, &st) == 0 && S_ISLNK(st.st_mode));
    text = slurp(missing);
    CU_ASSERT_STRING_EQUAL(text, "made\n");
    free(text);
    free(missing);
    free(dangling);
    free(target);
    free(link);
}

/* A character device to write to: as root, a node of our own in tmpdir (a regression
 * that replaced it would replace only that), else the system's /dev/NAME, which only
 * root could replace. NULL when there is none to use. */
static char *char_device(const char *name, unsigned minor)
{
    char *p = geteuid() == 0 ? path_in(name) : xasprintf("/dev/%s", name);
    if (geteuid() == 0 && mknod(p, S_IFCHR | 0666, makedev(1, minor)) != 0) {
        free(p);
        return NULL;
    }
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISCHR(st.st_mode) || access(p, W_OK) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* A device is written through, never replaced by a regular file; a write error on it
 * is reported. A directory is refused. */
static void test_outfile_special(void)
{
    char *err = NULL;
    struct stat st;
    char *null = char_device("null", 3), *full = char_device("full", 7);
    if (null) {
        CU_ASSERT_EQUAL(outfile_write_bytes(null, "x", 1, &err), 0);
        CU_ASSERT(stat(null, &st) == 0 && S_ISCHR(st.st_mode));
    } else {
        fprintf(stderr, "(no null device to use: its case not run)\n");
    }
    if (full) {
        CU_ASSERT_EQUAL(outfile_write_bytes(full, "x", 1, &err), -1);
        CU_ASSERT(err && strstr(err, full) && strstr(err, "No space left"));
        free(err);
        err = NULL;
        CU_ASSERT(stat(full, &st) == 0 && S_ISCHR(st.st_mode));
    } else {
        fprintf(stderr, "(no full device to use: its case not run)\n");
    }
    free(null);
    free(full);
    CU_ASSERT_EQUAL(outfile_write_bytes(tmpdir, "x", 1, &err), -1);
    CU_ASSERT(err && strstr(err, "is a directory"));
    free(err);
}

/* A writer that fails leaves the old file as it was and no temporary file behind. */
static int failing_writer(void *ctx, FILE *f, char **err)
{
    (void)ctx;
    fputs("half", f);
    set_err(err, "the writer gave up");
    return -1;
}

static void test_outfile_failure(void)
{
    char *p = path_in("kept.txt"), *err = NULL;
    CU_ASSERT_EQUAL(outfile_write_bytes(p, "kept\n", 5, &err), 0);
    CU_ASSERT_EQUAL(outfile_write(p, failing_writer, NULL, &err), -1);
    CU_ASSERT(err && strstr(err, "the writer gave up"));
    free(err);
    char *text = slurp(p);
    CU_ASSERT_STRING_EQUAL(text, "kept\n");
    free(text);
    char *cmd = xasprintf("ls -a %s | grep -q tmp", tmpdir);
    CU_ASSERT_NOT_EQUAL(system(cmd), 0);
    free(cmd);
    free(p);
}

/* ---- base/utf8 and the text writers ---- */

static void test_utf8_clean(void)
{
    char *c = utf8_clean("ok \xc3\xa9 \xff\xfe \xed\xa0\x80 \xc0\xaf end\xe2\x82");
    CU_ASSERT(valid_utf8(c));
    CU_ASSERT_STRING_EQUAL(c, "ok \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
                              "\xef\xbf\xbd\xef\xbf\xbd end\xef\xbf\xbd\xef\xbf\xbd");
    free(c);
    CU_ASSERT_PTR_NULL(utf8_clean(NULL));
    /* utf8_put writes what utf8_next read */
    const uint32_t cps[] = {0x41, 0xe9, 0x20ac, 0x1f600, 0x10ffff};
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    for (size_t i = 0; i < ARRAY_SIZE(cps); i++)
        utf8_put(f, cps[i]);
    fclose(f);
    const char *s = text;
    for (size_t i = 0; i < ARRAY_SIZE(cps); i++)
        CU_ASSERT_EQUAL(utf8_next(&s), cps[i]);
    CU_ASSERT_EQUAL(*s, 0);
    free(text);
}

/* Raw control bytes and bytes that are not UTF-8 in the names: the JUnit XML is still
 * well-formed (no raw \x01, no raw 0xff), the HTML valid UTF-8. */
static void test_xml_html_escaped(void)
{
    Measured m = {0};
    m.image = xstrdup("fw\x01\xff.elf");
    m.board = xstrdup("b<\xc3\xa9>");
    m.runtime = xstrdup("rt");
    m.exit_reason = xstrdup("hardfault");
    m.exit_code = 82;
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(budget_write_junit_failed(&m, "the firmware stopped: hardfault \x02\xfe", f), 0);
    fclose(f);
    CU_ASSERT(valid_utf8(text));
    for (const char *p = text; *p; p++)
        CU_ASSERT((unsigned char)*p >= 0x20 || *p == '\n');
    CU_ASSERT(strstr(text, "value=\"fw?\xef\xbf\xbd.elf\"") != NULL);
    CU_ASSERT(strstr(text, "value=\"b&lt;\xc3\xa9&gt;\"") != NULL);
    CU_ASSERT(strstr(text, "tests=\"1\" failures=\"1\"") != NULL);
    CU_ASSERT(strstr(text, "<testcase classname=\"baregc.run\" name=\"run\">") != NULL);
    CU_ASSERT(strstr(text, "<failure message=\"the firmware stopped: hardfault ?\xef\xbf\xbd\"") != NULL);
    CU_ASSERT(strstr(text, "<property name=\"exit_code\" value=\"82\"/>") != NULL);
    free(text);
    measured_free(&m);

    f = open_memstream(&text, &len);
    html_escape(f, "a\xff<\x01\xe2\x82\xac");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(text, "a\xef\xbf\xbd&lt;?\xe2\x82\xac");
    free(text);
}

/* summary.json and gctrace.log from a recording whose names are not UTF-8, and whose
 * heap figures are a guest's 8-byte counter (0x5555555555555555 bytes). */
static void test_summary_gctrace_hostile(void)
{
    Recording *r = rec_new();
    r->run.image = xstrdup("/tmp/\xff\xfeimage.elf");
    r->run.board = xstrdup("mps2-an385");
    r->run.core = xstrdup("cortex-m3");
    r->run.runtime = xstrdup("prof\x80le");
    r->run.exit_reason = xstrdup("exit");
    r->run.clock_hz = 1000000;
    rec_pause_begin(r, 100, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 200);
    r->run.cycles = 1000;
    RecPause *p = &r->pauses[0];
    p->heap_before = 6148914691236517205;
    p->heap_after = 6148914691236517205;
    p->free_after = 6148914691236517205; /* heap_after + free_after overflows */
    p->freed_bytes = INT64_MAX;
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(gctrace_write(r, f), 0);
    fclose(f);
    CU_ASSERT(valid_utf8(text));
    CU_ASSERT(strstr(text, ": 100.000+0+0 us clock, 6004799503160661.3->6004799503160661.3->6004799503160661.3 KB, "
                           "? KB heap, 9007199254740992.0 KB freed") != NULL);
    free(text);
    Stats s;
    stats_compute(r, &s);
    f = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(summary_write_json(r, &s, f), 0);
    fclose(f);
    CU_ASSERT(valid_utf8(text));
    CU_ASSERT(strstr(text, "\"image\":\t\"/tmp/\xef\xbf\xbd\xef\xbf\xbdimage.elf\"") != NULL);
    CU_ASSERT(strstr(text, "\"runtime\":\t\"prof\xef\xbf\xbdle\"") != NULL);
    free(text);
    stats_free(&s);
    rec_free(r);
}

static const TestCase outfile_cases[] = {
    {"a regular file replaced whole", test_outfile_regular},
    {"a symbolic link written through", test_outfile_symlink},
    {"devices written through, directories refused", test_outfile_special},
    {"a failed write keeps the old file", test_outfile_failure},
    {NULL, NULL},
};

static const TestCase text_cases[] = {
    {"utf8_clean, utf8_put", test_utf8_clean},
    {"JUnit XML and HTML well-formed", test_xml_html_escaped},
    {"summary.json and gctrace.log from hostile values", test_summary_gctrace_hostile},
    {NULL, NULL},
};

int main(void)
{
    char tmpl[] = "/tmp/baregc-outputs.XXXXXX";
    tmpdir = mkdtemp(tmpl);
    if (!tmpdir)
        return 1;
    const TestSuite suites[] = {{"outfile", outfile_cases}, {"text", text_cases}, {NULL, NULL}};
    int rc = cunit_run(suites);
    char *cmd = xasprintf("rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = 1;
    free(cmd);
    return rc;
}
