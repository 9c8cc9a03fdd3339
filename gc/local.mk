## gc/local.mk: the GC observation layer: the Recording, the runtime adapters (one file
## each: gcrt, MicroPython, TinyGo, Lua, the JSON profile, the event channel) and the
## engine that hooks them into the CPU.
libbaregc_a_SOURCES += gc/record.c gc/record.h gc/observe.c gc/observe.h gc/registry.c \
	gc/runtime.c gc/runtime.h gc/gcrt.c gc/profile.c gc/micropython.c gc/tinygo.c gc/lua.c \
	gc/channel.c gc/events.c gc/events.h
