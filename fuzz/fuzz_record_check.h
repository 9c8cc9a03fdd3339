/* fuzz_record_check.h: what a Recording loaded from record.json and events.bin
 * promises its readers (traces/, ui/): every index points into its array. Shared by
 * the record.json and events.bin harnesses. */
#ifndef BAREGC_FUZZ_RECORD_CHECK_H
#define BAREGC_FUZZ_RECORD_CHECK_H

#include "gc/record.h"

void fuzz_check_recording(const Recording *r);

#endif
