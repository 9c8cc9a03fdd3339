/* bench.c: the benchmark image (mps2-an385): the demo's workloads with bigger, fixed
 * iteration counts, no timer, no UART status polling (it also runs with nothing but
 * flash and SRAM mapped, the UART page as plain RAM). One checksum line at the end,
 * then exit 0 through semihosting. */
#include <stdint.h>

#include "board.h"
#include "gc.h"
#include "semihost.h"
#include "workloads.h"

#ifndef BENCH_HEAP_BYTES
#define BENCH_HEAP_BYTES (256 * 1024)
#endif
#ifndef BENCH_REPEAT
#define BENCH_REPEAT 4
#endif

extern char __heap_start[], __heap_end[];

int main(void)
{
    char *heap_end = __heap_end;
    uint32_t sum = 0;

    board_init();
    if ((uintptr_t)(heap_end - __heap_start) > BENCH_HEAP_BYTES)
        heap_end = __heap_start + BENCH_HEAP_BYTES;
    gc_init(__heap_start, heap_end);
    gc_report_pauses = 0;

    for (int i = 0; i < BENCH_REPEAT; i++) {
        sum = sum * 31u + wl_binary_trees(4, 11, 0);
        sum = sum * 31u + wl_list_churn(2000, 8, 96, 0);
        sum = sum * 31u + wl_strings(60, 60, 0);
        sum = sum * 31u + wl_hash_map(20, 1000, 0);
    }
    uart_printf("bench: checksum %08lx\n", (unsigned long)sum);
    return 0;
}
