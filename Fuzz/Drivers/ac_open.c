/* libFuzzer driver for fuzz_ac_open, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_ac_open(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_ac_open(data, (long)size);
}
