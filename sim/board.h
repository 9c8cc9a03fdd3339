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

/* Memory kinds: flash (read-only to the firmware, the image is loaded there), RAM that
 * holds the image and runs code (writable and executable, e.g. QEMU's RAM at the boot
 * address), and SRAM (data memory; also writable and executable). */
enum { BOARD_MEM_FLASH = 1, BOARD_MEM_SRAM = 2, BOARD_MEM_RAM = 3 };

/* What a machine can be built from. Memories start on a BOARD_PAGE boundary, and no
 * device's register window shares a page with a memory: the machine maps both in
 * whole pages. A board has at most BOARD_MAX_PARTS memories (mirrors included),
 * unimplemented regions and devices in all: each is a mapping of its own in Unicorn
 * 2.0.1 at most (a memory two when --sram leaves a partial page), which aborts the
 * process past 1023 mappings (Cortex-M: its 1 KiB target pages bound the section
 * table, qemu/exec.c phys_section_add) and builds its map in time that grows as the
 * square of their number (docs/boards.md). */
enum { BOARD_PAGE = 4096, BOARD_MAX_PARTS = 256 };

typedef struct BoardMemory {
    char *name;
    uint32_t base;
    uint32_t size;   /* bytes */
    uint32_t limit;  /* bytes usable (== size unless --sram shrank it) */
    int kind;        /* BOARD_MEM_FLASH, BOARD_MEM_SRAM or BOARD_MEM_RAM */
    int alias_of;    /* -1, or the index in Board.mem of the memory whose bytes this one
                      * shows at another address (a mirror: same size, kind and limit) */
} BoardMemory;

/* An address range where the machine the board mirrors has a device it does not
 * implement: reads return zero, writes are ignored (noted in the guest log). Memories
 * and devices inside it take precedence. */
typedef struct BoardRegion {
    char *name;
    uint32_t base;
    uint32_t size;   /* bytes */
} BoardRegion;

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
    int main_sram;       /* index in mem of the main SRAM (board_main_sram) */
    BoardRegion *unimp;  /* unimplemented regions */
    size_t nunimp;
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

/* The main SRAM: the memory --sram shrinks and the run's SRAM figures describe. The
 * board designates one ("main_sram", default its first "sram" memory);
 * board_choose_main_sram makes it the RAM that holds the image's initial stack pointer
 * instead (Cortex-M: the first word of the vector table the image loads at boot_addr),
 * when there is such a RAM: an image that keeps its stack, data and code in one RAM
 * (MicroPython on mps2-an385, in SSRAM1 at 0) has that RAM as its main SRAM. Call it
 * before board_set_sram. */
BoardMemory *board_main_sram(Board *b);
void board_choose_main_sram(Board *b, const Image *img);
/* --sram: the main SRAM (and its mirrors) become `bytes` long (must be > 0 and <= its
 * size). --clock: the core clock. */
int board_set_sram(Board *b, uint64_t bytes, char **err);
int board_set_clock(Board *b, uint64_t hz, char **err);

/* "4 MiB", "256 KiB", "300.5 KiB", "512 bytes" into buf; returns buf. */
char *board_format_size(uint64_t bytes, char *buf, size_t n);
/* "25 MHz", "32768 Hz" into buf; returns buf. */
char *board_format_hz(uint64_t hz, char *buf, size_t n);

/* Does the image fit? Checks machine vs core, every PT_LOAD [paddr, paddr+memsz)
 * inside one memory within its limit, and the flash total. 0 or -1 with *err
 * ("segment 2 at 0x30000000 (512 bytes) lies outside every memory of board X",
 * "image needs 300 KiB of flash, board X has 256 KiB"). */
int board_check_image(const Board *b, const Image *img, char **err);
/* Auto-selection: the first built-in board the image fits (and boots on: the entry
 * point in its flash or code RAM, when it has one), preferring one whose core matches
 * the image's ARM architecture and, among those, one that has a RAM ending where the
 * image says its RAM ends (the initial stack pointer of its vector table, or a symbol:
 * _estack, __StackTop, _heap_end, __heap_end, __kernel_ram_end). The main SRAM of the
 * board returned is chosen for the image (board_choose_main_sram). NULL with *err when
 * none fits. */
Board *board_guess(const Image *img, char **err);
/* The 32-bit word the image loads at addr; false when it loads nothing there. */
bool board_image_word(const Image *img, uint32_t addr, uint32_t *w);

#endif
