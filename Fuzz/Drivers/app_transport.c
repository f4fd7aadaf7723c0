/* libFuzzer driver for fuzz_app_transport, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_app_transport(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_app_transport(data, (long)size);
}
