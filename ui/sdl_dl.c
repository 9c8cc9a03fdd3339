/* sdl_dl.c: SDL2 and SDL2_ttf loaded at run time for the heap-map window (sdl_dl.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>

#include "base/util.h"
#include "ui/sdl_dl.h"

/* The libraries' run-time names (their sonames), as the link editor would record them. */
#define SDL_DL_LIB_SDL2 "libSDL2-2.0.so.0"
#define SDL_DL_LIB_TTF "libSDL2_ttf-2.0.so.0"

SdlDl sdl_dl;

/* dlopen lib; NULL with *err set when it cannot be loaded. */
static void *open_lib(const char *lib, char **err)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
    if (!h)
        set_err(err, "cannot open a window: %s", dlerror());
    return h;
}

/* *fn = the function name of h; false with *err set when it is missing. */
static bool find_fn(void *h, const char *lib, const char *name, void **fn, char **err)
{
    *fn = dlsym(h, name);
    if (!*fn)
        set_err(err, "cannot open a window: %s has no %s", lib, name);
    return *fn != NULL;
}

int sdl_dl_load(char **err)
{
    static bool loaded;
    if (loaded)
        return 0;
    /* The handles stay open: the functions are used until the program exits. */
    void *sdl = open_lib(SDL_DL_LIB_SDL2, err);
    void *ttf = sdl ? open_lib(SDL_DL_LIB_TTF, err) : NULL;
    if (!ttf)
        return -1;
#define SDL_DL_FIND(lib, name) \
    if (!find_fn(lib, lib == sdl ? SDL_DL_LIB_SDL2 : SDL_DL_LIB_TTF, #name, (void **)&sdl_dl.name, err)) \
        return -1;
#define SDL_DL_FIND_SDL2(name) SDL_DL_FIND(sdl, name)
#define SDL_DL_FIND_TTF(name) SDL_DL_FIND(ttf, name)
    SDL_DL_SDL2(SDL_DL_FIND_SDL2)
    SDL_DL_TTF(SDL_DL_FIND_TTF)
    loaded = true;
    return 0;
}
