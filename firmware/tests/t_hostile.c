/* t_hostile.c: firmware that does what no firmware should, one deed per image (the
 * build defines one HOSTILE_*). Each prints "start\n" on the UART first. The
 * simulator must end every run with its documented exit code and whole output files
 * (tests/e2e_hostile.sh; the codes are in tests/expected/firmware.tsv):
 *   HOSTILE_GARBAGE      jumps into RAM filled with pseudo-random words
 *   HOSTILE_SPIN_MASKED  spins forever with interrupts masked and a tick pending
 *   HOSTILE_STORM        a tick interrupt every cycle or two: the handler never keeps up
 *   HOSTILE_HEAP         gcrt's heap description corrupted between collections: a block
 *                        count of 2^24 over the RAM, a table outside every memory, a
 *                        count beyond what any heap has (collections are then
 *                        gc_incremental_step, which has nothing to do in this build)
 *   HOSTILE_FLOOD        2 MiB on the UART, then exit 0
 *   HOSTILE_SEMIHOST     semihosting calls whose pointers lead nowhere: SYS_WRITE0 of an
 *                        unmapped string, SYS_OPEN of an unmapped name, SYS_WRITE of 4 GiB
 *                        less 16 bytes from RAM, SYS_WRITE0 of a string that runs off
 *                        the end of RAM; each fails or stops where memory ends, the
 *                        firmware prints what they returned and exits 0. */
#include <stdint.h>

#include "board.h"
#include "semihost.h"

volatile uint32_t hostile_sink;

#if defined(__arm__)
#define RAM_BASE 0x20000000u
#define RAM_END 0x20400000u /* mps2-an385: 4 MiB */
#else
#define RAM_BASE 0x80000000u
#define RAM_END 0x88000000u /* virt-rv32: 128 MiB */
#endif
#define NOWHERE 0x30000000u /* outside every memory on both boards */

#if defined(HOSTILE_GARBAGE)
static uint32_t garbage[64];

static void jump_to_garbage(void)
{
    uint32_t x = 0x2545F491u;
    for (unsigned i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32: the same words every run */
        garbage[i] = x;
    }
#if defined(__arm__)
    ((void (*)(void))((uintptr_t)garbage | 1))();
#else
    ((void (*)(void))(uintptr_t)garbage)();
#endif
}
#endif

#if defined(HOSTILE_HEAP)
#include "gc.h"
extern char __heap_start[], __heap_end[];

static void corrupt_heap(void)
{
    gc_init(__heap_start, __heap_start + 16384);
    for (int i = 0; i < 64; i++)
        hostile_sink += (uint32_t)(uintptr_t)gc_alloc(24);
    gc_collect(); /* a sound collection first */
    uart_puts("heap sound\n");
    gc_block_count = 1u << 24; /* 2^24 blocks, their table the first 4 MiB of RAM */
    gc_alloc_table = (uint8_t *)RAM_BASE;
    gc_incremental_step();
    gc_alloc_table = (uint8_t *)NOWHERE;
    gc_incremental_step();
    gc_alloc_table = (uint8_t *)RAM_BASE;
    gc_block_count = 0xFFFFFFF0u;
    gc_incremental_step();
    uart_puts("heap corrupted\n");
}
#endif

#if defined(HOSTILE_SEMIHOST)
static void bad_pointers(void)
{
    static const char tt[] = ":tt";
    uint32_t open_tt[3] = {(uint32_t)(uintptr_t)tt, 4, 3}; /* ":tt" for writing: stdout */
    uint32_t open_nowhere[3] = {NOWHERE, 4, 4};
    uint32_t r1 = sh_call(SYS_WRITE0, NOWHERE);
    uint32_t r2 = sh_call(SYS_OPEN, (uintptr_t)open_nowhere);
    uint32_t huge[3] = {sh_call(SYS_OPEN, (uintptr_t)open_tt), RAM_BASE, 0xFFFFFFF0u};
    uint32_t r3 = sh_call(SYS_WRITE, (uintptr_t)huge);
    volatile char *tail = (volatile char *)(RAM_END - 16); /* no NUL before RAM ends */
    for (int i = 0; i < 16; i++)
        tail[i] = 'x';
    uint32_t r4 = sh_call(SYS_WRITE0, RAM_END - 16);
    uart_printf("write0 nowhere %ld, open nowhere %ld, write 4 GiB: %lu left, write0 off the end %ld\n",
                (long)(int32_t)r1, (long)(int32_t)r2, (unsigned long)r3, (long)(int32_t)r4);
}
#endif

int main(void)
{
    board_init();
    uart_puts("start\n");

#if defined(HOSTILE_GARBAGE)
    jump_to_garbage();
#elif defined(HOSTILE_SPIN_MASKED)
    board_irq_disable();
    board_tick_start(1000); /* pending soon, never taken */
    for (;;)
        hostile_sink++;
#elif defined(HOSTILE_STORM)
#if defined(__arm__)
    board_tick_start(BOARD_CPU_HZ / 2); /* SysTick reload 1: every 2 cycles */
#else
    board_tick_start(BOARD_MTIME_HZ); /* every mtime tick */
#endif
    for (;;)
        hostile_sink++;
#elif defined(HOSTILE_HEAP)
    corrupt_heap();
    sh_exit(0);
#elif defined(HOSTILE_FLOOD)
    static const char line[] = "flood flood flood flood flood flood flood flood flood flood flo\n";
    _Static_assert(sizeof line == 65, "64 bytes a line");
    for (uint32_t n = 0; n < (2u << 20) / 64; n++)
        uart_puts(line);
    uart_puts("flooded\n");
    sh_exit(0);
#elif defined(HOSTILE_SEMIHOST)
    bad_pointers();
    sh_exit(0);
#else
#error "define one HOSTILE_*"
#endif
    uart_puts("survived\n");
    return 1;
}
