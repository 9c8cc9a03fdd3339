/* events_demo.c: a firmware that reports its own collector through the explicit GC event
 * channel (gcevents.h): a pool of 16-byte cells with a free list, list roots, and a
 * mark-sweep collect() that reports its pause, its "mark" and "sweep" phases, every
 * allocation and free and the heap before and after. A 1 kHz tick interrupt allocates
 * and frees from a pool of its own, so its events land between the words of the main
 * program's. The UART shows what was reported (deterministic); the channel's state
 * and the interrupt's counts (timing-dependent) go to the semihosting console. */
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "gcevents.h"
#include "semihost.h"

#ifndef EV_CELLS
#define EV_CELLS 512        /* cells in the collected pool */
#endif
#define EV_ROOTS 8
#define EV_ROUNDS 400
#define EV_EXPLICIT_EVERY 100 /* rounds between explicit collections */
#define ISR_CELLS 8

typedef struct Cell {
    struct Cell *next;
    uint32_t value;
    uint32_t pad[2];        /* 16 bytes */
} Cell;

enum { CELL_FREE, CELL_USED, CELL_MARKED };

static Cell heap[EV_CELLS];
static uint8_t state[EV_CELLS];
static Cell *free_list;
static uint32_t used_cells;
static Cell *roots[EV_ROOTS];

/* What the main program reported (deterministic). */
static uint32_t n_pauses, n_explicit, n_allocs, n_frees, n_phases, n_failed;

/* The tick interrupt's own pool. */
static Cell isr_pool[ISR_CELLS];
static volatile uint32_t isr_allocs, isr_frees;

static uint32_t largest_free_run(void)
{
    uint32_t best = 0, run = 0;
    for (uint32_t i = 0; i < EV_CELLS; i++) {
        run = state[i] == CELL_FREE ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best * sizeof(Cell);
}

static void report_heap(void)
{
    gcev_heap(used_cells * sizeof(Cell), (EV_CELLS - used_cells) * sizeof(Cell), largest_free_run());
}

static void mark(void)
{
    gcev_phase_begin("mark");
    n_phases++;
    for (int r = 0; r < EV_ROOTS; r++)
        for (Cell *c = roots[r]; c; c = c->next) {
            uint32_t i = (uint32_t)(c - heap);
            if (state[i] == CELL_MARKED)
                break;
            state[i] = CELL_MARKED;
        }
    gcev_phase_end();
}

static void sweep(void)
{
    gcev_phase_begin("sweep");
    n_phases++;
    /* Rebuilt from the top, so the free list hands out low addresses first. */
    free_list = NULL;
    for (uint32_t i = EV_CELLS; i-- > 0;) {
        if (state[i] == CELL_MARKED) {
            state[i] = CELL_USED;
            continue;
        }
        if (state[i] == CELL_USED) {
            state[i] = CELL_FREE;
            used_cells--;
            gcev_free(&heap[i]);
            n_frees++;
        }
        heap[i].next = free_list;
        free_list = &heap[i];
    }
    gcev_phase_end();
}

static void collect(unsigned trigger)
{
    gcev_pause_begin(trigger);
    n_pauses++;
    if (trigger == GCEV_TRIGGER_EXPLICIT)
        n_explicit++;
    report_heap(); /* inside the pause: the heap before */
    mark();
    sweep();
    gcev_pause_end();
    report_heap(); /* the first report after the pause: its result */
}

static Cell *alloc_cell(Cell *next, uint32_t value)
{
    if (!free_list)
        collect(GCEV_TRIGGER_ALLOC);
    Cell *c = free_list;
    if (!c) {
        gcev_alloc(NULL, sizeof(Cell));
        n_failed++;
        return NULL;
    }
    free_list = c->next;
    state[c - heap] = CELL_USED;
    used_cells++;
    c->next = next;
    c->value = value;
    gcev_alloc(c, sizeof(Cell));
    n_allocs++;
    return c;
}

/* The tick interrupt: one allocation per tick from its own ring, freeing the oldest. */
static void tick_alloc(void)
{
    static uint32_t head;
    Cell *c = &isr_pool[head % ISR_CELLS];
    if (head >= ISR_CELLS) {
        gcev_free(c);
        isr_frees++;
    }
    c->value = head++;
    gcev_alloc(c, sizeof(Cell));
    isr_allocs++;
}

int main(void)
{
    uint32_t sum = 0, x = 12345;

    board_init();
    gcev_init();
    uart_printf("events-demo: board %s, %u cells of %u bytes\n", BOARD_NAME, (unsigned)EV_CELLS,
                (unsigned)sizeof(Cell));
    sh_printf("events-demo: channel %s\n", gcev_enabled() ? "on" : "off (no ITM or trace port answered)");
    for (uint32_t i = EV_CELLS; i-- > 0;) {
        heap[i].next = free_list;
        free_list = &heap[i];
    }
    board_tick_hook = tick_alloc;
    board_tick_start(1000);

    for (uint32_t round = 1; round <= EV_ROUNDS; round++) {
        x = x * 1103515245u + 12345u;
        uint32_t len = 5 + (x >> 16) % 40;
        Cell *list = NULL;
        /* The list under construction is a root too (a conservative collector would see it
         * on the stack): keep it in roots[r] as it grows. */
        uint32_t r = round % EV_ROOTS;
        roots[r] = NULL;
        for (uint32_t k = 0; k < len; k++) {
            Cell *c = alloc_cell(list, round * 64 + k);
            if (!c)
                break;
            list = roots[r] = c;
        }
        if (round % EV_EXPLICIT_EVERY == 0)
            collect(GCEV_TRIGGER_EXPLICIT);
    }

    board_tick_stop();
    board_tick_hook = NULL;
    for (int r = 0; r < EV_ROOTS; r++)
        for (Cell *c = roots[r]; c; c = c->next)
            sum = sum * 31 + c->value;
    uart_printf("events: %lu pauses (%lu explicit), %lu phases, %lu allocations (%lu failed), %lu frees\n",
                (unsigned long)n_pauses, (unsigned long)n_explicit, (unsigned long)n_phases,
                (unsigned long)n_allocs, (unsigned long)n_failed, (unsigned long)n_frees);
    uart_printf("events-demo: live %lu cells, checksum %08lx\n", (unsigned long)used_cells, (unsigned long)sum);
    sh_printf("events-demo: interrupt made %lu allocations, %lu frees; %lu words dropped\n",
              (unsigned long)isr_allocs, (unsigned long)isr_frees, (unsigned long)gcev_dropped());
    uart_puts("events-demo: done\n");
    return 0;
}
