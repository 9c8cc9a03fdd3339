/* cpu.c: Unicorn glue: memories, MMIO pages, the block hook that keeps simulated
 * time, guest faults, and the run loop (sleep, stop, resume). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/cpu_internal.h"

_Static_assert(offsetof(struct Cpu, uc) <= 64, "the block hook's state must fit in one cache line");
_Static_assert(sizeof(BlockNext) == 8 && sizeof(BlockEntry) == 32, "hook_block's moves and its slot offsets");

#define PAGE 0x1000u
#define PAGE_MASK (~(PAGE - 1))

static const char *const stop_names[] = {
    [STOP_EXIT] = "exit", [STOP_RESET] = "reset", [STOP_UNMAPPED] = "unmapped access",
    [STOP_SRAM_LIMIT] = "beyond SRAM", [STOP_FLASH_WRITE] = "flash write",
    [STOP_STACK] = "stack overflow", [STOP_HARDFAULT] = "hard fault",
    [STOP_BAD_INSN] = "undefined instruction", [STOP_TIMEOUT] = "timeout",
    [STOP_DEADLOCK] = "deadlock", [STOP_INTERRUPTED] = "interrupted", [STOP_INTERNAL] = "internal error",
    [STOP_DEBUG] = "debugger stop",
};

const char *cpu_stop_name(StopReason r) { return stop_names[r]; }

/* ---- stops ------------------------------------------------------------- */

uint32_t cpu_pc(Cpu *c) { return reg_get(c, c->ops->reg_pc) & ~1u; }
uint32_t cpu_sp(Cpu *c) { return reg_get(c, c->ops->reg_sp); }

/* Record the first stop of a run slice and ask Unicorn to stop. */
static void stop_begin(Cpu *c, StopReason r, uint32_t pc)
{
    if (c->stopping)
        return;
    c->stopping = true;
    memset(&c->stop, 0, sizeof c->stop);
    c->stop.reason = r;
    c->stop.pc = pc;
    c->stop.sp = cpu_sp(c);
    c->stop.lr = reg_get(c, c->ops->reg_ra);
    uc_emu_stop(c->uc);
}

void cpu_stop_now(Cpu *c, StopReason r, uint32_t pc, const char *fmt, ...)
{
    if (c->stopping)
        return;
    stop_begin(c, r, pc);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->stop.detail, sizeof c->stop.detail, fmt, ap);
        va_end(ap);
    }
}

static const CpuMemRegion *region_of(const Cpu *c, uint32_t addr)
{
    for (size_t i = 0; i < c->nmem; i++)
        if (addr - c->mem[i].base < c->mem[i].size)
            return &c->mem[i];
    return NULL;
}

void cpu_stop_access(Cpu *c, uint32_t pc, uint32_t addr, uint32_t size, char access, bool write_prot)
{
    if (c->stopping)
        return;
    const CpuMemRegion *m = region_of(c, addr);
    const char *what = access == 'w' ? "write" : access == 'x' ? "instruction fetch" : "read";
    if (m && write_prot && m->kind == MEM_FLASH) {
        cpu_stop_now(c, STOP_FLASH_WRITE, pc, "%u-byte write to flash \"%s\" at 0x%08x", size, m->name, addr);
    } else if (m && addr - m->base >= m->limit) {
        cpu_stop_now(c, STOP_SRAM_LIMIT, pc,
                     "%u-byte %s at 0x%08x is beyond the %u bytes of \"%s\" given with --sram (the part has %u)",
                     size, what, addr, m->limit, m->name, m->size);
    } else if (m && (uint64_t)addr - m->base + size > m->limit && m->limit < m->size) {
        cpu_stop_now(c, STOP_SRAM_LIMIT, pc,
                     "%u-byte %s at 0x%08x runs beyond the %u bytes of \"%s\" given with --sram (the part has %u)",
                     size, what, addr, m->limit, m->name, m->size);
    } else if (m && (uint64_t)addr - m->base + size > m->limit) {
        cpu_stop_now(c, STOP_UNMAPPED, pc, "%u-byte %s at 0x%08x runs past the end of \"%s\" (0x%08x)", size, what,
                     addr, m->name, m->base + m->limit);
    } else {
        cpu_stop_now(c, STOP_UNMAPPED, pc, "%u-byte %s at 0x%08x outside every memory of the board", size, what,
                     addr);
    }
    c->stop.addr = addr;
    c->stop.size = size;
    c->stop.access = access;
}

int cpu_check_stack_write(Cpu *c, uint32_t pc, uint32_t addr, uint32_t len)
{
    if (c->stack_limit && addr < c->stack_limit) {
        cpu_stop_now(c, STOP_STACK, pc, "exception stacking at 0x%08x goes below the stack limit 0x%08x", addr,
                     c->stack_limit);
        c->stop.addr = addr;
        return -1;
    }
    const CpuMemRegion *m = region_of(c, addr);
    if (!m || m->kind != MEM_SRAM || addr - m->base + len > m->limit) {
        cpu_stop_access(c, pc, addr, len, 'w', m && m->kind == MEM_FLASH);
        snprintf(c->stop.detail + strlen(c->stop.detail), sizeof c->stop.detail - strlen(c->stop.detail),
                 " (exception stacking)");
        return -1;
    }
    return 0;
}

void cpu_request_irq_check(Cpu *c)
{
    c->irq_check = true;
    c->deadline = 0;
}

void cpu_request_interrupt(Cpu *c)
{
    c->interrupt_req = 1;
    c->deadline = 0;
}

void cpu_request_stop(Cpu *c, StopReason reason, int exit_code)
{
    if (c->stopping)
        return;
    stop_begin(c, reason, cpu_pc(c));
    c->stop.exit_code = exit_code;
}

uint64_t cpu_instructions(const Cpu *c) { return c->insns; }

void cpu_set_semihost(Cpu *c, CpuSemihostFn fn, void *opaque)
{
    c->semihost = fn;
    c->semihost_opaque = opaque;
}

void cpu_set_rv_mtime(Cpu *c, uint64_t (*fn)(void *opaque), void *opaque)
{
    c->rv_mtime = fn;
    c->rv_mtime_opaque = opaque;
}

uint32_t cpu_read_u32(Cpu *c, uint32_t addr, bool *ok)
{
    uint32_t v = 0;
    *ok = uc_mem_read(c->uc, addr, &v, 4) == UC_ERR_OK;
    return v;
}

uint16_t cpu_read_u16(Cpu *c, uint32_t addr, bool *ok)
{
    uint16_t v = 0;
    *ok = uc_mem_read(c->uc, addr, &v, 2) == UC_ERR_OK;
    return v;
}

int cpu_mem_read(Cpu *c, uint32_t addr, void *buf, size_t len)
{
    return uc_mem_read(c->uc, addr, buf, len) == UC_ERR_OK ? 0 : -1;
}

static bool device_page(const MmioPage *p, uint32_t addr);
static const UnimpRegion *unimp_at(const MmioPage *p, uint32_t addr);

/* The first byte of [addr, addr + len) that a store of the firmware's would fault
 * on (flash, beyond --sram, no memory, no device's page and no unimplemented region),
 * or addr + len. */
static uint64_t first_store_fault(const Cpu *c, uint32_t addr, size_t len)
{
    uint64_t a = addr, end = (uint64_t)addr + len;
    while (a < end) {
        if (a > UINT32_MAX)
            return a;
        const CpuMemRegion *m = region_of(c, (uint32_t)a);
        uint64_t next = (a | (PAGE - 1)) + 1;
        if (m) {
            next = (uint64_t)m->base + m->limit;
            if (m->kind != MEM_SRAM || a >= next)
                return a;
        } else {
            const MmioPage *p = NULL;
            for (size_t i = 0; i < c->npages && !p; i++)
                if (!c->pages[i]->ram && a - c->pages[i]->base < c->pages[i]->size)
                    p = c->pages[i];
            if (!p || (!device_page(p, (uint32_t)a) && !unimp_at(p, (uint32_t)a)))
                return a;
        }
        a = next;
    }
    return end;
}

int cpu_mem_write(Cpu *c, uint32_t addr, const void *buf, size_t len)
{
    uint64_t bad = first_store_fault(c, addr, len);
    if (bad < (uint64_t)addr + len) {
        const CpuMemRegion *m = region_of(c, (uint32_t)bad);
        cpu_stop_access(c, cpu_pc(c), (uint32_t)bad, (uint32_t)((uint64_t)addr + len - bad), 'w',
                        m && m->kind == MEM_FLASH);
        size_t n = strlen(c->stop.detail);
        snprintf(c->stop.detail + n, sizeof c->stop.detail - n, " (a semihosting call's write)");
        return -1;
    }
    return uc_mem_write(c->uc, addr, buf, len) == UC_ERR_OK ? 0 : -1;
}

/* ---- block costs -------------------------------------------------------- */

/* A block's home slot: its address's halfword number, wrapped. Blocks are spread over
 * the code, never closer than 2 bytes: neighbours take neighbouring slots, and a
 * table of more than twice as many slots as blocks leaves runs of them free. */
static inline size_t block_slot(uint32_t addr, size_t mask) { return (addr >> 1) & mask; }

/* Bits kept in a block's entry's size, so that the block hook's plainest case (which
 * compares the size) leaves the block to its other paths: BLOCK_SLOW for one that starts
 * an entry hook or writes SP as the decoder cannot follow (block_full), BLOCK_ALIGN for
 * one with accesses that must be aligned (cost_block's result: the architecture checks
 * them first), BLOCK_SP for one that moves SP (its new low is tested). */
#define BLOCK_SLOW 0x80000000u
#define BLOCK_ALIGN 0x40000000u
#define BLOCK_SP 0x20000000u
#define BLOCK_BITS (BLOCK_SLOW | BLOCK_ALIGN | BLOCK_SP)
static inline bool block_is(const BlockEntry *e, uint32_t addr, uint32_t size)
{
    return e->addr == addr && (e->size & ~BLOCK_BITS) == size;
}

static void blocks_grow(Cpu *c)
{
    size_t cap = c->blocks ? c->blocks_mask + 1 : 0;
    size_t ncap = cap ? cap * 2 : 4096;
    BlockEntry *nb = xcalloc(ncap, sizeof *nb);
    for (size_t i = 0; i < cap; i++) {
        BlockEntry *e = &c->blocks[i];
        if (!e->addr && !e->size)
            continue;
        size_t j = block_slot(e->addr, ncap - 1);
        while (nb[j].size)
            j = (j + 1) & (ncap - 1);
        nb[j] = *e;
    }
    free(c->blocks);
    c->blocks = nb;
    c->blocks_mask = ncap - 1;
}

static size_t entry_first(Cpu *c, uint32_t addr);

/* Decode a block the first time it runs (block_entry misses land here). A block
 * found past its home slot trades places with the home slot's entry, so that the
 * block hook's common case (which looks only there) finds it the next time: the
 * entry moved out stays reachable, since every slot from its own home up to where it
 * goes was full for the probe that found this one. */
static BG_NOINLINE BlockEntry *block_entry_new(Cpu *c, uint32_t addr, uint32_t size)
{
    size_t home = block_slot(addr, c->blocks_mask);
    size_t j = home;
    for (;;) {
        BlockEntry *e = &c->blocks[j];
        if (block_is(e, addr, size)) {
            BlockEntry *h = &c->blocks[home];
            BlockEntry t = *h;
            *h = *e;
            *e = t;
            return h;
        }
        if (!e->size)
            break;
        j = (j + 1) & c->blocks_mask;
    }
    if ((c->blocks_count + 1) * 2 > c->blocks_mask + 1) {
        blocks_grow(c);
        j = block_slot(addr, c->blocks_mask);
        while (c->blocks[j].size)
            j = (j + 1) & c->blocks_mask;
    }
    BlockEntry *e = &c->blocks[j];
    uint8_t buf[1024];
    uint32_t n = size < sizeof buf ? size : sizeof buf;
    if (uc_mem_read(c->uc, addr, buf, n) != UC_ERR_OK)
        n = 0;
    e->addr = addr;
    e->size = size ? size : 1;
    bool align = cost_block(c->cost, addr, buf, n, &e->cost);
    if (!(e->cost.flags & BC_SP_STATIC))
        e->cost.sp_low = e->cost.sp_delta = 0; /* hook_block adds them unconditionally */
    e->hook = c->nentry ? (uint32_t)entry_first(c, addr) : 0;
    if (e->hook < c->nentry && c->entry_hooks[e->hook].addr == addr) {
        e->cost.flags |= BC_HOOK;
        e->size |= BLOCK_SLOW;
    }
    if (c->verify_sp && (e->cost.flags & BC_SP_STATIC))
        e->size |= BLOCK_SLOW; /* BAREGC_CHECK_SP: block_full checks every move */
    if (align && c->ops->check_block)
        e->size |= BLOCK_ALIGN;
    if (e->cost.sp_low || e->cost.sp_delta)
        e->size |= BLOCK_SP;
    if (e->cost.flags & BC_SP_DYNAMIC)
        e->size |= BLOCK_SLOW; /* block_full forgets SP after it (rare: mov sp, msr msp...) */
    e->next = (BlockNext){.end = addr + size, .taken_penalty = e->cost.taken_penalty, .flags = e->cost.flags};
    c->blocks_count++;
    return e;
}

/* A block's entry (its cost): one probe of the open-addressed table when it sits in its
 * home slot. */
static inline BlockEntry *block_entry(Cpu *c, uint32_t addr, uint32_t size)
{
    BlockEntry *e = &c->blocks[block_slot(addr, c->blocks_mask)];
    if (BG_LIKELY(block_is(e, addr, size)))
        return e;
    return block_entry_new(c, addr, size);
}

/* ---- the block hook ----------------------------------------------------- */

static void recompute_deadline(Cpu *c)
{
    uint64_t d = sched_next(c->sched);
    if (c->max_cycles && c->max_cycles < d)
        d = c->max_cycles;
    if (c->irq_check || c->interrupt_req || c->sp_read != SP_KNOWN || c->dbg_active)
        d = 0; /* look around at the next block (SP unknown: read it there) */
    c->deadline = d;
}

static void on_earlier_event(void *opaque, uint64_t when)
{
    Cpu *c = opaque;
    if (when < c->deadline)
        c->deadline = when;
}

/* Everything that is not the common case is in block_full, in this order: the stops
 * (interrupt request, cycle limit); the events due (time has reached the end of the
 * previous block: a CPU sample taken there is charged to the previous block, with the
 * call stack as it was while that block ran); the shadow stack's move for the call or
 * return that ended the previous block; a pending interrupt, and the next deadline. */

/* True if the run stops before the block at addr. */
static bool block_stop_due(Cpu *c, uint32_t addr)
{
    if (c->interrupt_req) {
        cpu_stop_now(c, STOP_INTERRUPTED, addr, "interrupted");
        return true;
    }
    if (c->max_cycles && c->sched->now >= c->max_cycles) {
        cpu_stop_now(c, STOP_TIMEOUT, addr, "reached the cycle limit (%llu cycles)",
                     (unsigned long long)c->max_cycles);
        return true;
    }
    return false;
}

/* The events due; true if one stops the run. */
static bool block_events(Cpu *c)
{
    Sched *s = c->sched;
    if (sched_next(s) <= s->now)
        sched_run_due(s);
    return c->stopping;
}

/* With the shadow stack as it stands at addr: a pending interrupt, and the next
 * deadline. Returns true if execution was redirected or is stopping (the block at
 * addr must not be charged). */
static bool block_irq(Cpu *c, uint32_t addr)
{
    if (c->stopping)
        return true;
    bool redirected = false;
    if (c->irq_check) {
        c->irq_check = false;
        redirected = c->ops->check_irq(c, addr);
        if (c->stopping)
            return true;
    }
    recompute_deadline(c);
    if (redirected) {
        c->prev.taken_penalty = 0;
        c->prev.end = 0;
        c->prev.flags = 0;
    }
    return redirected;
}

/* ---- the stack pointer ----------------------------------------------------
 * Kept without reading Unicorn's register in the common case: a block whose SP
 * moves are in its encoding (BC_SP_STATIC) moves c->sp by them; after any other
 * write (BC_SP_DYNAMIC), an exception entry or return, SP is read at the next
 * block. BAREGC_CHECK_SP=1 reads it after every moving block too and stops on a
 * difference (the tests run the example firmware so). */

/* SP must be read back (SP_UNKNOWN) or checked (SP_VERIFY) at the next block: the
 * deadline goes to 0 so that the block hook's common case (which does not look at
 * sp_read) hands that block to block_full. */
static inline void sp_forget(Cpu *c, uint8_t how)
{
    c->sp_read = how;
    c->deadline = 0;
}

/* SP reaches a new low: `low`, which the block at pc is about to take it to
 * (ahead), or which it was read back at (the blocks before pc took it there).
 * The high-water mark, and the stack limit: true if the run stops. */
static bool sp_new_low(Cpu *c, uint32_t low, uint32_t pc, bool ahead)
{
    c->min_sp = low;
    if (c->stack_limit && low < c->stack_limit) {
        if (ahead)
            cpu_stop_now(c, STOP_STACK, pc,
                         "this block would take the stack pointer to 0x%08x, below the stack limit 0x%08x (%u bytes "
                         "over); stopped before it ran",
                         low, c->stack_limit, c->stack_limit - low);
        else
            cpu_stop_now(c, STOP_STACK, pc, "stack pointer 0x%08x is below the stack limit 0x%08x (%u bytes over)",
                         low, c->stack_limit, c->stack_limit - low);
        c->stop.addr = low;
        return true;
    }
    return false;
}

/* Read SP back (c->sp_read set). True if the run stops. */
static BG_NOINLINE bool sp_sync(Cpu *c, uint32_t pc)
{
    uint32_t sp = cpu_sp(c);
    if (c->sp_read == SP_VERIFY && sp != c->sp) {
        cpu_stop_now(c, STOP_INTERNAL, pc,
                     "SP tracking: the blocks before 0x%08x should have left SP at 0x%08x, it is 0x%08x", pc, c->sp,
                     sp);
        return true;
    }
    c->sp_read = SP_KNOWN;
    c->sp = sp;
    return sp < c->min_sp && sp_new_low(c, sp, pc, false);
}

void cpu_sp_changed(Cpu *c) { sp_forget(c, SP_UNKNOWN); }

/* ---- the shadow call stack ------------------------------------------------- */

static inline uint32_t *shadow_ret_count(Cpu *c, uint32_t ret)
{
    return &c->shadow_rets[(ret >> 1) & (SHADOW_RET_SLOTS - 1)];
}

/* Count a frame in (delta 1) or out (delta -1) of the tallies beside the stack. */
static inline void shadow_tally(Cpu *c, const ShadowFrame *f, uint32_t delta)
{
    if (f->exception)
        c->nshadow_exc += (size_t)(int32_t)delta;
    else
        *shadow_ret_count(c, f->ret) += delta;
}

/* Pop the frames above depth n (their watches stay: the callers handle those). */
static void shadow_truncate(Cpu *c, size_t n)
{
    while (c->nshadow > n)
        shadow_tally(c, &c->shadow[--c->nshadow], (uint32_t)-1);
}

/* True if no frame on the stack can be the one a return to addr pops. */
static inline bool shadow_returns_nowhere(Cpu *c, uint32_t addr)
{
    return !c->nshadow_exc && !*shadow_ret_count(c, addr);
}

static void shadow_push(Cpu *c, uint32_t ret, bool exception)
{
    if (c->nshadow == SHADOW_MAX) { /* runaway (an RTOS switching stacks...): forget the oldest half */
        size_t half = SHADOW_MAX / 2;
        for (size_t i = 0; i < half; i++)
            shadow_tally(c, &c->shadow[i], (uint32_t)-1);
        memmove(c->shadow, c->shadow + half, half * sizeof *c->shadow);
        c->nshadow -= half;
        size_t j = 0;
        for (size_t i = 0; i < c->nwatches; i++)
            if (c->watches[i].depth > half)
                c->watches[j++] = (ShadowWatch){c->watches[i].depth - (uint32_t)half, c->watches[i].cookie};
        c->nwatches = j;
    }
    if (c->nshadow == c->capshadow) {
        c->capshadow = c->capshadow ? c->capshadow * 2 : 256;
        c->shadow = xrealloc(c->shadow, c->capshadow * sizeof *c->shadow);
    }
    c->shadow[c->nshadow] = (ShadowFrame){.ret = ret & ~1u, .sp = c->sp, .exception = exception};
    shadow_tally(c, &c->shadow[c->nshadow++], 1);
}

/* The innermost frame (1-based depth) that a return to addr with SP at sp pops,
 * 0 if none. With recursion or a longjmp several frames may return to addr:
 * the one pushed with the same SP is it; without one, the innermost. */
static size_t shadow_match(const Cpu *c, uint32_t addr, uint32_t sp)
{
    size_t any = 0;
    for (size_t i = c->nshadow; i > 0; i--) {
        const ShadowFrame *f = &c->shadow[i - 1];
        if (f->exception ? addr - f->ret <= 4 : f->ret == addr) {
            if (f->exception || f->sp == sp)
                return i;
            if (!any)
                any = i;
        }
    }
    return any;
}

/* Control arrived at addr from a return: pop to the frame that returns there,
 * firing the watches on the popped frames (innermost first). A return through LR
 * (not through another register: `reg`) that lands where no frame returns, with SP
 * back where the top call frame had it, returns from that frame to an address its
 * callee computed (Thumb-1's switch helpers add the case's offset to LR). */
static void shadow_return(Cpu *c, uint32_t addr, bool reg)
{
    if (reg && shadow_returns_nowhere(c, addr))
        return; /* what shadow_match would find, without the search */
    size_t i = shadow_match(c, addr, c->sp);
    if (!i && !reg && c->nshadow && !c->shadow[c->nshadow - 1].exception && c->shadow[c->nshadow - 1].sp == c->sp)
        i = c->nshadow;
    if (!i)
        return; /* not a return to any known frame (e.g. a tail-chained handler) */
    shadow_truncate(c, i - 1);
    bool have = false; /* the return value, read once for all the watches that fire */
    uint32_t retval = 0;
    while (c->nwatches && c->watches[c->nwatches - 1].depth > c->nshadow) {
        uint32_t cookie = c->watches[--c->nwatches].cookie;
        if (!c->obs.returned)
            continue;
        if (!have) {
            retval = reg_get(c, c->ops->reg_ret);
            have = true;
        }
        c->obs.returned(c->obs.opaque, cookie, retval);
    }
}

void cpu_watch_return(Cpu *c, uint32_t cookie)
{
    /* Entered by a call: the frame just pushed returns where LR / ra points (the
     * call's fall-through). Entered by a jump (a tail call): the caller's LR is the
     * way back, and unless a frame returns there, one is pushed for it. */
    if (!c->entered_by_call) {
        uint32_t ra = cpu_return_address(c);
        if (!c->nshadow || c->shadow[c->nshadow - 1].ret != ra || c->shadow[c->nshadow - 1].exception)
            shadow_push(c, ra, false);
    }
    if (c->nwatches == c->capwatches) {
        c->capwatches = c->capwatches ? c->capwatches * 2 : 16;
        c->watches = xrealloc(c->watches, c->capwatches * sizeof *c->watches);
    }
    c->watches[c->nwatches++] = (ShadowWatch){.depth = (uint32_t)c->nshadow, .cookie = cookie};
}

void cpu_exception_entered(Cpu *c, uint32_t ret_pc, int irq, uint64_t pending)
{
    shadow_push(c, ret_pc, true);
    c->shadow[c->nshadow - 1].interrupted = irq >= 0;
    c->prev.flags = 0;
    c->prev_block = 0; /* until the handler's first block: samples there are the handler's */
    cpu_irq_entered(c, irq, pending);
}

void cpu_irq_entered(Cpu *c, int irq, uint64_t pending)
{
    if (irq >= 0 && c->obs.irq_entry)
        c->obs.irq_entry(c->obs.opaque, (uint16_t)irq, pending);
}

/* A frame as backtraces give it: an address whose preceding byte lies in the
 * instruction the frame is at (symbolizers look up addr - 1): a call's return
 * address, or 2 bytes into the instruction an interrupt came before. */
static uint32_t frame_addr(const ShadowFrame *f) { return f->interrupted ? f->ret + 2 : f->ret; }

size_t cpu_callers(const Cpu *c, uint32_t *out, size_t max)
{
    size_t n = c->nshadow < max ? c->nshadow : max;
    for (size_t i = 0; i < n; i++)
        out[i] = frame_addr(&c->shadow[c->nshadow - 1 - i]);
    return n;
}

size_t cpu_backtrace(Cpu *c, uint32_t *out, size_t max)
{
    /* The last block that ran and the frames it ran in: block_full runs the events
     * due before it moves the shadow stack for that block's call or return. */
    size_t n = 0;
    if (max)
        out[n++] = c->prev_block ? c->prev_block : cpu_pc(c);
    return n + cpu_callers(c, out + n, max - n);
}

void cpu_hook_entry(Cpu *c, uint32_t addr, uint32_t size, CpuEntryHook fn, void *opaque, uint32_t cookie)
{
    if (c->nentry == c->capentry) {
        c->capentry = c->capentry ? c->capentry * 2 : 16;
        c->entry_hooks = xrealloc(c->entry_hooks, c->capentry * sizeof *c->entry_hooks);
    }
    c->entry_hooks[c->nentry] = (EntryHook){
        .addr = addr & ~1u, .size = size, .fn = fn, .opaque = opaque, .cookie = cookie, .seq = (uint32_t)c->nentry};
    c->nentry++;
    c->entry_sorted = false;
}

static int entry_cmp(const void *a, const void *b)
{
    const EntryHook *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct EntryKey {
    const EntryHook *hooks;
    uint32_t addr;
} EntryKey;

static bool entry_below(const void *ctx, size_t i)
{
    const EntryKey *k = ctx;
    return k->hooks[i].addr < k->addr;
}

/* The first entry hook at addr (nentry if none): the hooks are sorted by address the
 * first time they are looked up after one was added (a firmware with inlined phases
 * has hundreds, looked up at every hooked block). */
static size_t entry_first(Cpu *c, uint32_t addr)
{
    if (!c->entry_sorted) {
        qsort(c->entry_hooks, c->nentry, sizeof *c->entry_hooks, entry_cmp);
        c->entry_sorted = true;
    }
    return partition_point(c->nentry, entry_below, &(EntryKey){c->entry_hooks, addr});
}

/* The block at addr starts hooked functions: run the hooks of those entered from
 * outside their own code, in the order they were added. `from` is the previous block;
 * `at`, where the block's first hook was (hooks added since may have moved it). */
static void run_entry_hooks(Cpu *c, uint32_t addr, uint32_t from, size_t at)
{
    const EntryHook *eh = c->entry_hooks;
    if (!c->entry_sorted || at >= c->nentry || eh[at].addr != addr || (at && eh[at - 1].addr == addr))
        at = entry_first(c, addr);
    for (size_t i = at; i < c->nentry && !c->stopping; i++) {
        const EntryHook *h = &c->entry_hooks[i];
        if (h->addr != addr)
            break;
        if (from - h->addr >= h->size || !h->size)
            h->fn(c, h->opaque, h->cookie);
    }
}

void cpu_set_observer(Cpu *c, const CpuObserver *obs) { c->obs = *obs; }
uint32_t cpu_min_sp(const Cpu *c) { return c->min_sp; }
uint64_t cpu_now(const Cpu *c) { return c->sched->now; }

/* ---- the block hook ----------------------------------------------------- */

/* The call or return that ended the previous block, if control left it by that
 * branch, reaches the shadow stack (once: the flags are taken). True if a call frame
 * was pushed. */
static bool shadow_move(Cpu *c, uint32_t addr)
{
    unsigned moved = c->prev.end != addr ? c->prev.flags & (BC_CALL | BC_RET | BC_RET_REG) : 0;
    if (BG_LIKELY(!moved))
        return false;
    c->prev.flags &= (uint8_t)~(BC_CALL | BC_RET | BC_RET_REG);
    if (moved & BC_RET) {
        shadow_return(c, addr, moved & BC_RET_REG);
        return false;
    }
    shadow_push(c, c->prev.end, false);
    return true;
}

/* A block with accesses that must be aligned (BLOCK_ALIGN): the architecture checks
 * them. True if the block must not run now. Once it needs no check at its start, it
 * loses the bit. */
static bool block_check(Cpu *c, BlockEntry *e, uint32_t addr, uint32_t size)
{
    int r = c->ops->check_block(c, addr, size);
    if (r == BLOCK_CHECK_NEVER)
        e->size &= ~BLOCK_ALIGN;
    return r == BLOCK_CHECK_STOP;
}

/* Every case of a new block: SP read back, shadow-stack calls and returns, events
 * due, a first run (decoded), entry hooks, a new SP low. */
/* noipa: the same signature as the hook, so that its call stays a plain jump */
static BG_NOIPA void block_full(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    Cpu *c = ud;
    uint32_t addr = (uint32_t)address;
    Sched *s = c->sched;
    if (BG_UNLIKELY(c->dbg_active) && cpu_debug_block_start(c, addr))
        return;
    if (BG_UNLIKELY(c->sp_read != SP_KNOWN) && sp_sync(c, addr))
        return;
    BlockEntry *e = block_entry(c, addr, size);
    if (BG_UNLIKELY(e->size & BLOCK_ALIGN) && block_check(c, e, addr, size))
        return; /* before anything else: the block may be seen again */
    if (c->prev.end != addr) {
        s->now += c->prev.taken_penalty;
        c->prev.taken_penalty = 0; /* taken once, should the run stop and resume at addr */
    }
    bool due = s->now >= c->deadline;
    if (BG_UNLIKELY(due) && block_stop_due(c, addr)) {
        shadow_move(c, addr);
        return;
    }
    if (BG_UNLIKELY(due) && block_events(c))
        return; /* the move is made when the run resumes at addr */
    bool called = shadow_move(c, addr); /* a call frame for this block was just pushed */
    if (BG_UNLIKELY(due) && block_irq(c, addr))
        return;
    const BlockCost *bc = &e->cost;
    unsigned flags = bc->flags;
    uint32_t from = c->prev_block;
    c->prev_block = addr;
    if (BG_UNLIKELY(flags & BC_HOOK)) {
        c->entered_by_call = called;
        run_entry_hooks(c, addr, from, e->hook);
        c->entered_by_call = false;
        if (c->stopping)
            return;
    }
    if (flags & (BC_SP_STATIC | BC_SP_DYNAMIC)) {
        if (flags & BC_SP_STATIC) {
            uint32_t low = c->sp + (uint32_t)(int32_t)bc->sp_low;
            if (BG_UNLIKELY(low < c->min_sp) && sp_new_low(c, low, addr, true))
                return;
            c->sp += (uint32_t)(int32_t)bc->sp_delta;
        }
        if (flags & BC_SP_DYNAMIC)
            sp_forget(c, SP_UNKNOWN);
        else if (c->verify_sp)
            sp_forget(c, SP_VERIFY);
    }
    s->now += bc->cycles;
    c->insns += bc->insns;
    c->prev.end = addr + size;
    c->prev.taken_penalty = bc->taken_penalty;
    c->prev.flags = (uint8_t)flags;
    if (BG_UNLIKELY(c->dbg_active))
        cpu_debug_block_end(c, addr);
}

/* The shadow stack in the block hook's common case: behind the block a call that
 * pushes a frame with room for it, a return that pops the top frame (this return
 * address, this SP) with no watch on it, or one that pops nothing: the stack is empty,
 * or a jump through a register other than LR (an interpreter's dispatch, a switch)
 * lands where no frame returns. False: block_full must see it. */
static inline bool shadow_quick(Cpu *c, uint32_t addr, unsigned moved)
{
    size_t n = c->nshadow;
    if (moved & BC_CALL) {
        if (n >= c->capshadow || n >= SHADOW_MAX)
            return false;
        uint32_t ret = c->prev.end & ~1u;
        c->shadow[n] = (ShadowFrame){.ret = ret, .sp = c->sp, .exception = false};
        c->nshadow = n + 1;
        ++*shadow_ret_count(c, ret);
        return true;
    }
    if ((moved & BC_RET_REG) && shadow_returns_nowhere(c, addr))
        return true;
    if (!n)
        return true;
    const ShadowFrame *top = &c->shadow[n - 1];
    if (top->ret != addr || top->sp != c->sp || top->exception ||
        (c->nwatches && c->watches[c->nwatches - 1].depth >= n))
        return false;
    c->nshadow = n - 1;
    --*shadow_ret_count(c, addr);
    return true;
}

/* The common case's test of SP: no new low in the block of entry e (sp_low and
 * sp_delta are 0 for a block without BC_SP_STATIC: no test of the flag). */
static inline bool hook_sp_above_low(const Cpu *c, const BlockEntry *e)
{
    return c->sp + (uint32_t)(int32_t)e->cost.sp_low >= c->min_sp;
}

/* The block hook's paths, cheapest first. hook_block: a block in its home slot with
 * none of the BLOCK_* bits, entered by falling through or by a branch that neither
 * calls nor returns, with nothing due before it (an unknown SP makes something due:
 * sp_forget). hook_block_other: the same with SP moves and calls and returns that are
 * a plain push or pop of the shadow stack (shadow_quick); hook_block_align: the same
 * after the alignment checks. block_full: everything. Each decides before it stores,
 * so the next starts afresh, and each calls the next with the hook's arguments (so
 * the call is a jump). */
static BG_INLINE void hook_other_body(uc_engine *uc, uint64_t address, uint32_t size, void *ud,
                                      const BlockEntry *e)
{
    Cpu *c = ud;
    uint32_t addr = (uint32_t)address;
    uint64_t now = c->sched->now;
    unsigned moved = 0;
    if (c->prev.end != addr) {
        now += c->prev.taken_penalty;
        moved = c->prev.flags & (BC_CALL | BC_RET | BC_RET_REG);
    }
    if (BG_UNLIKELY(now >= c->deadline) || BG_UNLIKELY(!hook_sp_above_low(c, e)) ||
        (moved && BG_UNLIKELY(!shadow_quick(c, addr, moved)))) {
        block_full(uc, address, size, ud);
        return;
    }
    c->sp += (uint32_t)(int32_t)e->cost.sp_delta;
    c->sched->now = now + e->cost.cycles;
    c->insns += e->cost.insns;
    c->prev_block = addr;
    c->prev = e->next;
}

static BG_NOINLINE void hook_block_align(uc_engine *uc, uint64_t address, uint32_t size, void *ud,
                                         BlockEntry *e)
{
    if (block_check(ud, e, (uint32_t)address, size))
        return; /* before anything else: the block may be seen again */
    hook_other_body(uc, address, size, ud, e);
}

static BG_NOINLINE void hook_block_other(uc_engine *uc, uint64_t address, uint32_t size, void *ud,
                                         BlockEntry *e)
{
    if (BG_UNLIKELY(e->addr != (uint32_t)address || (e->size & ~(BLOCK_SP | BLOCK_ALIGN)) != size))
        block_full(uc, address, size, ud); /* a miss, or BLOCK_SLOW */
    else if (BG_UNLIKELY(e->size & BLOCK_ALIGN))
        hook_block_align(uc, address, size, ud, e);
    else
        hook_other_body(uc, address, size, ud, e);
}

static void hook_block(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    Cpu *c = ud;
    uint32_t addr = (uint32_t)address;
    BlockEntry *e = &c->blocks[block_slot(addr, c->blocks_mask)];
    if (BG_UNLIKELY(e->addr != addr || e->size != size)) /* a miss, or a BLOCK_* bit */
        goto other;
    uint64_t now = c->sched->now;
    if (c->prev.end != addr) {
        if (BG_UNLIKELY(c->prev.flags & (BC_CALL | BC_RET)))
            goto other;
        now += c->prev.taken_penalty;
    }
    if (BG_UNLIKELY(now >= c->deadline))
        goto other;
    c->sched->now = now + e->cost.cycles;
    c->insns += e->cost.insns;
    c->prev_block = addr;
    c->prev = e->next;
    return;
other:
    hook_block_other(uc, address, size, ud, e);
}

/* ---- memory faults -------------------------------------------------------- */

/* A core register by the decoder's number for it (MemAccess, CpuArchOps.gpr). */
static uint32_t xreg(Cpu *c, int r)
{
    int id = c->ops->gpr[(unsigned)r & (c->ops->ngpr - 1)];
    return id ? reg_get(c, id) : 0;
}

uint32_t cpu_arg(Cpu *c, int n)
{
    return n >= 0 && n < c->ops->nargs ? reg_get(c, c->ops->arg_regs[n]) : 0;
}

uint32_t cpu_return_address(Cpu *c) { return reg_get(c, c->ops->reg_ra) & ~1u; }

/* Unicorn reports a faulting data access with the PC of its block's first
 * instruction, and with the first address of it that faults: find the load/store
 * in the block (it runs to c->prev.end) whose effective address, from the registers
 * as they are at the fault, covers *addr, and make *addr and *size that access's
 * (an access that starts in a memory and runs past its end is reported at its first
 * byte). Returns its PC (the block's start when none is found). */
static uint32_t locate_access(Cpu *c, uint32_t *addr, uint32_t *size, bool store)
{
    uint32_t start = cpu_pc(c);
    uint32_t len = c->prev.end > start && c->prev.end - start <= 1024 ? c->prev.end - start : 64;
    uint8_t code[1024];
    if (uc_mem_read(c->uc, start, code, len) != UC_ERR_OK)
        return start;
    MemAccess acc[64];
    size_t n = cost_mem_accesses(c->cost, start, code, len, acc, ARRAY_SIZE(acc));
    for (size_t i = 0; i < n; i++) {
        const MemAccess *m = &acc[i];
        if (m->store != store)
            continue;
        uint32_t ea = m->base == c->ops->pc_gpr ? ((m->pc + 4) & ~3u) : xreg(c, m->base);
        if (m->index >= 0) {
            uint32_t x = xreg(c, m->index) << m->shift;
            ea = m->scale < 0 ? ea - x : ea + x;
        }
        ea += (uint32_t)m->disp;
        if (*addr - ea < m->span) {
            *addr = ea;
            *size = m->span;
            return m->pc;
        }
    }
    return start;
}

static bool hook_mem_fault(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *ud)
{
    Cpu *c = ud;
    char access = 'r';
    bool prot = false;
    switch (type) {
    case UC_MEM_WRITE_UNMAPPED:
        access = 'w';
        break;
    case UC_MEM_FETCH_UNMAPPED:
        access = 'x';
        break;
    case UC_MEM_WRITE_PROT:
        access = 'w';
        prot = true;
        break;
    case UC_MEM_FETCH_PROT:
        access = 'x';
        prot = true;
        break;
    default:
        break;
    }
    uint32_t addr = (uint32_t)address, len = (uint32_t)size;
    uint32_t pc = access == 'x' ? addr : locate_access(c, &addr, &len, access == 'w');
    cpu_stop_access(c, pc, addr, len, access, prot);
    return false;
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    Cpu *c = ud;
    c->ops->hook_intr(c, intno);
}

static bool hook_insn_invalid(uc_engine *uc, void *ud)
{
    Cpu *c = ud;
    c->invalid_pc = cpu_pc(c);
    return false;
}

/* ---- MMIO -----------------------------------------------------------------
 * The devices and unimplemented regions between two memories share one Unicorn
 * mapping (a span): Unicorn 2.0.1 binary-searches its mappings on every store
 * (memory_mapping()), so a mapping per device page slows every store to SRAM. Inside
 * a span, a device window answers first, then an unimplemented region (reads zero,
 * ignores writes, noted in the guest log); an address on a page of some device that
 * neither answers reads as zero and ignores writes (as the boards' unassigned device
 * space); any other is an unmapped access, as it would be without the span. */

static bool device_page(const MmioPage *p, uint32_t addr)
{
    uint32_t page = addr & PAGE_MASK;
    for (size_t i = 0; i < p->nwin; i++) {
        const DevWindow *w = p->win[i];
        uint64_t lo = w->base & PAGE_MASK, hi = (uint64_t)w->base + w->size;
        if (page >= lo && page < hi)
            return true;
    }
    return false;
}

static const UnimpRegion *unimp_at(const MmioPage *p, uint32_t addr)
{
    for (size_t i = 0; i < p->nunimp; i++)
        if (addr - p->unimp[i]->base < p->unimp[i]->size)
            return p->unimp[i];
    return NULL;
}

static void mmio_unmapped(Cpu *c, uint32_t addr, unsigned size, char access)
{
    uint32_t len = size;
    uint32_t pc = access == 'x' ? addr : locate_access(c, &addr, &len, access == 'w');
    cpu_stop_access(c, pc, addr, len, access, false);
}

static uint64_t mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *ud)
{
    MmioPage *p = ud;
    uint32_t addr = p->base + (uint32_t)offset;
    if (p->ram) {
        if (offset + size <= p->ram_limit) {
            uint32_t v = 0;
            memcpy(&v, p->ram + offset, size);
            return v;
        }
        cpu_stop_access(p->cpu, cpu_pc(p->cpu), addr, size, 'r', false);
        return 0;
    }
    for (size_t i = 0; i < p->nwin; i++) {
        DevWindow *w = p->win[i];
        if (addr - w->base < w->size)
            return w->cls->read ? w->cls->read(w->dev, addr - w->base, size) : 0;
    }
    bool dev_page = device_page(p, addr);
    /* a fetch from here reads its own address */
    bool fetch = !dev_page && (addr & ~1u) - cpu_pc(p->cpu) < 4;
    const UnimpRegion *u = fetch ? NULL : unimp_at(p, addr);
    if (u) {
        log_guest(u->note, "read", size, addr - u->base, addr, "");
        return 0;
    }
    if (!dev_page) {
        mmio_unmapped(p->cpu, addr, size, fetch ? 'x' : 'r');
        return 0;
    }
    log_guest("%u-byte read of unassigned device address 0x%08x", size, addr);
    return 0;
}

static void mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ud)
{
    MmioPage *p = ud;
    uint32_t addr = p->base + (uint32_t)offset;
    if (p->ram) {
        if (offset + size <= p->ram_limit)
            memcpy(p->ram + offset, &value, size); /* little-endian host */
        else
            cpu_stop_access(p->cpu, cpu_pc(p->cpu), addr, size, 'w', false);
        return;
    }
    for (size_t i = 0; i < p->nwin; i++) {
        DevWindow *w = p->win[i];
        if (addr - w->base < w->size) {
            if (w->cls->write)
                w->cls->write(w->dev, addr - w->base, (uint32_t)value, size);
            return;
        }
    }
    const UnimpRegion *u = unimp_at(p, addr);
    if (u) {
        char val[32];
        snprintf(val, sizeof val, ", value 0x%x", (unsigned)value);
        log_guest(u->note, "write", size, addr - u->base, addr, val);
        return;
    }
    if (!device_page(p, addr)) {
        mmio_unmapped(p->cpu, addr, size, 'w');
        return;
    }
    log_guest("%u-byte write of 0x%x to unassigned device address 0x%08x", size, (unsigned)value, addr);
}

static MmioPage *page_new(Cpu *c, uint32_t base, uint32_t size)
{
    MmioPage *p = xcalloc(1, sizeof *p);
    p->cpu = c;
    p->base = base;
    p->size = size;
    c->pages = xrealloc(c->pages, (c->npages + 1) * sizeof *c->pages);
    c->pages[c->npages++] = p;
    if (uc_mmio_map(c->uc, base, size, mmio_read, p, mmio_write, p) != UC_ERR_OK)
        return NULL;
    return p;
}

static void page_add_window(MmioPage *p, DevWindow *w)
{
    for (size_t i = 0; i < p->nwin; i++)
        if (p->win[i] == w)
            return;
    p->win = xrealloc(p->win, (p->nwin + 1) * sizeof *p->win);
    p->win[p->nwin++] = w;
}

int cpu_map_device(Cpu *c, uint32_t base, uint32_t size, const DeviceClass *cls, void *dev, char **err)
{
    if (!size || base + (uint64_t)size > 0x100000000ull) {
        set_err(err, "device %s at 0x%08x: bad window size %u", cls->type, base, size);
        return -1;
    }
    if (c->devices_mapped) {
        set_err(err, "device %s at 0x%08x: added after the core booted", cls->type, base);
        return -1;
    }
    const CpuMemRegion *m = region_of(c, base);
    if (!m)
        m = region_of(c, base + size - 1);
    if (m) {
        set_err(err, "device %s at 0x%08x overlaps memory \"%s\"", cls->type, base, m->name);
        return -1;
    }
    DevWindow *w = xcalloc(1, sizeof *w);
    *w = (DevWindow){.base = base, .size = size, .cls = cls, .dev = dev};
    c->win = xrealloc(c->win, (c->nwin + 1) * sizeof *c->win);
    c->win[c->nwin++] = w;
    return 0;
}

/* The unimplemented regions, each with its guest-log format: its own, so that the
 * log's limit applies per region (a '%' in a name is doubled). */
static int set_unimplemented(Cpu *c, const CpuUnimpRegion *r, size_t n, char **err)
{
    c->unimp = xcalloc(n + 1, sizeof *c->unimp);
    for (size_t i = 0; i < n; i++) {
        if (!r[i].size || r[i].base + (uint64_t)r[i].size > 0x100000000ull) {
            set_err(err, "unimplemented region \"%s\" at 0x%08x: bad size %u", r[i].name, r[i].base, r[i].size);
            return -1;
        }
        size_t len = strlen(r[i].name), k = 0;
        char *esc = xmalloc(2 * len + 1);
        for (size_t j = 0; j < len; j++) {
            esc[k++] = r[i].name[j];
            if (r[i].name[j] == '%')
                esc[k++] = '%';
        }
        esc[k] = 0;
        c->unimp[c->nunimp++] = (UnimpRegion){
            .base = r[i].base, .size = r[i].size,
            .note = xasprintf("%s: unimplemented device %%s (size %%u, offset 0x%%x) at 0x%%08x%%s", esc)};
        free(esc);
    }
    return 0;
}

/* Does a memory of the board lie in [lo, hi)? */
static bool memory_between(const Cpu *c, uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < c->nmem; i++)
        if (c->mem[i].base < hi && (uint64_t)c->mem[i].base + c->mem[i].size > lo)
            return true;
    return false;
}

/* Whole pages [lo, hi) that a device window or a piece of an unimplemented region
 * needs mapped. */
typedef struct Extent {
    uint64_t lo, hi;
} Extent;

static uint64_t page_up(uint64_t a) { return (a + PAGE - 1) & ~(uint64_t)(PAGE - 1); }

static void extent_add(Extent **v, size_t *n, uint64_t lo, uint64_t hi)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = (Extent){lo & PAGE_MASK, page_up(hi)};
}

/* The pages of [lo, hi) that no memory occupies (a memory occupies whole pages). */
static void extent_add_outside_memories(const Cpu *c, Extent **v, size_t *n, uint64_t lo, uint64_t hi)
{
    lo &= PAGE_MASK;
    hi = page_up(hi);
    while (lo < hi) {
        const CpuMemRegion *first = NULL; /* the lowest memory in [lo, hi) */
        for (size_t i = 0; i < c->nmem; i++) {
            const CpuMemRegion *m = &c->mem[i];
            if (m->base < hi && page_up((uint64_t)m->base + m->size) > lo && (!first || m->base < first->base))
                first = m;
        }
        if (!first) {
            extent_add(v, n, lo, hi);
            return;
        }
        if (first->base > lo)
            extent_add(v, n, lo, first->base);
        lo = page_up((uint64_t)first->base + first->size);
    }
}

static int cmp_extent(const void *a, const void *b)
{
    uint64_t x = ((const Extent *)a)->lo, y = ((const Extent *)b)->lo;
    return x < y ? -1 : x > y;
}

/* One mapping per span of device pages and unimplemented regions with no memory in
 * between (see MMIO above). */
static int map_devices(Cpu *c, char **err)
{
    c->devices_mapped = true;
    Extent *ext = NULL;
    size_t next = 0;
    for (size_t i = 0; i < c->nwin; i++)
        extent_add(&ext, &next, c->win[i]->base, (uint64_t)c->win[i]->base + c->win[i]->size);
    for (size_t i = 0; i < c->nunimp; i++)
        extent_add_outside_memories(c, &ext, &next, c->unimp[i].base, (uint64_t)c->unimp[i].base + c->unimp[i].size);
    if (next)
        qsort(ext, next, sizeof *ext, cmp_extent);
    int rc = 0;
    for (size_t i = 0; i < next && rc == 0;) {
        uint64_t lo = ext[i].lo, hi = ext[i].hi;
        size_t j = i + 1;
        for (; j < next && !(ext[j].lo > hi && memory_between(c, hi, ext[j].lo)); j++)
            hi = ext[j].hi > hi ? ext[j].hi : hi;
        MmioPage *p = page_new(c, (uint32_t)lo, (uint32_t)(hi - lo));
        if (!p) {
            set_err(err, "cannot map the devices at 0x%08x..0x%08x", (uint32_t)lo, (uint32_t)(hi - 1));
            rc = -1;
            break;
        }
        /* in registration order: where windows overlap, the first registered answers */
        for (size_t k = 0; k < c->nwin; k++)
            if (c->win[k]->base >= lo && c->win[k]->base < hi)
                page_add_window(p, c->win[k]);
        p->unimp = xcalloc(c->nunimp + 1, sizeof *p->unimp);
        for (size_t k = 0; k < c->nunimp; k++)
            if (c->unimp[k].base < hi && (uint64_t)c->unimp[k].base + c->unimp[k].size > lo)
                p->unimp[p->nunimp++] = &c->unimp[k];
        i = j;
    }
    free(ext);
    return rc;
}

/* ---- creation ------------------------------------------------------------- */

/* Each architecture's table (cpu_internal.h, CpuArchOps), by CoreArch. */
static const CpuArchOps *const arch_ops[ARCH__COUNT] = {
    [ARCH_ARM_M] = &cortexm_ops,
    [ARCH_RISCV32] = &riscv_ops,
};

/* The region named `name`, or -1. */
static int region_index(const Cpu *c, const char *name)
{
    for (size_t i = 0; i < c->nmem; i++)
        if (!strcmp(c->mem[i].name, name))
            return (int)i;
    return -1;
}

/* A mirror gets its memory's size, limit and kind. */
static int resolve_mirrors(Cpu *c, char **err)
{
    c->mem_host = xcalloc(c->nmem, sizeof *c->mem_host);
    for (size_t i = 0; i < c->nmem; i++) {
        CpuMemRegion *m = &c->mem[i];
        if ((m->base & (PAGE - 1)) || (!m->size && !m->alias_of)) {
            set_err(err, "memory \"%s\" at 0x%08x must start on a 4 KiB boundary and not be empty", m->name,
                    m->base);
            return -1;
        }
        if (!m->alias_of)
            continue;
        int j = region_index(c, m->alias_of);
        if (j < 0 || c->mem[j].alias_of) {
            set_err(err, "memory \"%s\" mirrors \"%s\", which is not a memory of its own", m->name, m->alias_of);
            return -1;
        }
        m->size = c->mem[j].size;
        m->limit = c->mem[j].limit;
        m->kind = c->mem[j].kind;
    }
    return 0;
}

/* Map region i: whole pages of its limit (in Unicorn's memory, or at host), then an
 * exact tail page when --sram left a part of one. */
static int map_region(Cpu *c, size_t i, uint8_t *host, char **err)
{
    CpuMemRegion *m = &c->mem[i];
    uint32_t whole = m->limit & PAGE_MASK;
    uint32_t perms = m->kind == MEM_FLASH ? (UC_PROT_READ | UC_PROT_EXEC) : UC_PROT_ALL;
    uc_err e = !whole ? UC_ERR_OK
               : host ? uc_mem_map_ptr(c->uc, m->base, whole, perms, host)
                      : uc_mem_map(c->uc, m->base, whole, perms);
    if (e != UC_ERR_OK) {
        set_err(err, "cannot map memory \"%s\" (0x%08x, %u bytes)", m->name, m->base, whole);
        return -1;
    }
    if (m->limit > whole) { /* --sram not a multiple of 4 KiB: an exact tail page */
        MmioPage *p = page_new(c, m->base + whole, PAGE);
        if (!p) {
            set_err(err, "cannot map the tail of memory \"%s\"", m->name);
            return -1;
        }
        p->ram_shared = host != NULL;
        p->ram = host ? host + whole : xcalloc(1, PAGE);
        p->ram_limit = m->limit - whole;
    }
    return 0;
}

static int cmp_region_base(const void *a, const void *b)
{
    uint32_t x = (*(CpuMemRegion *const *)a)->base, y = (*(CpuMemRegion *const *)b)->base;
    return x < y ? -1 : x > y;
}

/* A memory with mirrors: its bytes in a memory file, shown at each of its addresses by
 * a view (mmap) of the file. Copies that follow each other in the address space, whole
 * (mps2: SSRAM1 and its mirror, the block RAM and its three), are views side by side:
 * one host range and one Unicorn mapping, since Unicorn 2.0.1 searches its mappings
 * on every store. */
static int map_copies(Cpu *c, size_t o, char **err)
{
    CpuMemRegion *m = &c->mem[o], **copy = xmalloc(c->nmem * sizeof *copy);
    size_t n = 0;
    for (size_t i = 0; i < c->nmem; i++)
        if (i == o || (c->mem[i].alias_of && !strcmp(c->mem[i].alias_of, m->name)))
            copy[n++] = &c->mem[i];
    qsort(copy, n, sizeof *copy, cmp_region_base);
    int rc = 0, fd = memfd_create(m->name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, m->size) < 0) {
        set_err(err, "cannot allocate %u bytes for memory \"%s\"", m->size, m->name);
        rc = -1;
    }
    bool whole = m->limit == m->size && !(m->size & (PAGE - 1));
    for (size_t i = 0, k; i < n && rc == 0; i = k) {
        for (k = i + 1; k < n && whole && copy[k]->base == copy[k - 1]->base + (uint64_t)m->size; k++)
            ;
        size_t len = (k - i) * (size_t)m->size;
        uint8_t *area = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        c->views = xrealloc(c->views, (c->nviews + 1) * sizeof *c->views);
        c->views[c->nviews++] = (MemView){.host = area == MAP_FAILED ? NULL : area, .len = len};
        for (size_t j = i; j < k && area != MAP_FAILED; j++) {
            uint8_t *v = area + (j - i) * (size_t)m->size;
            c->mem_host[copy[j] - c->mem] = v;
            if (mmap(v, m->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
                area = MAP_FAILED;
        }
        if (area == MAP_FAILED) {
            set_err(err, "cannot map the bytes of memory \"%s\"", m->name);
            rc = -1;
        } else if (k - i > 1) {
            uint32_t perms = m->kind == MEM_FLASH ? (UC_PROT_READ | UC_PROT_EXEC) : UC_PROT_ALL;
            if (uc_mem_map_ptr(c->uc, copy[i]->base, len, perms, area) != UC_ERR_OK) {
                set_err(err, "cannot map memory \"%s\" and its mirrors at 0x%08x", m->name, copy[i]->base);
                rc = -1;
            }
        } else {
            rc = map_region(c, (size_t)(copy[i] - c->mem), area, err);
        }
    }
    if (fd >= 0)
        close(fd);
    free(copy);
    return rc;
}

static int map_memories(Cpu *c, char **err)
{
    if (resolve_mirrors(c, err) < 0)
        return -1;
    for (size_t i = 0; i < c->nmem; i++) {
        bool mirrored = false;
        for (size_t j = 0; j < c->nmem; j++)
            mirrored = mirrored || (c->mem[j].alias_of && !strcmp(c->mem[j].alias_of, c->mem[i].name));
        if (mirrored && map_copies(c, i, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < c->nmem; i++)
        if (!c->mem_host[i] && !c->mem[i].alias_of && map_region(c, i, NULL, err) < 0)
            return -1;
    return 0;
}

Cpu *cpu_new(const CpuConfig *cfg, char **err)
{
    Cpu *c = xcalloc_aligned(64, sizeof *c); /* the block hook's state in one cache line */
    c->core = cfg->core;
    c->ops = arch_ops[core_arch(cfg->core)];
    c->sched = cfg->sched;
    c->nmem = cfg->nmem;
    c->mem = xcalloc(cfg->nmem, sizeof *c->mem);
    memcpy(c->mem, cfg->mem, cfg->nmem * sizeof *c->mem);
    c->boot_addr = cfg->boot_addr;
    c->stack_limit = cfg->stack_limit;
    c->max_cycles = cfg->max_cycles;
    c->keep_going = cfg->keep_going;
    const char *v = getenv("BAREGC_CHECK_SP");
    c->verify_sp = v && *v && strcmp(v, "0") != 0;
    c->nvic = cfg->nvic;
    c->lat = cost_exception_latency(cfg->core);
    c->cost = cost_new(cfg->core, err);
    if (!c->cost)
        goto fail;
    blocks_grow(c);

    uc_err e = uc_open(c->ops->uc_arch, c->ops->uc_mode, &c->uc);
    if (e != UC_ERR_OK) {
        set_err(err, "Unicorn: cannot create a %s CPU: %s", core_name(c->core), uc_strerror(e));
        goto fail;
    }
    if (c->ops->setup(c, err) < 0)
        goto fail;
    if (map_memories(c, err) < 0 || set_unimplemented(c, cfg->unimp, cfg->nunimp, err) < 0)
        goto fail;
    c->sched->on_earlier = on_earlier_event;
    c->sched->on_earlier_opaque = c;
    return c;
fail:
    cpu_free(c);
    return NULL;
}

void cpu_free(Cpu *c)
{
    if (!c)
        return;
    if (c->uc)
        uc_close(c->uc);
    for (size_t i = 0; i < c->npages; i++) {
        free(c->pages[i]->win);
        free(c->pages[i]->unimp);
        if (!c->pages[i]->ram_shared)
            free(c->pages[i]->ram);
        free(c->pages[i]);
    }
    free(c->pages);
    for (size_t i = 0; i < c->nwin; i++)
        free(c->win[i]);
    free(c->win);
    for (size_t i = 0; i < c->nunimp; i++)
        free(c->unimp[i].note);
    free(c->unimp);
    for (size_t i = 0; i < c->nviews; i++)
        if (c->views[i].host)
            munmap(c->views[i].host, c->views[i].len);
    free(c->views);
    free(c->mem_host);
    free(c->blocks);
    free(c->shadow);
    free(c->watches);
    free(c->entry_hooks);
    free(c->csr_reads);
    free(c->unmask_at);
    for (size_t i = 0; c->align && i <= c->align_mask; i++)
        free(c->align[i].sites);
    free(c->align);
    free(c->mem);
    cost_free(c->cost);
    cpu_debug_free(c);
    free(c);
}

int cpu_load(Cpu *c, uint32_t addr, const void *data, size_t len, char **err)
{
    if (!len)
        return 0;
    const CpuMemRegion *m = region_of(c, addr);
    if (!m || addr - m->base + (uint64_t)len > m->limit) {
        set_err(err, "%zu bytes at 0x%08x do not fit in any memory of the board", len, addr);
        return -1;
    }
    if (uc_mem_write(c->uc, addr, data, len) != UC_ERR_OK) {
        /* the SRAM tail page is MMIO: write it by hand */
        for (size_t i = 0; i < len; i++) {
            uint32_t a = addr + (uint32_t)i;
            MmioPage *p = NULL;
            for (size_t k = 0; k < c->npages; k++)
                if (c->pages[k]->ram && (a & PAGE_MASK) == c->pages[k]->base)
                    p = c->pages[k];
            if (p && (a & (PAGE - 1)) < p->ram_limit)
                p->ram[a & (PAGE - 1)] = ((const uint8_t *)data)[i];
            else if (uc_mem_write(c->uc, a, (const uint8_t *)data + i, 1) != UC_ERR_OK) {
                set_err(err, "cannot write image bytes at 0x%08x", a);
                return -1;
            }
        }
    }
    c->ops->scan_code(c, addr, data, len);
    return 0;
}

void cpu_retranslate(Cpu *c, uint32_t addr, uint32_t size)
{
    c->retranslate_addr = addr;
    c->retranslate_size = size ? size : 1;
    uc_emu_stop(c->uc);
}

void cpu_note_unmask(Cpu *c, uint32_t addr)
{
    for (size_t i = 0; i < c->nunmask; i++)
        if (c->unmask_at[i] == addr)
            return;
    if (c->nunmask == c->capunmask) {
        c->capunmask = c->capunmask ? c->capunmask * 2 : 32;
        c->unmask_at = xrealloc(c->unmask_at, c->capunmask * sizeof *c->unmask_at);
    }
    c->unmask_at[c->nunmask++] = addr;
}

static void hook_unmask(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    cpu_request_irq_check(ud);
}

static void add_hooks(Cpu *c)
{
    uc_hook h;
    /* One bounded code hook per unmasking instruction: they cost nothing until hit. */
    for (size_t i = 0; i < c->nunmask; i++)
        uc_hook_add(c->uc, &h, UC_HOOK_CODE, hook_unmask, c, c->unmask_at[i], c->unmask_at[i]);
    /* All hooks are registered before any code runs (Unicorn #2200). */
    uc_hook_add(c->uc, &h, UC_HOOK_BLOCK, hook_block, c, 1, 0);
    uc_hook_add(c->uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT, hook_mem_fault, c, 1, 0);
    uc_hook_add(c->uc, &h, UC_HOOK_INTR, hook_intr, c, 1, 0);
    uc_hook_add(c->uc, &h, UC_HOOK_INSN_INVALID, hook_insn_invalid, c, 1, 0);
    if (c->ops->add_hooks)
        c->ops->add_hooks(c);
    c->hooks_added = true;
}

int cpu_map_devices(Cpu *c, char **err) { return c->devices_mapped ? 0 : map_devices(c, err); }

int cpu_boot(Cpu *c, char **err)
{
    if (cpu_map_devices(c, err) < 0)
        return -1;
    if (!c->hooks_added)
        add_hooks(c);
    c->insns = 0;
    c->prev = (BlockNext){0};
    c->prev_block = 0;
    c->stopping = false;
    c->nshadow = 0;
    c->nshadow_exc = 0;
    memset(c->shadow_rets, 0, sizeof c->shadow_rets);
    c->nwatches = 0;
    c->min_sp = UINT32_MAX;
    c->irq_check = true;
    int rc = c->ops->reset(c, err);
    /* SP as reset left it (ARM: from the vector table; RISC-V: 0 until the start-up
     * code sets it, which is a write the blocks report). Not a low yet. */
    c->sp = cpu_sp(c);
    c->sp_read = SP_KNOWN;
    return rc;
}

/* ---- the run loop ------------------------------------------------------- */

/* The core sleeps (WFI): jump simulated time to the next event until something
 * wakes it; with no event that could, wait in host time for input from the host
 * (Sched.on_idle) while it may still come, else stop for deadlock. Returns false when
 * the run must stop (c->stop filled). */
bool cpu_sleep(Cpu *c)
{
    Sched *s = c->sched;
    uint32_t pc = cpu_pc(c);
    for (;;) {
        if (c->interrupt_req) {
            cpu_stop_now(c, STOP_INTERRUPTED, pc, "interrupted");
            return false;
        }
        if (c->dbg_active && !cpu_debug_sleep_check(c, pc))
            return false;
        if (c->ops->wake_pending(c)) {
            cpu_request_irq_check(c);
            return true;
        }
        uint64_t next = sched_next(s);
        if (next == SCHED_NEVER || !sched_has_foreground(s)) {
            /* Only the host can still wake the core (live UART input): wait for it in
             * host time, with simulated time standing still, then look again. */
            if (s->on_idle && s->on_idle(s->on_idle_opaque))
                continue;
            cpu_stop_now(c, STOP_DEADLOCK, pc,
                         "the core sleeps (WFI) with no interrupt pending and no timer or event scheduled");
            return false;
        }
        if (c->max_cycles && next >= c->max_cycles) {
            s->now = c->max_cycles > s->now ? c->max_cycles : s->now;
            cpu_stop_now(c, STOP_TIMEOUT, pc, "reached the cycle limit (%llu cycles) while sleeping",
                         (unsigned long long)c->max_cycles);
            return false;
        }
        if (next > s->now)
            s->now = next;
        sched_run_due(s);
        if (c->stopping)
            return false;
    }
}

static bool deliver_fault(Cpu *c)
{
    if (!c->keep_going)
        return false;
    switch (c->stop.reason) {
    case STOP_UNMAPPED:
    case STOP_SRAM_LIMIT:
    case STOP_FLASH_WRITE:
    case STOP_BAD_INSN:
        break;
    default:
        return false;
    }
    return c->ops->deliver_fault(c);
}

/* Run until a stop (c->stop filled). */
static void run_loop(Cpu *c)
{
    recompute_deadline(c);
    for (;;) {
        c->stopping = false;
        if (c->interrupt_req) {
            stop_begin(c, STOP_INTERRUPTED, cpu_pc(c));
            snprintf(c->stop.detail, sizeof c->stop.detail, "interrupted");
            break;
        }
        uint32_t pc = reg_get(c, c->ops->reg_pc);
        c->invalid_pc = 0;
        uc_err e = uc_emu_start(c->uc, pc | c->ops->start_bits, 0xFFFFFFFFull, 0, 0);
        if (c->retranslate_size && !c->stopping) {
            uc_ctl_remove_cache(c->uc, c->retranslate_addr, (uint64_t)c->retranslate_addr + c->retranslate_size);
            c->retranslate_size = 0;
            continue;
        }
        if (c->stopping) {
            if (c->sleep_on_exit) { /* SLEEPONEXIT: the return to thread mode sleeps */
                c->sleep_on_exit = false;
                c->stopping = false;
                if (cpu_sleep(c))
                    continue;
                break;
            }
            if (deliver_fault(c))
                continue;
            break;
        }
        if (e == UC_ERR_OK) {
            pc = cpu_pc(c);
            if (c->ops->is_wfi(c, pc)) {
                if (cpu_sleep(c))
                    continue;
                break;
            }
            cpu_stop_now(c, STOP_INTERNAL, pc, "emulation stopped for no known reason");
            break;
        }
        if (e == UC_ERR_INSN_INVALID || e == UC_ERR_EXCEPTION) {
            uint32_t ipc = c->invalid_pc ? c->invalid_pc : cpu_pc(c);
            bool ok = c->ops->insn_invalid(c, ipc);
            if (ok && !c->stopping)
                continue;
            if (!c->stopping) {
                bool rd;
                uint32_t word = cpu_read_u32(c, ipc, &rd);
                cpu_stop_now(c, STOP_BAD_INSN, ipc, "undefined or unsupported instruction 0x%08x at 0x%08x", word,
                             ipc);
            }
            if (deliver_fault(c))
                continue;
            break;
        }
        cpu_stop_now(c, STOP_INTERNAL, cpu_pc(c), "Unicorn: %s", uc_strerror(e));
        break;
    }
}

void cpu_run(Cpu *c, CpuStop *stop)
{
    if (!c->dbg || cpu_debug_resume(c))
        run_loop(c);
    if (c->stop.reason == STOP_DEBUG)
        cpu_debug_stopped(c);
    *stop = c->stop;
    c->stopping = false;
}
