/* libFuzzer driver for fuzz_json_decoder, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_json_decoder(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_json_decoder(data, (long)size);
}
