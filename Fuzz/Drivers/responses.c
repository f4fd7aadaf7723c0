/* libFuzzer driver for fuzz_responses, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_responses(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_responses(data, (long)size);
}
