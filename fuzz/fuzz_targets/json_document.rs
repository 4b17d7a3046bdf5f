#![no_main]
use libfuzzer_sys::fuzz_target;

// A `.json` file: one article object or an array of them.
fuzz_target!(|data: &[u8]| {
    newsdex_fuzz::read_as("fuzz.json", data);
});
