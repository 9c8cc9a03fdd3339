/* gc_demo.c: the demo image: gcrt under allocation-heavy workloads with a 1 kHz timer
 * interrupt ticking. Deterministic checksums on the UART; the collector's own pause
 * measurements and counters on the semihosting channel; exit status 0. Built with
 * GC_INCREMENTAL it runs the incremental collector instead. The heap's size is a
 * variable, demo_heap_bytes, so that a host can change it in the image without a
 * rebuild (`baregc run --set demo_heap_bytes=24K`, `baregc sweep --set ...`). */
#include <stdint.h>

#include "board.h"
#include "gc.h"
#include "semihost.h"
#include "workloads.h"

/* Per-board sizes (set by the build; these defaults suit the big-SRAM boards). */
#ifndef DEMO_HEAP_BYTES
#define DEMO_HEAP_BYTES (64 * 1024)   /* bytes given to the collector by default */
#endif
#ifndef DEMO_TREE_DEPTH
#define DEMO_TREE_DEPTH 9
#endif
#ifndef DEMO_LIST_ROUNDS
#define DEMO_LIST_ROUNDS 400
#endif
#ifndef DEMO_LIST_KEEP
#define DEMO_LIST_KEEP 8
#endif
#ifndef DEMO_LIST_LEN
#define DEMO_LIST_LEN 64
#endif
#ifndef DEMO_STRING_ROUNDS
#define DEMO_STRING_ROUNDS 30
#endif
#ifndef DEMO_STRING_ITEMS
#define DEMO_STRING_ITEMS 40
#endif
#ifndef DEMO_MAP_ROUNDS
#define DEMO_MAP_ROUNDS 8
#endif
#ifndef DEMO_MAP_ENTRIES
#define DEMO_MAP_ENTRIES 300
#endif

extern char __heap_start[], __heap_end[];

/* Bytes given to the collector: at most the pool the linker leaves between the statics
 * and the stack (or the end of SRAM), [__heap_start, __heap_end). Initialised data
 * (.data, not .bss: the start-up code would clear a value written into .bss) and
 * volatile, so that the value in the image is the one read here. */
volatile uint32_t demo_heap_bytes = DEMO_HEAP_BYTES;

static void explicit_collect(const char *after)
{
    gc_collect();
    gc_flush_reports();
    sh_printf("gc-demo: collected after %s, used %lu bytes\n", after,
              (unsigned long)gc_stats.used_bytes);
}

int main(void)
{
    char *heap_end = __heap_end;
    uint32_t heap_bytes = demo_heap_bytes;

    board_init();
    if ((uintptr_t)(heap_end - __heap_start) > heap_bytes)
        heap_end = __heap_start + heap_bytes;
    gc_init(__heap_start, heap_end);
    gc_report_pauses = 1;
#ifdef DEMO_GC_THRESHOLD
    gc_threshold = DEMO_GC_THRESHOLD;   /* stress builds: collect (nearly) every allocation */
    gc_report_pauses = 0;
#endif

#ifdef GC_INCREMENTAL
    uart_printf("gc-demo: board %s, incremental collector\n", BOARD_NAME);
#else
    uart_printf("gc-demo: board %s, stop-the-world collector\n", BOARD_NAME);
#endif
    sh_printf("gc-demo: heap %lu blocks of %lu bytes at 0x%08lx\n",
              (unsigned long)gc_block_count, (unsigned long)GC_BLOCK_BYTES,
              (unsigned long)gc_heap_start);
    board_tick_start(1000);

    wl_binary_trees(4, DEMO_TREE_DEPTH, 1);
    explicit_collect("binary-trees");
    wl_list_churn(DEMO_LIST_ROUNDS, DEMO_LIST_KEEP, DEMO_LIST_LEN, 1);
    explicit_collect("list-churn");
    wl_strings(DEMO_STRING_ROUNDS, DEMO_STRING_ITEMS, 1);
    explicit_collect("strings");
    wl_hash_map(DEMO_MAP_ROUNDS, DEMO_MAP_ENTRIES, 1);
    explicit_collect("hash-map");

    board_tick_stop();
    uart_puts("gc-demo: done\n");
    gc_print_stats();
    sh_printf("gc-demo: ticks %lu\n", (unsigned long)board_ticks);
    return 0;
}
