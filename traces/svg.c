/* svg.c: chart frames, scales, ticks and escaping for the inline SVG of the reports. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "traces/svg.h"

void html_escape(FILE *f, const char *s)
{
    while (s && *s) {
        uint32_t c = utf8_next(&s);
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (c < 0x20 && c != '\n' && c != '\t')
                fputc('?', f);
            else
                utf8_put(f, c); /* a byte that is not UTF-8: U+FFFD */
        }
    }
}

double svg_nice_step(double range, int n)
{
    if (!(range > 0) || n <= 0)
        return 1;
    double raw = range / n;
    double mag = pow(10, floor(log10(raw)));
    double m = raw / mag;
    double step = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return step * mag;
}

double svg_nice_ceil(double v)
{
    if (!(v > 0))
        return 1;
    double mag = pow(10, floor(log10(v)));
    double m = v / mag;
    double c = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return c * mag;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

double svg_x(const SvgChart *c, double x)
{
    double t;
    if (c->xlog) {
        double lx = log10(x > 0 ? x : c->x0), a = log10(c->x0), b = log10(c->x1);
        t = b > a ? (lx - a) / (b - a) : 0;
    } else {
        t = c->x1 > c->x0 ? (x - c->x0) / (c->x1 - c->x0) : 0;
    }
    return c->left + clamp(t, 0, 1) * (c->right - c->left);
}

double svg_y(const SvgChart *c, double y)
{
    double t = c->y1 > c->y0 ? (y - c->y0) / (c->y1 - c->y0) : 0;
    return c->bottom - clamp(t, 0, 1) * (c->bottom - c->top);
}

void svg_chart_begin(SvgChart *c, FILE *f, double width, double height, double x0, double x1, bool xlog,
                     double y0, double y1, const char *title, const char *xlabel, const char *ylabel)
{
    *c = (SvgChart){
        .f = f, .width = width, .height = height, .left = 78, .right = width - 20, .top = 34,
        .bottom = height - 44, .x0 = x0, .x1 = x1 > x0 ? x1 : x0 + 1, .y0 = y0, .y1 = y1 > y0 ? y1 : y0 + 1,
        .xlog = xlog,
    };
    if (xlog && !(c->x0 > 0)) {
        c->x0 = 1;
        if (c->x1 <= c->x0)
            c->x1 = 10;
    }
    fprintf(f, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "class=\"chart\">\n",
            width, height, width, height);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, height);
    fprintf(f, "<text x=\"%.1f\" y=\"20\" class=\"ct\">", c->left);
    html_escape(f, title);
    fputs("</text>\n", f);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"al\" text-anchor=\"middle\">", (c->left + c->right) / 2,
            height - 8);
    html_escape(f, xlabel);
    fputs("</text>\n", f);
    fprintf(f, "<text x=\"14\" y=\"%.1f\" class=\"al\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">",
            (c->top + c->bottom) / 2, (c->top + c->bottom) / 2);
    html_escape(f, ylabel);
    fputs("</text>\n", f);
}

static void default_fmt(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%g", v);
}

void svg_chart_axes(const SvgChart *c, void (*fmt_x)(double v, char *buf, size_t n),
                    void (*fmt_y)(double v, char *buf, size_t n))
{
    FILE *f = c->f;
    char buf[48];
    if (!fmt_x)
        fmt_x = default_fmt;
    if (!fmt_y)
        fmt_y = default_fmt;
    /* y: about 5 ticks */
    double ys = svg_nice_step(c->y1 - c->y0, 5);
    for (double v = ceil(c->y0 / ys) * ys; v <= c->y1 + ys * 1e-9; v += ys) {
        double y = svg_y(c, v);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n", c->left, y, c->right, y);
        fmt_y(fabs(v) < ys * 1e-9 ? 0 : v, buf, sizeof buf);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"end\">", c->left - 6, y + 4);
        html_escape(f, buf);
        fputs("</text>\n", f);
    }
    /* x: decades (log) or about 8 ticks */
    if (c->no_xticks) {
        /* the caller labels its categories */
    } else if (c->xlog) {
        for (double d = pow(10, ceil(log10(c->x0) - 1e-9)); d <= c->x1 * (1 + 1e-9); d *= 10) {
            double x = svg_x(c, d);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n", x, c->top, x,
                    c->bottom);
            fmt_x(d, buf, sizeof buf);
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">", x, c->bottom + 16);
            html_escape(f, buf);
            fputs("</text>\n", f);
        }
    } else {
        double xs = svg_nice_step(c->x1 - c->x0, 8);
        for (double v = ceil(c->x0 / xs) * xs; v <= c->x1 + xs * 1e-9; v += xs) {
            double x = svg_x(c, v);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n", x, c->top, x,
                    c->bottom);
            fmt_x(fabs(v) < xs * 1e-9 ? 0 : v, buf, sizeof buf);
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">", x, c->bottom + 16);
            html_escape(f, buf);
            fputs("</text>\n", f);
        }
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n", c->left, c->top,
            c->right - c->left, c->bottom - c->top);
}

void svg_chart_end(const SvgChart *c)
{
    fputs("</svg>\n", c->f);
}
