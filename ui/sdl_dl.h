/* sdl_dl.h: SDL2 and SDL2_ttf, loaded at run time (dlopen) by the heap-map window
 * alone, so that every other command starts without them (and without the
 * libraries they bring: X11, Wayland, audio...). */
#ifndef BAREGC_SDL_DL_H
#define BAREGC_SDL_DL_H

#include <SDL.h>
#include <SDL_ttf.h>

/* The functions view.c calls, by library. */
#define SDL_DL_SDL2(X) \
    X(SDL_CreateRenderer) X(SDL_CreateTexture) X(SDL_CreateTextureFromSurface) \
    X(SDL_CreateWindow) X(SDL_DestroyRenderer) X(SDL_DestroyTexture) X(SDL_DestroyWindow) \
    X(SDL_FreeSurface) X(SDL_GetError) X(SDL_GetRendererOutputSize) X(SDL_GetTicks) \
    X(SDL_Init) X(SDL_PollEvent) X(SDL_Quit) X(SDL_RenderClear) X(SDL_RenderCopy) \
    X(SDL_RenderDrawRect) X(SDL_RenderFillRect) X(SDL_RenderPresent) X(SDL_RenderReadPixels) \
    X(SDL_SetRenderDrawColor) X(SDL_UpdateTexture) X(SDL_WaitEventTimeout)
#define SDL_DL_TTF(X) \
    X(TTF_CloseFont) X(TTF_Init) X(TTF_OpenFont) X(TTF_Quit) X(TTF_RenderUTF8_Blended) \
    X(TTF_SizeUTF8)

#define SDL_DL_POINTER(name) __typeof__(name) *name;
typedef struct SdlDl {
    SDL_DL_SDL2(SDL_DL_POINTER)
    SDL_DL_TTF(SDL_DL_POINTER)
} SdlDl;
#undef SDL_DL_POINTER

/* The loaded functions: call them as sdl_dl.SDL_Init(...), after sdl_dl_load. */
extern SdlDl sdl_dl;

/* Loads both libraries and every function above, once (later calls return at
 * once). Returns 0, or -1 with *err naming what could not be loaded. */
int sdl_dl_load(char **err);

#endif
