/* libFuzzer driver for fuzz_store_file, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_store_file(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_store_file(data, (long)size);
}
