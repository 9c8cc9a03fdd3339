/* workloads.h: the allocation-heavy workloads shared by the demo and the benchmark.
 * Each returns a checksum of its data and, when verbose, prints one UART line. */
#ifndef FW_WORKLOADS_H
#define FW_WORKLOADS_H

#include <stdint.h>

#define WL_MAX_KEEP 8   /* lists kept alive at once by wl_list_churn */

uint32_t wl_binary_trees(int min_depth, int max_depth, int verbose);
uint32_t wl_list_churn(int rounds, int keep, int max_len, int verbose);
uint32_t wl_strings(int rounds, int items, int verbose);
uint32_t wl_hash_map(int rounds, int entries, int verbose);

#endif
