#![no_main]
use libfuzzer_sys::fuzz_target;

// Gzip'd files: the input always starts with gzip's magic bytes, so the
// fuzzer explores the decompressor's error paths (truncation, bad headers,
// bad checksums, several members) under each format.
fuzz_target!(|data: &[u8]| {
    let mut bytes = vec![0x1f, 0x8b];
    bytes.extend_from_slice(data.strip_prefix(&[0x1f, 0x8b][..]).unwrap_or(data));
    let name = match data.first().map(|b| b % 3) {
        Some(0) => "fuzz.json.gz",
        Some(1) => "fuzz.jsonl.gz",
        _ => "fuzz.txt.gz",
    };
    newsdex_fuzz::read_as(name, &bytes);
});
