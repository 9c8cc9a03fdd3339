/* board.h: the tiny board layer every firmware image uses: console UART, periodic tick,
 * cycle counter, interrupt masking and sleep. One implementation per core family
 * (cortexm.c, riscv.c) plus one UART driver per board (uart_*.c). */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stdint.h>

/* Set by the build: the board's core clock (Hz) and its name. */
#ifndef BOARD_CPU_HZ
#error "BOARD_CPU_HZ must be defined by the build"
#endif
#ifndef BOARD_NAME
#error "BOARD_NAME must be defined by the build"
#endif

/* UART, CPU counters. Called first thing in main(). With BOARD_BARE (the
 * benchmark image) it touches nothing but the UART's registers. */
void board_init(void);

/* Console UART (polled). uart_putc waits while the transmitter is busy (except
 * under BOARD_BARE, which only writes the data register). */
void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
void uart_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Blocking read of one byte from the console UART. */
int uart_getc(void);

/* Periodic tick interrupt at `hz` (SysTick on Cortex-M, CLINT mtimecmp on RISC-V).
 * The handler only increments board_ticks (and calls board_tick_hook if set). */
void board_tick_start(uint32_t hz);
void board_tick_stop(void);
extern volatile uint32_t board_ticks;          /* ticks since board_tick_start */
extern void (*volatile board_tick_hook)(void); /* called from the tick interrupt, or NULL */

/* Free-running core cycle counter (wraps at 2^32): DWT CYCCNT on Cortex-M3/M4,
 * SysTick-derived on Cortex-M0 (valid only while the tick runs), mcycle on RISC-V.
 * Returns 0 under BOARD_BARE. Never print it on the UART: it depends on timing. */
uint32_t board_cycles(void);

void board_irq_enable(void);
void board_irq_disable(void);
void board_wfi(void);

#endif
