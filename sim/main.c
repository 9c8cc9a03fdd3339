/* main.c: the baregc program: dispatches to the subcommands in sim/cmd_*.c. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/stopsig.h"
#include "base/suggest.h"
#include "base/util.h"
#include "sim/cmd.h"
#include "sim/exitcode.h"

static const Command *const commands[] = {&cmd_run,    &cmd_info, &cmd_boards, &cmd_check, &cmd_tui, &cmd_view,
                                          &cmd_report, &cmd_diff, &cmd_sweep,  NULL};

static void usage(FILE *out)
{
    fprintf(out, "Usage: baregc COMMAND [OPTIONS] ...\n\n"
                 "Simulate bare-metal Cortex-M and RV32 firmware and profile its garbage collector.\n\n"
                 "Commands:\n");
    for (size_t i = 0; commands[i]; i++)
        fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n`baregc COMMAND --help` describes a command. `baregc --version` prints the version.\n"
                 "Exit codes are listed in `baregc run --help`.\n");
}

const char *cmd_program = "baregc";

/* The options of the program itself, before any command. */
static const char *const top_options[] = {"--help", "-h", "--version", "-V"};

/* "unknown command" / "unknown option" for argv[1], with the nearest command or option
 * if one is close (else the usage). */
static void unknown(const char *word)
{
    bool option = word[0] == '-';
    const char *names[ARRAY_SIZE(commands) + ARRAY_SIZE(top_options)];
    size_t n = 0;
    for (size_t i = 0; !option && commands[i]; i++)
        names[n++] = commands[i]->name;
    for (size_t i = 0; option && i < ARRAY_SIZE(top_options); i++)
        names[n++] = top_options[i];
    const char *near = suggest_closest(word, names, n);
    if (near) {
        fprintf(stderr, "baregc: unknown %s '%s'; did you mean '%s'? (see baregc --help)\n", option ? "option" : "command",
                word, near);
        return;
    }
    fprintf(stderr, "baregc: unknown %s '%s'\n\n", option ? "option" : "command", word);
    usage(stderr);
}

/* Hidden, for the shell completion (completions/baregc.bash): `baregc --list-commands`
 * prints the commands, `baregc --list-options CMD` CMD's options, one a line, each
 * followed by the placeholder of its value when it takes one. */
static int list_for_completion(int argc, char **argv)
{
    if (!strcmp(argv[1], "--list-commands") && argc == 2) {
        for (size_t i = 0; commands[i]; i++)
            printf("%s\n", commands[i]->name);
        return EXIT_OK;
    }
    for (size_t i = 0; argc == 3 && commands[i]; i++) {
        if (strcmp(argv[2], commands[i]->name) != 0)
            continue;
        CmdOption opts[CMD_MAX_OPTIONS];
        size_t n = cmd_options(commands[i], opts, CMD_MAX_OPTIONS);
        for (size_t j = 0; j < n; j++)
            printf("%s%s%s\n", opts[j].name, opts[j].value[0] ? " " : "", opts[j].value);
        return EXIT_OK;
    }
    fprintf(stderr, "baregc: usage: baregc --list-commands | --list-options COMMAND\n");
    return EXIT_USAGE;
}

/* What a command wrote to stdout must have gone out: an error is said, and is the exit
 * status (unless a stop signal, base/stopsig.h, explains it: the reader went away). */
static int stdout_status(const Command *c, int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    int e = errno ? errno : EIO;
    if (stopsig_received() == SIGPIPE)
        return rc;
    fprintf(stderr, "baregc %s: cannot write standard output: %s\n", c->name, strerror(e));
    return c->io_status ? c->io_status : EXIT_IO;
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0])
        cmd_program = argv[0];
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("baregc %s\n", PACKAGE_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--list-commands") || !strcmp(argv[1], "--list-options"))
        return list_for_completion(argc, argv);
    for (size_t i = 0; commands[i]; i++)
        if (!strcmp(argv[1], commands[i]->name))
            return stdout_status(commands[i], commands[i]->exec(argc - 1, argv + 1));
    unknown(argv[1]);
    return EXIT_USAGE;
}
