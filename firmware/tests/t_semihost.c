/* t_semihost.c: the semihosting calls a host must provide: SYS_WRITEC, SYS_WRITE0,
 * SYS_OPEN(":tt") + SYS_WRITE to stdout and stderr, SYS_CLOCK, SYS_ELAPSED,
 * SYS_TICKFREQ (values never printed), then SYS_EXIT_EXTENDED with status 3.
 * Markers on the UART; the semihosting console gets the text being tested. */
#include <string.h>

#include "board.h"
#include "semihost.h"

static int failures;

static void check(const char *name, int ok)
{
    uart_printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    if (!ok)
        failures++;
}

int main(void)
{
    static const char out_msg[] = "stdout: written with SYS_WRITE\n";
    static const char err_msg[] = "stderr: written with SYS_WRITE\n";
    int out, err;
    uint64_t t1 = 0, t2 = 0;

    board_init();
    uart_puts("t-semihost: start\n");

    sh_writec('W');
    sh_writec('\n');
    check("writec", 1);
    sh_write0("write0: a line from SYS_WRITE0\n");
    check("write0", 1);

    out = sh_open(":tt", SH_MODE_W);
    err = sh_open(":tt", SH_MODE_A);
    check("open", out >= 0 && err >= 0);
    check("write-stdout", sh_write(out, out_msg, strlen(out_msg)) == 0);
    check("write-stderr", sh_write(err, err_msg, strlen(err_msg)) == 0);

    check("clock", sh_clock() >= 0);
    {
        int ok1 = sh_elapsed(&t1) == 0;
        for (volatile int i = 0; i < 10000; i++) {
        }
        int ok2 = sh_elapsed(&t2) == 0;
        check("elapsed", ok1 && ok2 && t2 >= t1);
    }
    check("tickfreq", (int32_t)sh_call(SYS_TICKFREQ, 0) > 0);

    uart_printf("t-semihost: %d failed, exiting with status 3\n", failures);
    sh_exit(failures ? 1 : 3);
}
