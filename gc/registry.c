/* registry.c: every GC runtime adapter, in auto-detection order. */
#include "config.h"

#include <string.h>

#include "gc/runtime.h"

/* The explicit event channel first (a firmware that reports itself knows best),
 * then the runtimes by their symbols. */
static const GcAdapterClass *const adapters[] = {
    &gc_adapter_events, &gc_adapter_gcrt, &gc_adapter_micropython, &gc_adapter_tinygo, &gc_adapter_lua,
};

const GcAdapterClass *const *gc_adapters(size_t *n)
{
    *n = sizeof adapters / sizeof adapters[0];
    return adapters;
}

const GcAdapterClass *gc_adapter_find(const char *name)
{
    for (size_t i = 0; i < sizeof adapters / sizeof adapters[0]; i++)
        if (!strcmp(adapters[i]->name, name))
            return adapters[i];
    return NULL;
}

const GcAdapterClass *gc_adapter_detect(const Image *img)
{
    for (size_t i = 0; i < sizeof adapters / sizeof adapters[0]; i++)
        if (adapters[i]->probe(img))
            return adapters[i];
    return NULL;
}
