#![no_main]
use libfuzzer_sys::fuzz_target;

// A `.txt` file: dated text (` date YYYY-MM-DD ...`) or plain text; also
// files with no telling extension, whose format is sniffed from content.
fuzz_target!(|data: &[u8]| {
    newsdex_fuzz::read_as("fuzz.txt", data);
    newsdex_fuzz::read_as("fuzz", data);
});
