/* registry.c: every device model, by the type name board files use and by the roles the machine looks for. */
#include "config.h"

#include <string.h>

#include "devices/device.h"

extern const DeviceClass cmsdk_uart_class, cmsdk_timer_class, nrf51_uart_class, sifive_uart_class,
    ns16550_class, systick_class, dwt_class, clint_class, plic_class;
extern const DeviceClass itm_class, traceport_class, nvic_class;
extern const DeviceClass sifive_test_class, goldfish_rtc_class;
extern const DeviceClass pl011_class;

const DeviceClass *const device_classes[] = {
    &cmsdk_uart_class, &cmsdk_timer_class, &nrf51_uart_class, &sifive_uart_class, &ns16550_class,
    &systick_class,    &dwt_class,         &clint_class,      &plic_class,        &itm_class,
    &traceport_class,  &nvic_class,
    &sifive_test_class, &goldfish_rtc_class,
    &pl011_class,
    NULL,
};

const DeviceClass *device_class_find(const char *type)
{
    for (size_t i = 0; device_classes[i]; i++)
        if (!strcmp(device_classes[i]->type, type))
            return device_classes[i];
    return NULL;
}

const DeviceClass *device_class_with_role(unsigned roles)
{
    for (size_t i = 0; device_classes[i]; i++)
        if ((device_classes[i]->roles & roles) == roles)
            return device_classes[i];
    return NULL;
}

int device_param_u32(const DeviceConfig *cfg, const char *key, uint32_t dflt, uint32_t *out, char **err)
{
    const cJSON *v = cfg->params ? cJSON_GetObjectItemCaseSensitive(cfg->params, key) : NULL;
    uint64_t x;
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 4294967295.0 &&
        v->valuedouble == (double)(uint64_t)v->valuedouble) {
        *out = (uint32_t)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v) && (parse_u64(v->valuestring, &x) == 0 || parse_hz(v->valuestring, &x) == 0) &&
        x <= UINT32_MAX) {
        *out = (uint32_t)x;
        return 0;
    }
    set_err(err, "parameter \"%s\": expected an unsigned 32-bit number", key);
    return -1;
}
