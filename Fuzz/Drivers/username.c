/* libFuzzer driver for fuzz_username, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_username(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_username(data, (long)size);
}
