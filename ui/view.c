/* view.c: the SDL2 heap-map window: ui/heapmap.c's pixels in a streaming texture,
 * text (legend names, status line, tooltip) with SDL2_ttf and DejaVu Sans, input for
 * the scrubber (drag on the timeline, arrow keys), hover and holding a live run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/stopsig.h"
#include "base/util.h"
#include "traces/traces.h"
#include "ui/heapmap.h"
#include "ui/png.h"
#include "ui/sdl_dl.h"
#include "ui/view.h"

#define VIEW_DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define VIEW_FRAME_MS 33 /* host ms between redraws while a live run goes on */

struct View {
    ViewOptions o;
    const Recording *r;
    const Image *img;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    TTF_Font *font;
    uint8_t *pixels;         /* width * height * 4, RGBA */
    HeapMapLayout layout;
    bool laid_out;
    size_t laid_out_maps;    /* r->nmaps when the layout was fitted */
    HeapMapView hv;
    bool live, follow, held, dirty, dragging, hover;
    int mx, my;              /* pixels: the mouse */
    uint32_t last_frame;     /* host ms (SDL_GetTicks): pacing only */
};

bool view_available(void) { return true; }

View *view_open(const ViewOptions *o, const Recording *r, const Image *img, char **err)
{
    if (o->width < 320 || o->height < 240 || o->width > 8192 || o->height > 8192) {
        set_err(err, "window size %dx%d: wanted 320x240 .. 8192x8192", o->width, o->height);
        return NULL;
    }
    if (sdl_dl_load(err) < 0)
        return NULL;
    if (sdl_dl.SDL_Init(SDL_INIT_VIDEO) != 0) {
        set_err(err, "cannot open a window: SDL: %s", sdl_dl.SDL_GetError());
        return NULL;
    }
    if (sdl_dl.TTF_Init() != 0) {
        set_err(err, "SDL_ttf: %s", sdl_dl.SDL_GetError());
        sdl_dl.SDL_Quit();
        return NULL;
    }
    View *v = xcalloc(1, sizeof *v);
    v->o = *o;
    v->r = r;
    v->img = img;
    v->hv = (HeapMapView){.pause = r->npauses ? (long)r->npauses - 1 : -1};
    v->follow = true;
    v->dirty = true;
    v->win = sdl_dl.SDL_CreateWindow(o->title ? o->title : "baregc view", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                              o->width, o->height, 0);
    if (v->win)
        v->ren = sdl_dl.SDL_CreateRenderer(v->win, -1, 0);
    if (v->ren)
        v->tex = sdl_dl.SDL_CreateTexture(v->ren, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING, o->width, o->height);
    if (!v->tex) {
        set_err(err, "cannot open a %dx%d window: SDL: %s", o->width, o->height, sdl_dl.SDL_GetError());
        view_close(v);
        return NULL;
    }
    const char *font = o->font ? o->font : VIEW_DEFAULT_FONT;
    v->font = sdl_dl.TTF_OpenFont(font, 13);
    if (!v->font)
        log_warn("view: no text: cannot open the font %s (%s); install fonts-dejavu-core (tools/deps.sh)", font,
                 sdl_dl.SDL_GetError());
    v->pixels = xmalloc((size_t)o->width * (size_t)o->height * 4);
    heapmap_layout_default(&v->layout, o->width, o->height);
    return v;
}

void view_close(View *v)
{
    if (!v)
        return;
    if (v->font)
        sdl_dl.TTF_CloseFont(v->font);
    if (v->tex)
        sdl_dl.SDL_DestroyTexture(v->tex);
    if (v->ren)
        sdl_dl.SDL_DestroyRenderer(v->ren);
    if (v->win)
        sdl_dl.SDL_DestroyWindow(v->win);
    free(v->pixels);
    free(v);
    sdl_dl.TTF_Quit();
    sdl_dl.SDL_Quit();
}

void view_select(View *v, long pause)
{
    long n = (long)v->r->npauses;
    if (pause >= n)
        pause = n - 1;
    if (pause < 0)
        pause = n ? 0 : -1;
    if (pause != v->hv.pause) {
        v->hv.pause = pause;
        v->dirty = true;
    }
    v->follow = v->live && pause == n - 1;
}

void view_live_update(View *v, uint64_t now, uint32_t stack_low)
{
    v->live = true;
    v->hv.now = now;
    v->hv.stack_low = stack_low;
    if (v->follow && v->r->npauses && v->hv.pause != (long)v->r->npauses - 1)
        v->hv.pause = (long)v->r->npauses - 1;
    v->dirty = true;
}

void view_live_end(View *v)
{
    v->live = false;
    v->follow = false;
    v->hv.now = 0; /* the timeline spans the whole run */
    v->hv.stack_low = 0;
    v->dirty = true;
}

/* ---- drawing ---- */

static void text(View *v, int x, int y, uint32_t rgb, const char *s)
{
    if (!v->font || !*s)
        return;
    SDL_Color c = {(Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255};
    SDL_Surface *surf = sdl_dl.TTF_RenderUTF8_Blended(v->font, s, c);
    if (!surf)
        return;
    SDL_Texture *t = sdl_dl.SDL_CreateTextureFromSurface(v->ren, surf);
    if (t) {
        SDL_Rect dst = {x, y, surf->w, surf->h};
        sdl_dl.SDL_RenderCopy(v->ren, t, NULL, &dst);
        sdl_dl.SDL_DestroyTexture(t);
    }
    sdl_dl.SDL_FreeSurface(surf);
}

static void draw_legend(View *v)
{
    const HeapMapLayout *l = &v->layout;
    HeapMapRect rc;
    int y = l->legend.y;
    for (size_t i = 0; heapmap_legend_swatch(l, i, &rc); i++) {
        text(v, rc.x + rc.w + 6, rc.y + rc.h / 2 - 8, 0xdddddd, heapmap_color_name(heapmap_legend_item(i)));
        y = rc.y + rc.h + 8;
    }
    char line[160];
    for (size_t i = 0; heapmap_legend_note(l, i, line, sizeof line); i++)
        text(v, l->legend.x + 4, y + 8 + 18 * (int)i, 0xaaaaaa, line);
}

static void draw_status(View *v)
{
    const Recording *r = v->r;
    const HeapMapLayout *l = &v->layout;
    int y = l->timeline.y + l->timeline.h + 6;
    char line[400];
    heapmap_status_text(r, &v->hv, line, sizeof line);
    text(v, l->timeline.x, y, 0xffffff, line);
    snprintf(line, sizeof line, "%s   left/right, drag the timeline: collections   home/end%s   q: quit",
             v->live ? (v->held ? "LIVE (held)" : v->follow ? "LIVE (following)" : "LIVE") : "replay",
             v->live ? "   space: hold/resume the run" : "");
    text(v, l->timeline.x, y + 18, 0x999999, line);
}

static void draw_tooltip(View *v)
{
    const Recording *r = v->r;
    const HeapMapLayout *l = &v->layout;
    uint32_t addr;
    if (!v->hover || !heapmap_addr_at(l, v->mx, v->my, &addr))
        return;
    char lines[5][200];
    int n = 0;
    long map = v->hv.pause >= 0 ? heapmap_map_for(r, (size_t)v->hv.pause) : -1;
    HeapMapColor c = heapmap_cell_color(l, r, &v->hv, addr);
    snprintf(lines[n++], sizeof lines[0], "0x%08x  (%u B cell)  %s", addr, l->cell_bytes, heapmap_color_name(c));
    long ai = map >= 0 ? heapmap_alloc_at(r, map, addr) : -1;
    if (ai >= 0) {
        const RecAlloc *a = &r->allocs[ai];
        uint64_t now = r->pauses[r->maps[map].pause].end;
        char age[32];
        heapmap_fmt_time(r, age, sizeof age, now > a->time ? now - a->time : 0);
        snprintf(lines[n++], sizeof lines[0], "object 0x%08x, %u bytes, age %s", a->addr, a->size, age);
        size_t nf;
        const uint32_t *f = rec_stack_frames(r, a->stack, &nf);
        for (size_t i = 0; i < nf && i < 3; i++) {
            char name[160];
            traces_frame_name(r, v->img, f[i], name, sizeof name);
            snprintf(lines[n++], sizeof lines[0], "%s %s", i ? "  called from" : "allocated in", name);
        }
    }
    int w = 0, h = 0;
    for (int i = 0; i < n; i++) {
        int tw = 0, th = 0;
        if (v->font)
            sdl_dl.TTF_SizeUTF8(v->font, lines[i], &tw, &th);
        w = tw > w ? tw : w;
        h += 17;
    }
    int x = v->mx + 14, y = v->my + 14;
    if (x + w + 12 > l->width)
        x = v->mx - w - 20;
    if (y + h + 10 > l->height)
        y = v->my - h - 20;
    SDL_Rect box = {x, y, w + 12, h + 8};
    sdl_dl.SDL_SetRenderDrawColor(v->ren, 0x10, 0x10, 0x14, 0xff);
    sdl_dl.SDL_RenderFillRect(v->ren, &box);
    sdl_dl.SDL_SetRenderDrawColor(v->ren, 0xaa, 0xaa, 0xaa, 0xff);
    sdl_dl.SDL_RenderDrawRect(v->ren, &box);
    for (int i = 0; i < n; i++)
        text(v, x + 6, y + 4 + 17 * i, 0xffffff, lines[i]);
}

static void draw(View *v)
{
    /* refit when the heap's geometry appears (the first map of a live run) */
    if (!v->laid_out || v->laid_out_maps != v->r->nmaps) {
        HeapMapLayout l;
        heapmap_layout_default(&l, v->o.width, v->o.height);
        if (heapmap_layout(&l, v->r, NULL) == 0) {
            v->layout = l;
            v->laid_out = true;
            v->laid_out_maps = v->r->nmaps;
        }
    }
    if (v->laid_out)
        heapmap_render(&v->layout, v->r, &v->hv, v->pixels);
    else
        memset(v->pixels, 0x1c, (size_t)v->o.width * (size_t)v->o.height * 4);
    sdl_dl.SDL_UpdateTexture(v->tex, NULL, v->pixels, v->o.width * 4);
    sdl_dl.SDL_RenderClear(v->ren);
    sdl_dl.SDL_RenderCopy(v->ren, v->tex, NULL, NULL);
    if (v->laid_out) {
        draw_legend(v);
        draw_status(v);
        draw_tooltip(v);
    }
    v->dirty = false;
    v->last_frame = sdl_dl.SDL_GetTicks();
}

/* ---- input ---- */

static void select_at_x(View *v, int x)
{
    long p = heapmap_timeline_pause_at(&v->layout, v->r, &v->hv, x);
    if (p >= 0)
        view_select(v, p);
}

static bool in_rect(const HeapMapRect *rc, int x, int y)
{
    return x >= rc->x && y >= rc->y && x < rc->x + rc->w && y < rc->y + rc->h;
}

/* false: quit */
static bool handle(View *v, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT: return false;
    case SDL_WINDOWEVENT: v->dirty = true; break;
    case SDL_KEYDOWN:
        switch (e->key.keysym.sym) {
        case SDLK_q:
        case SDLK_ESCAPE: return false;
        case SDLK_LEFT: view_select(v, v->hv.pause - 1); break;
        case SDLK_RIGHT: view_select(v, v->hv.pause + 1); break;
        case SDLK_PAGEUP: view_select(v, v->hv.pause - 10); break;
        case SDLK_PAGEDOWN: view_select(v, v->hv.pause + 10); break;
        case SDLK_HOME: view_select(v, 0); break;
        case SDLK_END:
            view_select(v, (long)v->r->npauses - 1);
            v->follow = v->live;
            break;
        case SDLK_SPACE:
            if (v->live) {
                v->held = !v->held;
                v->dirty = true;
            }
            break;
        default: break;
        }
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT && v->laid_out && in_rect(&v->layout.timeline, e->button.x, e->button.y)) {
            v->dragging = true;
            select_at_x(v, e->button.x);
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT)
            v->dragging = false;
        break;
    case SDL_MOUSEMOTION:
        if (v->dragging && v->laid_out)
            select_at_x(v, e->motion.x);
        if (!v->o.no_hover) {
            v->hover = true;
            v->mx = e->motion.x;
            v->my = e->motion.y;
            v->dirty = true;
        }
        break;
    default: break;
    }
    return true;
}

bool view_poll(View *v)
{
    SDL_Event e;
    while (sdl_dl.SDL_PollEvent(&e))
        if (!handle(v, &e))
            return false;
    while (v->held && !stopsig_received()) {
        if (v->dirty)
            draw(v), sdl_dl.SDL_RenderPresent(v->ren);
        if (sdl_dl.SDL_WaitEventTimeout(&e, 100) && !handle(v, &e))
            return false;
    }
    if (v->dirty && (!v->live || sdl_dl.SDL_GetTicks() - v->last_frame >= VIEW_FRAME_MS)) {
        draw(v);
        sdl_dl.SDL_RenderPresent(v->ren);
    }
    return !stopsig_received();
}

void view_loop(View *v)
{
    v->dirty = true;
    while (!stopsig_received()) {
        if (v->dirty) {
            draw(v);
            sdl_dl.SDL_RenderPresent(v->ren);
        }
        SDL_Event e;
        if (sdl_dl.SDL_WaitEventTimeout(&e, 250) && !handle(v, &e))
            return;
    }
}

int view_screenshot(View *v, const char *path, char **err)
{
    draw(v);
    int w = 0, h = 0;
    if (sdl_dl.SDL_GetRendererOutputSize(v->ren, &w, &h) != 0 || w <= 0 || h <= 0) {
        set_err(err, "%s: screenshot: SDL: %s", path, sdl_dl.SDL_GetError());
        return -1;
    }
    uint8_t *buf = xmalloc((size_t)w * (size_t)h * 4);
    int rc = -1;
    if (sdl_dl.SDL_RenderReadPixels(v->ren, NULL, SDL_PIXELFORMAT_RGBA32, buf, w * 4) != 0)
        set_err(err, "%s: screenshot: SDL: %s", path, sdl_dl.SDL_GetError());
    else
        rc = png_write_rgba(path, buf, w, h, (size_t)w * 4, err);
    free(buf);
    sdl_dl.SDL_RenderPresent(v->ren);
    return rc;
}
