/* exitcode.h: the process exit codes of baregc (documented in README.md and --help). */
#ifndef BAREGC_EXITCODE_H
#define BAREGC_EXITCODE_H

/* 0..63: `baregc run` passes the firmware's own exit status through (semihosting
 * SYS_EXIT / SYS_EXIT_EXTENDED, a test finisher; a SYSRESETREQ counts as 0); any other
 * status is EXIT_FIRMWARE_OTHER, so that no firmware status reads as one of baregc's
 * own (summary.json's exit_code has the status whole). 128 + N: stopped by signal N
 * (base/stopsig.h). */
enum {
    EXIT_OK = 0,
    EXIT_FIRMWARE_MAX = EXIT_OK + 63, /* the highest firmware status passed through */
    EXIT_USAGE = 64,        /* bad command line */
    EXIT_BAD_IMAGE = 65,    /* not a usable firmware ELF (format, class, machine, segments) */
    EXIT_NO_INPUT = 66,     /* a named input file cannot be opened or read */
    EXIT_BAD_BOARD = 67,    /* bad board JSON, unknown board, image does not fit the board */
    EXIT_BAD_PROFILE = 68,  /* bad --gc-profile JSON, or a symbol it (or --gc-runtime) needs is missing */
    EXIT_INTERNAL = 70,     /* a simulator failure (Unicorn error, bug) */
    EXIT_IO = 74,           /* an output (file, the UART's, stdout) cannot be written */
    EXIT_FIRMWARE_OTHER = 79, /* the firmware's exit status is outside 0..63 */
    EXIT_FAULT_MEMORY = 80, /* guest access outside memory, beyond --sram, or a write to flash */
    EXIT_FAULT_STACK = 81,  /* stack pointer below the stack limit */
    EXIT_FAULT_HARD = 82,   /* HardFault / lockup / unhandled trap */
    EXIT_FAULT_INSN = 83,   /* undefined instruction */
    EXIT_TIMEOUT = 84,      /* --max-cycles / --max-time reached */
    EXIT_DEADLOCK = 85,     /* the core sleeps and nothing can ever wake it */
    EXIT_INTERRUPTED = 130, /* Ctrl-C (128 + SIGINT); also quitting tui or view early */
};

#endif
