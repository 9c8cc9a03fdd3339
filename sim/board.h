/* board.h: a board is data: core, clock, memories and devices, from JSON (cJSON).
 * Built-in boards are compiled into the program; a user can give a file. */
#ifndef BAREGC_BOARD_H
#define BAREGC_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cpu/core.h"
#include "base/image.h"

enum { BOARD_MEM_FLASH = 1, BOARD_MEM_SRAM = 2 }; /* same values as cpu.h MEM_* */

typedef struct BoardMemory {
    char *name;
    uint32_t base;
    uint32_t size;   /* bytes */
    uint32_t limit;  /* bytes usable (== size unless --sram shrank it) */
    int kind;        /* BOARD_MEM_FLASH or BOARD_MEM_SRAM */
} BoardMemory;

/* An interrupt wire in a board file: a number is an input of the board's
 * interrupt controller (NVIC external IRQ n, or PLIC source n); the strings
 * "msip", "mtip", "meip" are RISC-V CPU-local lines (mip bits 3, 7, 11). */
typedef struct BoardIrq {
    bool cpu_local;
    int num;         /* IRQ number, or mip bit when cpu_local */
} BoardIrq;

typedef struct BoardDevice {
    char *type;      /* a DeviceClass type */
    char *name;      /* instance name, unique in the board */
    uint32_t base;
    int nirq;
    BoardIrq irq[4];
    cJSON *params;   /* the device's whole JSON object (owned) */
} BoardDevice;

typedef struct Board {
    char *name;
    char *description;
    char *qemu_machine;  /* the QEMU machine it mirrors (-M name), or NULL */
    CoreModel core;
    uint32_t clock_hz;
    uint32_t boot_addr;  /* Cortex-M: vector table at reset; RISC-V: unused (ELF entry) */
    int num_irq;         /* Cortex-M: NVIC external interrupts */
    int prio_bits;       /* Cortex-M: implemented priority bits */
    BoardMemory *mem;
    size_t nmem;
    BoardDevice *dev;
    size_t ndev;
    char *console;       /* the device that is the console (its name), or NULL: the first
                          * device that can be one (the machine knows which can) */
} Board;

/* Errors name the file (or built-in board) and the key at fault. */
Board *board_parse(const char *json_text, const char *origin, char **err);
Board *board_load_file(const char *path, char **err);
/* NAME of a built-in board, or a path (anything containing '/' or ending in .json). */
Board *board_lookup(const char *name_or_path, char **err);
void board_free(Board *b);
/* The device called `name`, or NULL. */
const BoardDevice *board_device(const Board *b, const char *name);

/* Built-in boards, in order of preference for auto-selection. */
size_t board_builtin_count(void);
const char *board_builtin_name(size_t i);
const char *board_builtin_json(size_t i);

/* --sram: the board's main SRAM (the first SRAM memory) becomes `bytes` long
 * (must be > 0 and <= its size). --clock: the core clock. */
int board_set_sram(Board *b, uint64_t bytes, char **err);
int board_set_clock(Board *b, uint64_t hz, char **err);
BoardMemory *board_main_sram(Board *b);

/* "4 MiB", "256 KiB", "300.5 KiB", "512 bytes" into buf; returns buf. */
char *board_format_size(uint64_t bytes, char *buf, size_t n);
/* "25 MHz", "32768 Hz" into buf; returns buf. */
char *board_format_hz(uint64_t hz, char *buf, size_t n);

/* Does the image fit? Checks machine vs core, every PT_LOAD [paddr, paddr+memsz)
 * inside one memory within its limit, and the flash total. 0 or -1 with *err
 * ("segment 2 at 0x30000000 (512 bytes) lies outside every memory of board X",
 * "image needs 300 KiB of flash, board X has 256 KiB"). */
int board_check_image(const Board *b, const Image *img, char **err);
/* Auto-selection: the first built-in board the image fits, preferring one whose
 * core matches the image's ARM architecture. NULL with *err when none fits. */
Board *board_guess(const Image *img, char **err);

#endif
