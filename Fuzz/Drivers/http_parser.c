/* libFuzzer driver for fuzz_http_parser, which the FuzzTargets library exports. */
#include <stddef.h>
#include <stdint.h>

int fuzz_http_parser(const uint8_t *data, long size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_http_parser(data, (long)size);
}
