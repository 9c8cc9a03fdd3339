/* channel.c: the adapter for firmware that reports its own collector through the
 * explicit event channel (firmware/common/gcevents.h, decoded by gc/events.c): no
 * hooks; pauses, phases, allocations and heap figures arrive on the trace port. */
#include "config.h"

#include "gc/events.h"
#include "gc/runtime.h"

static GcRuntime *channel_open(const Image *img, char **err)
{
    GcRuntime *rt = gc_runtime_new("events", img);
    gc_runtime_note(rt, "only what the firmware reports through gcevents.h is seen (no function hooks)");
    (void)err;
    return rt;
}

const GcAdapterClass gc_adapter_events = {
    .name = "events",
    .description = "the explicit GC event channel (ITM stimulus ports / trace port; firmware/common/gcevents.h)",
    .probe = gcev_image_uses_events,
    .open = channel_open,
};
