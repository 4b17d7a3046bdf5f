#![no_main]
use libfuzzer_sys::fuzz_target;

// An XML file: RSS, Atom or Reuters-21578 records, feed HTML inside them,
// and XML that is none of these or not well-formed.
fuzz_target!(|data: &[u8]| {
    newsdex_fuzz::read_as("fuzz.xml", data);
    newsdex_fuzz::read_as("fuzz.rss", data);
});
