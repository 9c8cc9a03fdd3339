/* cpu_internal.h: state shared by cpu.c (Unicorn glue, time, faults) and the
 * architecture files cortexm.c and riscv.c. Private to cpu/. */
#ifndef BAREGC_CPU_INTERNAL_H
#define BAREGC_CPU_INTERNAL_H

#include <signal.h>
#include <unicorn/unicorn.h>

#include "cpu/cost.h"
#include "cpu/cpu.h"
#include "cpu/debug.h"

typedef struct DevWindow {
    uint32_t base, size;
    const DeviceClass *cls;
    void *dev;
} DevWindow;

/* A host address range holding views of a memory file (cpu.c, map_copies). */
typedef struct MemView {
    uint8_t *host;
    size_t len;        /* bytes */
} MemView;

/* An unimplemented region (cpu_map_unimplemented). */
typedef struct UnimpRegion {
    uint32_t base, size;
    char *note;        /* its guest-log format: one per region, so the log's limit is per region */
} UnimpRegion;

/* One Unicorn MMIO mapping, dispatched to the device windows and unimplemented regions
 * inside it: a span of device pages and unimplemented regions with no memory in between
 * (cpu.c, "MMIO"), or the tail page of an SRAM whose --sram size is not a multiple of
 * 4 KiB. */
typedef struct MmioPage {
    struct Cpu *cpu;
    uint32_t base, size;
    DevWindow **win;
    size_t nwin;
    UnimpRegion **unimp;
    size_t nunimp;
    /* SRAM tail page (--sram not a multiple of 4 KiB): RAM bytes below `ram_limit`, in
     * ram (its own page, or the memory's buffer when the memory has mirrors: ram_shared). */
    uint8_t *ram;
    uint32_t ram_limit;
    bool ram_shared;
} MmioPage;

/* What the block hook keeps of the block that ran last, for the block after it:
 * one 8-byte move from that block's entry. */
typedef struct BlockNext {
    uint32_t end;          /* fall-through address */
    uint8_t taken_penalty; /* cycles added when control left by the final branch */
    uint8_t flags;         /* BC_* (BC_CALL / BC_RET drive the shadow stack) */
    uint16_t unused;       /* moved along; keeps the move one 8-byte word */
} BlockNext;

/* One slot of the block table: 32 bytes, so that a slot's offset is a shift. */
typedef struct BlockEntry {
    uint32_t addr; /* 0 = empty slot (no code at address 0 is costed twice: fine) */
    uint32_t size;
    BlockNext next; /* {addr + size, cost.taken_penalty, cost.flags} */
    BlockCost cost;
    uint32_t hook; /* BC_HOOK: where its entry hooks were found (entry_first) */
} BlockEntry;

/* The shadow call stack: one frame per active call (its return address) or
 * exception (the interrupted PC). Watches (cpu_watch_return) sit on frames. */
typedef struct ShadowFrame {
    uint32_t ret;      /* return address (Thumb bit clear) / interrupted PC */
    uint32_t sp;       /* SP when the frame was pushed */
    bool exception;    /* an exception frame: a synchronous one returns past ret */
    bool interrupted;  /* an interrupt's frame: ret had not run (backtraces name it so) */
} ShadowFrame;

typedef struct ShadowWatch {
    uint32_t depth;    /* fires when frame depth-1 is popped */
    uint32_t cookie;
} ShadowWatch;

typedef struct EntryHook {
    uint32_t addr, size;  /* the function's extent (size 0: just addr) */
    CpuEntryHook fn;
    void *opaque;
    uint32_t cookie;
    uint32_t seq;         /* order of registration: hooks at one address run in it */
} EntryHook;

#define SHADOW_MAX 65536  /* frames; beyond this the oldest half is dropped */
#define SHADOW_RET_SLOTS 256 /* a power of two */

/* RISC-V counter CSR reads found in the image: fixed up after they execute. */
typedef struct CsrRead {
    uint32_t addr;
    uint16_t csr;
    uint8_t rd;
} CsrRead;

/* An access of cost_align_checks in a block that ran (Cortex-M), checked at the
 * block's start from the registers there, or by a code hook on the instruction when
 * that cannot tell (the hook's user data). */
typedef struct AlignSite {
    struct Cpu *cpu;
    AlignCheck ck;     /* ALIGN_LITERAL resolved to ALIGN_CONST when the block was first seen */
    bool hooked;       /* checked by its code hook from now on */
} AlignSite;

/* The accesses of one block (addr, size as the block hook saw it); addr 0 and size 0:
 * an empty slot of Cpu.align. */
typedef struct AlignBlock {
    uint32_t addr, size;
    AlignSite *sites;  /* owned; never moved (the hooks point into it) */
    uint32_t nsites;
} AlignBlock;

typedef struct CpuArchOps CpuArchOps; /* below */
typedef struct CpuDebug CpuDebug;     /* debug.c */

struct Cpu {
    /* The block hook's hot state, in one cache line (Cpu is allocated 64-aligned):
     * the hook runs for every block, between Unicorn's own accesses. */
    Sched *sched;
    BlockEntry *blocks;
    size_t blocks_mask;    /* slots - 1 (a power of two less one) */
    uint64_t deadline;     /* cycles: next time the block hook must look around */
    uint64_t insns;
    BlockNext prev;        /* the previous block's end, taken-branch penalty and flags */
    uint32_t prev_block;   /* start address of the previous block */
    uint32_t sp;           /* SP as the blocks so far left it (see sp_sync in cpu.c) */
    uint32_t min_sp;       /* lowest SP seen */
    uint8_t sp_read;       /* SP_*: must c->sp be read back at the next block? */
    bool verify_sp;        /* BAREGC_CHECK_SP: read back after every move and compare */

    uc_engine *uc;
    const CpuArchOps *ops;
    CoreModel core;
    CpuMemRegion *mem;
    size_t nmem;
    uint32_t boot_addr;
    uint32_t stack_limit;
    uint64_t max_cycles;
    bool keep_going;
    CpuSemihostFn semihost;
    void *semihost_opaque;

    /* Devices */
    DevWindow **win;   /* owned */
    size_t nwin;
    UnimpRegion *unimp; /* unimplemented regions (owned) */
    size_t nunimp;
    /* The memories that have mirrors: views of a memory file (the others are Unicorn's). */
    uint8_t **mem_host;  /* per region: where its bytes are on the host, or NULL */
    MemView *views;      /* to unmap */
    size_t nviews;
    MmioPage **pages;
    size_t npages;
    bool devices_mapped;   /* the windows are mapped (at the first boot) */

    /* Time */
    CostModel *cost;
    size_t blocks_count;
    bool irq_check;        /* interrupt state may have changed */
    volatile sig_atomic_t interrupt_req;
    ExcLatency lat;

    /* Observation */
    ShadowFrame *shadow;
    size_t nshadow, capshadow;
    /* Of the frames on the shadow stack: the exception frames, and the call frames by
     * return address (ret >> 1 modulo SHADOW_RET_SLOTS), so that a jump through a
     * register that lands where no frame returns is known to be no return in O(1). */
    size_t nshadow_exc;
    uint32_t shadow_rets[SHADOW_RET_SLOTS];
    ShadowWatch *watches;
    size_t nwatches, capwatches;
    EntryHook *entry_hooks; /* by address (then seq) once entry_sorted */
    size_t nentry, capentry;
    bool entry_sorted;
    CpuObserver obs;
    bool entered_by_call;  /* entry hooks running for a block a call just entered */

    /* Stop bookkeeping */
    bool stopping;
    CpuStop stop;
    uint32_t invalid_pc;   /* PC the insn-invalid hook saw in this run slice (0: none) */
    bool hooks_added;

    /* Cortex-M */
    Nvic *nvic;
    bool sleep_on_exit;    /* SLEEPONEXIT fired: sleep at the current PC */
    AlignBlock *align;     /* the blocks with aligned accesses seen so far, open-addressed by addr */
    size_t align_mask, align_count;

    /* cpu_retranslate: the block to translate again once emulation has stopped (size 0: none) */
    uint32_t retranslate_addr, retranslate_size;

    /* Addresses of instructions that may unmask interrupts (cpsie, msr primask,
     * csrw mstatus/mie, mret): a code hook there asks for an interrupt check. */
    uint32_t *unmask_at;
    size_t nunmask, capunmask;

    /* RISC-V */
    uint64_t (*rv_mtime)(void *opaque);
    void *rv_mtime_opaque;
    uint32_t mip;          /* pending local interrupt bits (MSIP 3, MTIP 7, MEIP 11) */
    uint64_t mip_since[32]; /* cycles: when each bit last rose */
    CsrRead *csr_reads;
    size_t ncsr, capcsr;
    const CsrRead *csr_pending; /* a counter read just executed: fix its rd */

    /* The debugger (debug.c): NULL until first used. dbg_active: the block hook must
     * look at it (a stop is requested, or the run has just resumed from one). */
    CpuDebug *dbg;
    bool dbg_active;
};

enum { SP_KNOWN, SP_UNKNOWN, SP_VERIFY };

/* cpu.c services for the architecture files */
/* Something other than a block moved SP (exception entry or return): read it at the next block. */
void cpu_sp_changed(Cpu *c);
void cpu_stop_now(Cpu *c, StopReason r, uint32_t pc, const char *fmt, ...) BG_PRINTF(4, 5);
/* Classify a failed guest access (unmapped / beyond --sram / flash write) into c->stop. */
void cpu_stop_access(Cpu *c, uint32_t pc, uint32_t addr, uint32_t size, char access, bool write_prot);
/* A fault address check for host-side stacking: 0 if [addr, addr+len) is RAM
 * within limits, else fills c->stop (with the stack limit considered) and returns -1. */
int cpu_check_stack_write(Cpu *c, uint32_t pc, uint32_t addr, uint32_t len);

/* An exception or trap is entered from ret_pc: a shadow-stack frame, and for an
 * asynchronous interrupt (irq >= 0) the observer's latency record. */
void cpu_exception_entered(Cpu *c, uint32_t ret_pc, int irq, uint64_t pending);
/* An asynchronous interrupt entered by tail-chaining (no new frame). */
void cpu_irq_entered(Cpu *c, int irq, uint64_t pending);

/* From the block hook, before the block at addr runs: stop, translate the block again
 * (so that code hooks added since it was translated take effect) and go on from addr.
 * The block is not charged: the block hook sees it again. */
void cpu_retranslate(Cpu *c, uint32_t addr, uint32_t size);

/* Remember an instruction address that may unmask interrupts (deduplicated). */
void cpu_note_unmask(Cpu *c, uint32_t addr);
/* WFI semantics: advance time to the next event until something can wake the
 * core. false when the run must stop (c->stop filled: deadlock/timeout). */
bool cpu_sleep(Cpu *c);
uint32_t cpu_read_u32(Cpu *c, uint32_t addr, bool *ok);
uint16_t cpu_read_u16(Cpu *c, uint32_t addr, bool *ok);
static inline uint32_t reg_get(Cpu *c, int reg)
{
    uint32_t v = 0;
    uc_reg_read(c->uc, reg, &v);
    return v;
}
static inline void reg_set(Cpu *c, int reg, uint32_t v) { uc_reg_write(c->uc, reg, &v); }

/* The debugger's side of the run loop (debug.c), called only while c->dbg exists. */
/* At the start of block_full when dbg_active: true if the block at addr must not be
 * looked at (it was charged before the run stopped in it). */
bool cpu_debug_block_start(Cpu *c, uint32_t addr);
/* At the end of block_full when dbg_active (the block at addr is charged): a
 * requested stop happens here, before the block runs. */
void cpu_debug_block_end(Cpu *c, uint32_t addr);
/* cpu_sleep ran the events due: false if the run stops for the debugger here. */
bool cpu_debug_sleep_check(Cpu *c, uint32_t pc);
/* cpu_run begins: continue from a debugger stop (hooks, skips, the sleep it broke);
 * false when the run stops again at once (c->stop filled). */
bool cpu_debug_resume(Cpu *c);
/* uc_emu_start returned with a STOP_DEBUG stop: settle where the run stands. */
void cpu_debug_stopped(Cpu *c);
void cpu_debug_free(Cpu *c);

/* A register as the debugger numbers it, in the architecture's table
 * (CpuArchOps.debug_regs: the debugger's order, the core feature first). */
typedef struct CpuDebugReg {
    CpuRegInfo info;
    int uc_id;                        /* Unicorn's id; 0 (and special 0): reads as zero (x0) */
    int special;                      /* nonzero: through CpuArchOps.debug_reg_read/write */
    bool (*present)(CoreModel core);  /* NULL: on every core of the architecture */
} CpuDebugReg;

/* What differs between architectures, one const table each (cortexm.c, riscv.c):
 * cpu.c calls through c->ops and tests no architecture itself. None of it is on
 * the block hook's common case; check_irq runs only when something is due. */
struct CpuArchOps {
    uc_arch uc_arch;       /* uc_open arguments */
    uc_mode uc_mode;
    int reg_pc, reg_sp;    /* Unicorn register ids */
    int reg_ra;            /* the return-address register (LR / ra) */
    int reg_ret;           /* the return-value register (r0 / a0) */
    /* Decoder register numbers (MemAccess.base/index, r0-r15 / x0-x31) to Unicorn
     * ids, ngpr entries (a power of two); an id of 0 reads as zero (x0). */
    const int *gpr;
    unsigned ngpr;
    int8_t pc_gpr;         /* the decoder number that is the PC as a base (Align(pc + 4, 4)), -1: none */
    const int *arg_regs;   /* Unicorn ids of the argument registers (r0-r3 / a0-a7) */
    int nargs;
    uint32_t start_bits;   /* ORed into PC to resume execution (the Thumb bit) */

    /* After uc_open: select the Unicorn CPU model, check the configuration. */
    int (*setup)(Cpu *c, char **err);
    /* cpu_boot: registers (and the exception controller) as out of reset. */
    int (*reset)(Cpu *c, char **err);
    /* Image bytes loaded at addr: note unmasking instructions and the like. */
    void (*scan_code)(Cpu *c, uint32_t addr, const uint8_t *data, size_t len);
    /* Unicorn hooks of the architecture's own, registered with cpu.c's (NULL: none). */
    void (*add_hooks)(Cpu *c);
    /* At a block boundary with PC at `pc`: take a pending exception if one can
     * preempt. Returns true if execution was redirected (or is stopping). Masked
     * interrupts are looked at again when an unmasking instruction runs. */
    bool (*check_irq)(Cpu *c, uint32_t pc);
    /* Sleeping: is something pending that wakes the core? */
    bool (*wake_pending)(Cpu *c);
    /* emu_start returned cleanly with PC at pc: did a WFI just stop it? */
    bool (*is_wfi)(Cpu *c, uint32_t pc);
    /* A CPU exception (UC_HOOK_INTR) with Unicorn's number for it. */
    void (*hook_intr)(Cpu *c, uint32_t intno);
    /* emu_start came back with UC_ERR_INSN_INVALID at pc (the insn-invalid hook's PC).
     * Returns true if handled and execution can resume (PC set). */
    bool (*insn_invalid)(Cpu *c, uint32_t pc);
    /* After a fault stop with --keep-going: deliver it to the firmware (HardFault,
     * a trap). true if resumed. */
    bool (*deliver_fault)(Cpu *c);
    /* A block with accesses that must be aligned (cost_block's result) is about to run
     * at addr: check them (BLOCK_CHECK_*). NULL: the architecture has none. */
    int (*check_block)(Cpu *c, uint32_t addr, uint32_t size);

    /* The debugger's view (debug.c): its name for the architecture, the registers it
     * numbers, and the special ones (CpuDebugReg.special: values Unicorn does not
     * hold, or writes that need more than uc_reg_write; a write returns false for a
     * read-only register). */
    const char *debug_arch;
    const CpuDebugReg *debug_regs;
    size_t ndebug_regs;
    uint32_t (*debug_reg_read)(Cpu *c, int special);
    bool (*debug_reg_write)(Cpu *c, int special, uint32_t v);
};

/* What check_block says of a block: check it again next time; it needs no check at its
 * start any more (code hooks check what it has: it goes back to the block hook's common
 * case); it must not run now (a fault was taken, the run stops, or cpu_retranslate was
 * asked for). */
enum { BLOCK_CHECK_AGAIN, BLOCK_CHECK_NEVER, BLOCK_CHECK_STOP };

extern const CpuArchOps cortexm_ops;
extern const CpuArchOps riscv_ops;

#endif
