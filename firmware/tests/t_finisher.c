/* t_finisher.c: ends the run through QEMU virt's SiFive test finisher at 0x100000
 * (the build defines FINISHER_WORD: 0x5555 pass, status << 16 | 0x3333 fail, 0x7777
 * reset). Prints the word first; anything after the write is never reached. */
#include <stdint.h>

#include "board.h"
#include "riscv.h"
#include "semihost.h"

#ifndef FINISHER_WORD
#error "FINISHER_WORD must be defined by the build"
#endif
#define FINISHER REG32(0x00100000u)

int main(void)
{
    board_init();
    uart_printf("t-finisher: writing 0x%08lx\n", (unsigned long)FINISHER_WORD);
    FINISHER = FINISHER_WORD;
    for (volatile int i = 0; i < 1000; i++) {
    }
    uart_puts("t-finisher: still running\n");
    sh_exit(60);
}
