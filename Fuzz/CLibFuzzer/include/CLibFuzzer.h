#pragma once
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for a program that has its own `main` (libFuzzer >= 13). The fuzz targets
/// call it from theirs: SwiftPM links an executable's `main` under another name and points the
/// `main` symbol at it, so the `main` libFuzzer ships is never the one that runs.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));
