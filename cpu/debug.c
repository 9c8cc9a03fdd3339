/* debug.c: the debugger's primitives (debug.h) on Unicorn. A breakpoint is a code
 * hook on its one address; a watchpoint a memory hook on its range, with a code hook on
 * every instruction while one is set, whose next call (the instruction after the
 * access) stops the run; a step uses that same hook. Hooks are added and removed only
 * between runs, and the translated code they concern is dropped then (Unicorn 2.0.1
 * does not put a new hook into code it has already translated, issue #2200). Unicorn
 * must never stop inside a memory hook: it would resume at the start of the block.
 *
 * Simulated time stands still: a stop comes after the block hook charged the block it
 * stops in (or, when Unicorn stops at the next block's start, before that block is
 * looked at), and the run resumes so that the block hook charges nothing twice and
 * skips nothing: the first block hook after the resume, at the PC the run stopped at,
 * is skipped when its block was charged; the instruction at that PC runs without
 * stopping again. A stop made while the core sleeps (WFI) resumes by sleeping on. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_internal.h"

typedef struct DebugBreak {
    uint32_t addr;
    unsigned sw, hw;  /* insertions of each kind */
    uc_hook hook;
} DebugBreak;

typedef struct DebugWatch {
    uint32_t addr, len; /* bytes */
    CpuWatchKind kind;
    unsigned count;     /* insertions */
    uc_hook hook;
} DebugWatch;

struct CpuDebug {
    const CpuDebugReg **regs; /* the core's registers, in the debugger's order */
    size_t nregs;
    DebugBreak *brk;
    size_t nbrk;
    DebugWatch *watch;
    size_t nwatch;
    uc_hook every;        /* the code hook on every instruction (steps, watchpoints) */
    bool every_on;
    bool step;            /* stop after one instruction */
    bool request;         /* stop at the next block boundary */
    /* Resuming from the stop at resume_pc: */
    bool resuming;        /* no other instruction has begun since the resume */
    bool first_block;     /* the next block hook is the first since the resume */
    bool skip_block;      /* the block at resume_pc was charged before the stop */
    bool sleeping;        /* the stop broke a sleep: resume by sleeping on */
    uint32_t resume_pc;
    uint32_t stop_pc;     /* PC at the last stop (another PC at the resume: a jump) */
    /* A stop in progress */
    bool uncharged;       /* a block hook left the block at uncharged_pc to the resume */
    uint32_t uncharged_pc;
    bool hit;             /* the current instruction accessed a watched byte */
    uint32_t hit_addr;
    char hit_access;      /* 'w', 'r', 'a' */
};

/* The block hook must look at the debugger while a stop is requested or in progress,
 * or the run has just resumed: deadline 0 sends every block to block_full. */
static void refresh_active(Cpu *c)
{
    CpuDebug *d = c->dbg;
    c->dbg_active = d->request || d->resuming || d->first_block ||
                    (c->stopping && c->stop.reason == STOP_DEBUG);
    if (c->dbg_active)
        c->deadline = 0;
}

static CpuDebug *debug_get(Cpu *c)
{
    if (c->dbg)
        return c->dbg;
    CpuDebug *d = xcalloc(1, sizeof *d);
    d->regs = xcalloc(c->ops->ndebug_regs, sizeof *d->regs);
    for (size_t i = 0; i < c->ops->ndebug_regs; i++) {
        const CpuDebugReg *r = &c->ops->debug_regs[i];
        if (!r->present || r->present(c->core))
            d->regs[d->nregs++] = r;
    }
    d->stop_pc = cpu_pc(c);
    c->dbg = d;
    return d;
}

void cpu_debug_free(Cpu *c)
{
    CpuDebug *d = c->dbg;
    if (!d)
        return;
    free(d->regs);
    free(d->brk);
    free(d->watch);
    free(d);
    c->dbg = NULL;
}

/* Begin a stop for the debugger before the instruction at pc. */
static void debug_stop(Cpu *c, uint32_t pc, CpuDebugCause cause, const char *what)
{
    if (c->stopping)
        return;
    cpu_stop_now(c, STOP_DEBUG, pc, "%s at 0x%08x", what, pc);
    c->stop.debug = cause;
    c->dbg->uncharged = false;
    refresh_active(c);
}

static DebugBreak *find_break(CpuDebug *d, uint32_t addr)
{
    for (size_t i = 0; i < d->nbrk; i++)
        if (d->brk[i].addr == addr)
            return &d->brk[i];
    return NULL;
}

/* Every debugger code hook: breakpoints, and the hook on every instruction. */
static void hook_debug_code(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    Cpu *c = ud;
    CpuDebug *d = c->dbg;
    uint32_t pc = (uint32_t)address;
    if (c->stopping)
        return;
    if (d->resuming) {
        if (pc == d->resume_pc)
            return; /* the instruction the run stopped before: it runs now */
        d->resuming = false;
    }
    if (d->hit) {
        d->hit = false;
        debug_stop(c, pc, CPU_DEBUG_WATCH, "watchpoint");
        c->stop.addr = d->hit_addr;
        c->stop.access = d->hit_access;
        return;
    }
    if (d->step) {
        debug_stop(c, pc, CPU_DEBUG_STEP, "step");
        return;
    }
    const DebugBreak *b = find_break(d, pc);
    if (b)
        debug_stop(c, pc, b->sw ? CPU_DEBUG_BREAK : CPU_DEBUG_HWBREAK, "breakpoint");
}

/* A guest load or store near a watchpoint (the hooks' ranges start 7 bytes early,
 * so that a wide access that begins before a watched byte is seen). Only noted: the
 * next instruction's code hook stops the run. */
static void hook_debug_mem(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *ud)
{
    Cpu *c = ud;
    CpuDebug *d = c->dbg;
    if (d->hit || c->stopping)
        return;
    bool write = type == UC_MEM_WRITE;
    uint64_t lo = address, hi = address + (uint64_t)size;
    for (size_t i = 0; i < d->nwatch; i++) {
        const DebugWatch *w = &d->watch[i];
        if (!(w->kind & (write ? CPU_WATCH_WRITE : CPU_WATCH_READ)) || hi <= w->addr || lo >= (uint64_t)w->addr + w->len)
            continue;
        d->hit = true;
        d->hit_addr = lo > w->addr ? (uint32_t)lo : w->addr;
        d->hit_access = w->kind == CPU_WATCH_ACCESS ? 'a' : write ? 'w' : 'r';
        return;
    }
}

/* ---- breakpoints and watchpoints ---- */

int cpu_debug_break_insert(Cpu *c, uint32_t addr, bool hw)
{
    CpuDebug *d = debug_get(c);
    addr &= ~1u;
    DebugBreak *b = find_break(d, addr);
    if (!b) {
        d->brk = xrealloc(d->brk, (d->nbrk + 1) * sizeof *d->brk);
        b = &d->brk[d->nbrk++];
        *b = (DebugBreak){.addr = addr};
        uc_hook_add(c->uc, &b->hook, UC_HOOK_CODE, hook_debug_code, c, addr, addr);
        uc_ctl_remove_cache(c->uc, addr, (uint64_t)addr + 1);
    }
    if (hw)
        b->hw++;
    else
        b->sw++;
    return 0;
}

int cpu_debug_break_remove(Cpu *c, uint32_t addr, bool hw)
{
    CpuDebug *d = debug_get(c);
    DebugBreak *b = find_break(d, addr & ~1u);
    unsigned *n = b ? (hw ? &b->hw : &b->sw) : NULL;
    if (!n || !*n)
        return -1;
    if (--*n == 0 && !b->sw && !b->hw) {
        uc_hook_del(c->uc, b->hook); /* drops the code translated with it */
        *b = d->brk[--d->nbrk];
    }
    return 0;
}

static DebugWatch *find_watch(CpuDebug *d, uint32_t addr, uint32_t len, CpuWatchKind kind)
{
    for (size_t i = 0; i < d->nwatch; i++)
        if (d->watch[i].addr == addr && d->watch[i].len == len && d->watch[i].kind == kind)
            return &d->watch[i];
    return NULL;
}

int cpu_debug_watch_insert(Cpu *c, uint32_t addr, uint32_t len, CpuWatchKind kind)
{
    CpuDebug *d = debug_get(c);
    if (!len || (uint64_t)addr + len > 0x100000000ull)
        return -1;
    DebugWatch *w = find_watch(d, addr, len, kind);
    if (!w) {
        d->watch = xrealloc(d->watch, (d->nwatch + 1) * sizeof *d->watch);
        w = &d->watch[d->nwatch++];
        *w = (DebugWatch){.addr = addr, .len = len, .kind = kind};
        int types = (kind & CPU_WATCH_WRITE ? UC_HOOK_MEM_WRITE : 0) | (kind & CPU_WATCH_READ ? UC_HOOK_MEM_READ : 0);
        uint64_t lo = addr >= 7 ? addr - 7 : 0;
        uc_hook_add(c->uc, &w->hook, types, hook_debug_mem, c, lo, (uint64_t)addr + len - 1);
    }
    w->count++;
    return 0;
}

int cpu_debug_watch_remove(Cpu *c, uint32_t addr, uint32_t len, CpuWatchKind kind)
{
    CpuDebug *d = debug_get(c);
    DebugWatch *w = find_watch(d, addr, len, kind);
    if (!w)
        return -1;
    if (--w->count == 0) {
        uc_hook_del(c->uc, w->hook);
        *w = d->watch[--d->nwatch];
    }
    return 0;
}

void cpu_debug_clear(Cpu *c)
{
    CpuDebug *d = debug_get(c);
    for (size_t i = 0; i < d->nbrk; i++)
        uc_hook_del(c->uc, d->brk[i].hook);
    for (size_t i = 0; i < d->nwatch; i++)
        uc_hook_del(c->uc, d->watch[i].hook);
    d->nbrk = d->nwatch = 0;
    d->step = d->request = d->hit = false;
    refresh_active(c);
}

void cpu_debug_step(Cpu *c) { debug_get(c)->step = true; }

void cpu_debug_request_stop(Cpu *c)
{
    debug_get(c)->request = true;
    refresh_active(c);
}

bool cpu_interrupt_pending(const Cpu *c) { return c->interrupt_req != 0; }

/* ---- the run loop's side ---- */

bool cpu_debug_block_start(Cpu *c, uint32_t addr)
{
    CpuDebug *d = c->dbg;
    if (c->stopping && c->stop.reason == STOP_DEBUG) {
        /* Unicorn stops at this block's start, after its hook: leave the block
         * (and the way into it) to the block hook of the resumed run. */
        d->uncharged = true;
        d->uncharged_pc = addr;
        return true;
    }
    bool skip = false;
    if (d->first_block && addr == d->resume_pc) {
        skip = d->skip_block; /* resuming inside the block the run stopped in */
    } else {
        d->resuming = false; /* another block: the resumed instruction is behind */
    }
    d->first_block = false;
    d->skip_block = false;
    refresh_active(c);
    return skip;
}

void cpu_debug_block_end(Cpu *c, uint32_t addr)
{
    CpuDebug *d = c->dbg;
    if (d->request) {
        d->request = false;
        debug_stop(c, addr, CPU_DEBUG_REQUEST, "stopped on request");
    }
}

bool cpu_debug_sleep_check(Cpu *c, uint32_t pc)
{
    CpuDebug *d = c->dbg;
    if (!d->request)
        return true;
    d->request = false;
    debug_stop(c, pc, CPU_DEBUG_REQUEST, "stopped on request while sleeping");
    d->sleeping = true;
    return false;
}

/* The hook on every instruction is there while a step or a watchpoint needs it;
 * code is translated afresh with it and without it. */
static void every_instruction_hook(Cpu *c, bool on)
{
    CpuDebug *d = c->dbg;
    if (on == d->every_on)
        return;
    if (on)
        uc_hook_add(c->uc, &d->every, UC_HOOK_CODE, hook_debug_code, c, 1, 0);
    else
        uc_hook_del(c->uc, d->every);
    d->every_on = on;
    uc_ctl_flush_tlb(c->uc); /* (this macro flushes the translated blocks) */
}

bool cpu_debug_resume(Cpu *c)
{
    CpuDebug *d = c->dbg;
    uint32_t pc = cpu_pc(c);
    every_instruction_hook(c, d->step || d->nwatch > 0);
    d->hit = false;
    bool sleeping = d->sleeping;
    d->sleeping = false;
    if (pc != d->stop_pc) {
        /* The debugger moved PC: a jump, not the way the stopped block went on. */
        d->skip_block = false;
        sleeping = false;
        c->prev = (BlockNext){0};
    }
    d->resume_pc = pc;
    d->resuming = true;
    d->first_block = true;
    refresh_active(c);
    return !sleeping || cpu_sleep(c);
}

void cpu_debug_stopped(Cpu *c)
{
    CpuDebug *d = c->dbg;
    uint32_t pc = cpu_pc(c); /* where Unicorn stopped: after an IT block, not in it */
    c->stop.pc = pc;
    d->skip_block = !d->sleeping && !(d->uncharged && d->uncharged_pc == pc);
    d->uncharged = false;
    d->stop_pc = pc;
    d->step = d->request = d->hit = false;
    d->resuming = d->first_block = false;
    c->stopping = false;
    refresh_active(c);
}

/* ---- registers ---- */

const char *cpu_debug_arch(const Cpu *c) { return c->ops->debug_arch; }
size_t cpu_debug_reg_count(Cpu *c) { return debug_get(c)->nregs; }

static const CpuDebugReg *reg_at(Cpu *c, size_t n)
{
    CpuDebug *d = debug_get(c);
    return n < d->nregs ? d->regs[n] : NULL;
}

const CpuRegInfo *cpu_debug_reg_info(Cpu *c, size_t n)
{
    const CpuDebugReg *r = reg_at(c, n);
    return r ? &r->info : NULL;
}

int cpu_debug_reg_read(Cpu *c, size_t n, uint32_t *v)
{
    const CpuDebugReg *r = reg_at(c, n);
    if (!r)
        return -1;
    if (r->special)
        *v = c->ops->debug_reg_read(c, r->special);
    else
        *v = r->uc_id ? reg_get(c, r->uc_id) : 0;
    if (r->uc_id == c->ops->reg_pc)
        *v &= ~c->ops->start_bits; /* the Thumb bit is not part of the address */
    return 0;
}

int cpu_debug_reg_write(Cpu *c, size_t n, uint32_t v)
{
    const CpuDebugReg *r = reg_at(c, n);
    if (!r)
        return -1;
    uint32_t sp = cpu_sp(c);
    if (r->special) {
        if (!c->ops->debug_reg_write || !c->ops->debug_reg_write(c, r->special, v))
            return -1;
    } else if (r->uc_id) {
        reg_set(c, r->uc_id, r->uc_id == c->ops->reg_pc ? v | c->ops->start_bits : v);
    }
    if (cpu_sp(c) != sp)
        cpu_sp_changed(c); /* SP (or the stack pointer it banks) moved: read it back */
    return 0;
}

/* ---- memory ---- */

/* Is every byte of [addr, addr + len) in one memory, below its --sram limit? */
static bool in_memory(const Cpu *c, uint32_t addr, size_t len)
{
    for (size_t i = 0; i < c->nmem; i++) {
        const CpuMemRegion *m = &c->mem[i];
        if (addr - m->base < m->limit)
            return (uint64_t)(addr - m->base) + len <= m->limit;
    }
    return false;
}

int cpu_debug_mem_read(Cpu *c, uint32_t addr, void *buf, size_t len)
{
    if (!len)
        return 0;
    if (!in_memory(c, addr, len))
        return -1;
    return uc_mem_read(c->uc, addr, buf, len) == UC_ERR_OK ? 0 : -1;
}

int cpu_debug_mem_write(Cpu *c, uint32_t addr, const void *buf, size_t len)
{
    if (!len)
        return 0;
    if (!in_memory(c, addr, len))
        return -1;
    if (uc_mem_write(c->uc, addr, buf, len) != UC_ERR_OK)
        return -1;
    uc_ctl_remove_cache(c->uc, addr, (uint64_t)addr + len);
    return 0;
}
