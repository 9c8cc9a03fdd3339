/* svg.h: tiny helpers for the inline SVG charts of the HTML reports: a chart frame
 * with linear or log10 axes, "nice" ticks, and HTML/SVG text escaping. Coordinates are
 * printed with fixed decimals, so the same data gives the same bytes. */
#ifndef BAREGC_TRACES_SVG_H
#define BAREGC_TRACES_SVG_H

#include <stdbool.h>
#include <stdio.h>

typedef struct SvgChart {
    FILE *f;
    double width, height;            /* px: the whole SVG */
    double left, right, top, bottom; /* px: the plot area inside it */
    double x0, x1, y0, y1;           /* data ranges of the axes (x0 > 0 when xlog) */
    bool xlog;
    bool no_xticks;                  /* svg_chart_axes draws no x ticks (categories) */
} SvgChart;

/* Opens an <svg> of width x height px with a title above the plot and the axis
 * labels, and sets up the scales. The y axis is linear from y0 to y1. */
void svg_chart_begin(SvgChart *c, FILE *f, double width, double height, double x0, double x1, bool xlog,
                     double y0, double y1, const char *title, const char *xlabel, const char *ylabel);
/* Grid lines and tick labels; fmt_x / fmt_y format a tick value (NULL: "%g"). */
void svg_chart_axes(const SvgChart *c, void (*fmt_x)(double v, char *buf, size_t n),
                    void (*fmt_y)(double v, char *buf, size_t n));
void svg_chart_end(const SvgChart *c);

/* Data -> px (clamped to the plot area). */
double svg_x(const SvgChart *c, double x);
double svg_y(const SvgChart *c, double y);

/* A step of the 1-2-5 series near range / n. */
double svg_nice_step(double range, int n);
/* The smallest 1-2-5 value >= v (v > 0): a round upper bound for an axis. */
double svg_nice_ceil(double v);

/* Text with & < > " ' escaped for HTML and SVG. */
void html_escape(FILE *f, const char *s);

#endif
