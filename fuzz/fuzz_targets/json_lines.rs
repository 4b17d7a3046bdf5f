#![no_main]
use libfuzzer_sys::fuzz_target;

// A `.jsonl` file: one article object per line.
fuzz_target!(|data: &[u8]| {
    newsdex_fuzz::read_as("fuzz.jsonl", data);
});
