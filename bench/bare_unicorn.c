/* bare_unicorn.c: the speed reference: a Cortex-M ELF on bare Unicorn, no hooks but semihosting exit. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

/* The mps2-an385 memory this image needs: flash, SRAM, and the UART page as
 * plain RAM (writes to it are absorbed; nothing is printed). */
#define FLASH_BASE 0x00000000u
#define FLASH_SIZE (4u << 20) /* bytes */
#define SRAM_BASE 0x20000000u
#define SRAM_SIZE (4u << 20)  /* bytes */
#define UART_BASE 0x40004000u
#define UART_SIZE 0x1000u     /* bytes */

/* Unicorn reports a BKPT as QEMU's EXCP_BKPT, with PC at the instruction. */
#define EXCP_BKPT 7
#define SEMIHOST_BKPT 0xBEABu

/* ARM semihosting operations this driver understands (the rest return -1). */
enum {
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

typedef struct Run {
    bool exited;
    int status;       /* guest exit status */
    char error[160];  /* set when the run stopped for another reason */
} Run;

static uint32_t reg_read(uc_engine *uc, int reg)
{
    uint32_t v = 0;
    uc_reg_read(uc, reg, &v);
    return v;
}

static bool mem_u32(uc_engine *uc, uint32_t addr, uint32_t *v)
{
    return uc_mem_read(uc, addr, v, 4) == UC_ERR_OK;
}

/* Guest output through semihosting goes to our stdout (the bench image prints
 * nothing this way; a test image may). */
static uint32_t semihost(uc_engine *uc, Run *run, uint32_t op, uint32_t arg)
{
    switch (op) {
    case SYS_WRITEC: {
        char ch;
        if (uc_mem_read(uc, arg, &ch, 1) == UC_ERR_OK)
            fputc(ch, stdout);
        return 0;
    }
    case SYS_WRITE0: {
        char ch;
        for (uint32_t a = arg; uc_mem_read(uc, a, &ch, 1) == UC_ERR_OK && ch; a++)
            fputc(ch, stdout);
        return 0;
    }
    case SYS_WRITE: {
        uint32_t blk[3];
        if (uc_mem_read(uc, arg, blk, sizeof blk) != UC_ERR_OK)
            return (uint32_t)-1;
        for (uint32_t i = 0; i < blk[2]; i++) {
            char ch;
            if (uc_mem_read(uc, blk[1] + i, &ch, 1) != UC_ERR_OK)
                return blk[2] - i;
            fputc(ch, blk[0] == 2 ? stderr : stdout);
        }
        return 0;
    }
    case SYS_EXIT:
        run->exited = true;
        run->status = arg == ADP_STOPPED_APPLICATION_EXIT ? 0 : 1;
        uc_emu_stop(uc);
        return 0;
    case SYS_EXIT_EXTENDED: {
        uint32_t reason = 0, code = 1;
        mem_u32(uc, arg, &reason);
        mem_u32(uc, arg + 4, &code);
        run->exited = true;
        run->status = reason == ADP_STOPPED_APPLICATION_EXIT ? (int)code : 1;
        uc_emu_stop(uc);
        return 0;
    }
    default:
        return (uint32_t)-1;
    }
}

/* Interrupt hooks cost nothing until they fire. */
static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    Run *run = user;
    uint32_t pc = reg_read(uc, UC_ARM_REG_PC) & ~1u;
    uint16_t insn = 0;
    if (intno == EXCP_BKPT && uc_mem_read(uc, pc, &insn, 2) == UC_ERR_OK && insn == SEMIHOST_BKPT) {
        uint32_t r = semihost(uc, run, reg_read(uc, UC_ARM_REG_R0), reg_read(uc, UC_ARM_REG_R1));
        if (run->exited)
            return;
        uc_reg_write(uc, UC_ARM_REG_R0, &r);
        uint32_t next = (pc + 2) | 1;
        uc_reg_write(uc, UC_ARM_REG_PC, &next);
        return;
    }
    snprintf(run->error, sizeof run->error, "CPU exception %u at 0x%08x (this driver models no exceptions)", intno,
             pc);
    uc_emu_stop(uc);
}

static bool in_region(uint32_t addr, uint64_t len, uint32_t base, uint32_t size)
{
    return addr >= base && (uint64_t)addr - base + len <= size;
}

/* Copies the PT_LOAD segments to their physical (load) addresses. */
static int load_elf(uc_engine *uc, const char *path, char *msg, size_t msglen)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = -1;
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    size_t nph = 0;
    if (!e || !gelf_getehdr(e, &eh) || elf_getphdrnum(e, &nph) != 0) {
        snprintf(msg, msglen, "%s: not an ELF file (%s)", path, elf_errmsg(-1));
        goto out;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_ARM) {
        snprintf(msg, msglen, "%s: not a 32-bit ARM ELF", path);
        goto out;
    }
    size_t fsize = 0;
    const char *raw = elf_rawfile(e, &fsize);
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_filesz == 0)
            continue;
        if (ph.p_offset + ph.p_filesz > fsize) {
            snprintf(msg, msglen, "%s: segment %zu lies outside the file", path, i);
            goto out;
        }
        uint32_t pa = (uint32_t)ph.p_paddr;
        if (!in_region(pa, ph.p_filesz, FLASH_BASE, FLASH_SIZE) && !in_region(pa, ph.p_filesz, SRAM_BASE, SRAM_SIZE)) {
            snprintf(msg, msglen, "%s: segment %zu at 0x%08x (%llu bytes) is outside flash and SRAM", path, i, pa,
                     (unsigned long long)ph.p_filesz);
            goto out;
        }
        if (uc_mem_write(uc, pa, raw + ph.p_offset, ph.p_filesz) != UC_ERR_OK) {
            snprintf(msg, msglen, "%s: cannot write segment %zu at 0x%08x", path, i, pa);
            goto out;
        }
    }
    rc = 0;
out:
    if (e)
        elf_end(e);
    close(fd);
    return rc;
}

/* --block-hook: a UC_HOOK_BLOCK on every block that only counts, to price
 * Unicorn's own per-block dispatch (and to know how many blocks ran). */
static void hook_block_count(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    (void)uc, (void)address, (void)size;
    ++*(uint64_t *)ud;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: bare-unicorn [--cpu m0|m3|m4] [--block-hook] FIRMWARE.elf\n"
                 "Runs a Cortex-M image on bare Unicorn (flash 0x0 4M, SRAM 0x20000000 4M, UART page as RAM),\n"
                 "with no hooks but the semihosting exit, and prints the host time it took.\n"
                 "--block-hook adds a block hook that only counts blocks (printed at the end).\n"
                 "Exit status: the guest's, 125 if it stopped without exiting, 2 on a usage or load error.\n");
}

int main(int argc, char **argv)
{
    const char *elf = NULL;
    int model = UC_CPU_ARM_CORTEX_M3;
    bool block_hook = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
            const char *c = argv[++i];
            if (!strcmp(c, "m0"))
                model = UC_CPU_ARM_CORTEX_M0;
            else if (!strcmp(c, "m3"))
                model = UC_CPU_ARM_CORTEX_M3;
            else if (!strcmp(c, "m4"))
                model = UC_CPU_ARM_CORTEX_M4;
            else {
                fprintf(stderr, "bare-unicorn: unknown cpu '%s'\n", c);
                return 2;
            }
        } else if (!strcmp(argv[i], "--block-hook")) {
            block_hook = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || elf) {
            usage(stderr);
            return 2;
        } else {
            elf = argv[i];
        }
    }
    if (!elf) {
        usage(stderr);
        return 2;
    }

    uc_engine *uc;
    uc_err ue = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc);
    if (ue != UC_ERR_OK) {
        fprintf(stderr, "bare-unicorn: uc_open: %s\n", uc_strerror(ue));
        return 2;
    }
    /* UC_MODE_MCLASS would give a Cortex-M33 whatever is asked: select the model. */
    uc_ctl_set_cpu_model(uc, model);
    if (uc_mem_map(uc, FLASH_BASE, FLASH_SIZE, UC_PROT_ALL) != UC_ERR_OK ||
        uc_mem_map(uc, SRAM_BASE, SRAM_SIZE, UC_PROT_ALL) != UC_ERR_OK ||
        uc_mem_map(uc, UART_BASE, UART_SIZE, UC_PROT_READ | UC_PROT_WRITE) != UC_ERR_OK) {
        fprintf(stderr, "bare-unicorn: cannot map memory\n");
        return 2;
    }
    char msg[256];
    if (load_elf(uc, elf, msg, sizeof msg) < 0) {
        fprintf(stderr, "bare-unicorn: %s\n", msg);
        return 2;
    }

    Run run = {0};
    uc_hook hh;
    uc_hook_add(uc, &hh, UC_HOOK_INTR, (void *)hook_intr, &run, 1, 0);
    uint64_t blocks = 0;
    if (block_hook)
        uc_hook_add(uc, &hh, UC_HOOK_BLOCK, (void *)hook_block_count, &blocks, 1, 0);

    /* Reset: SP and PC from the vector table at address 0. */
    uint32_t sp = 0, pc = 0;
    if (!mem_u32(uc, FLASH_BASE, &sp) || !mem_u32(uc, FLASH_BASE + 4, &pc) || !(pc & 1)) {
        fprintf(stderr, "bare-unicorn: %s: no usable vector table at 0x%08x\n", elf, FLASH_BASE);
        return 2;
    }
    uc_reg_write(uc, UC_ARM_REG_SP, &sp);
    uc_reg_write(uc, UC_ARM_REG_MSP, &sp);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ue = uc_emu_start(uc, pc | 1, 0xFFFFFFFEu, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fflush(stdout);

    if (block_hook)
        fprintf(stderr, "bare-unicorn: %llu blocks\n", (unsigned long long)blocks);
    int rc;
    if (run.exited) {
        fprintf(stderr, "bare-unicorn: exit %d after %.3f s\n", run.status, secs);
        rc = run.status;
    } else {
        uint32_t at = reg_read(uc, UC_ARM_REG_PC);
        fprintf(stderr, "bare-unicorn: stopped at 0x%08x after %.3f s: %s\n", at, secs,
                run.error[0] ? run.error : ue != UC_ERR_OK ? uc_strerror(ue) : "the image ran off its end");
        rc = 125; /* did not exit through semihosting */
    }
    uc_close(uc);
    return rc;
}
