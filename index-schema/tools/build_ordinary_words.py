#!/usr/bin/env python3
"""Build index-schema/actors/ordinary_words.txt: frequent English words that
are rarely surnames, so that "Royal Fried Chicken" or "Young America" after a
given name is not read as a person's name.

Usage: build_ordinary_words.py WORDFREQ_WHEEL NAMES_SDIST [CORPORA_DIR]

WORDFREQ_WHEEL is wordfreq-3.1.1-py3-none-any.whl and NAMES_SDIST is
names-0.3.0.tar.gz, both from PyPI (`pip download --no-deps wordfreq names`).
Needs the `msgpack` package to read wordfreq's frequency table.

A word is ordinary when it is among the TOP most frequent English words
(wordfreq's large list, which folds case), is written in lower case in at
least LOWER_SHARE of its uses inside sentences of the news corpora in
CORPORA_DIR (default ../shared/corpora: allsides and Reuters-21578 bodies;
wordfreq folds case, so "Bloomberg" and "Assange" are frequent words there),
and is none of: the SURNAMES most frequent US surnames (Census 1990), a given
name of actors/given_names.txt, or a word of a dictionary person's name
(actors/people.tsv). Only the counts of single words are read from the
corpora; no text of theirs is written. See index-schema/NOTICE.
"""
import collections
import glob
import gzip
import json
import os
import re
import sys
import tarfile
import zipfile

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
ACTORS = os.path.join(os.path.dirname(HERE), "actors")
TOP = 20_000
SURNAMES = 10_000
LOWER_SHARE = 0.8
MIN_USES = 5
# Words that are ordinary even where a surname list holds them ("To", "Of"):
# tantivy's English stop words but "will" (George Will).
FUNCTION_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "with",
}


def frequent_words(wheel):
    with zipfile.ZipFile(wheel) as z:
        raw = z.read("wordfreq/data/large_en.msgpack.gz")
    bins = msgpack.unpackb(gzip.decompress(raw), raw=False)
    # The first item is a header; then one list of words per frequency bin,
    # most frequent first.
    ranked = []
    for words in bins[1:]:
        ranked.extend(words)
    return ranked


def census_surnames(sdist):
    with tarfile.open(sdist) as t:
        member = next(m for m in t.getmembers() if m.name.endswith("dist.all.last"))
        text = t.extractfile(member).read().decode("ascii")
    return [line.split()[0].lower() for line in text.splitlines() if line.strip()]


def corpus_bodies(corpora):
    for path in sorted(glob.glob(os.path.join(corpora, "allsides", "*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                yield json.loads(line).get("content_original") or ""
    for path in sorted(glob.glob(os.path.join(corpora, "reuters21578", "json", "*.json"))):
        with open(path, encoding="utf-8") as f:
            for article in json.load(f):
                yield article.get("body") or ""


def lower_shares(corpora):
    """For each word, (uses in lower case, all uses), sentence-initial words
    and words after a line break left out."""
    lower, total = collections.Counter(), collections.Counter()
    word = re.compile(r"(?<![.!?:\n\"“‘'(\[-])\s+([A-Za-z][a-z]+)\b")
    for body in corpus_bodies(corpora):
        for m in word.finditer(body):
            w = m.group(1)
            key = w.lower()
            total[key] += 1
            if w[0].islower():
                lower[key] += 1
    return lower, total


def name_list(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    repo = os.path.dirname(os.path.dirname(HERE))
    corpora = sys.argv[3] if len(sys.argv) == 4 else os.path.join(repo, "..", "shared", "corpora")
    lower, total = lower_shares(corpora)
    ranked = frequent_words(sys.argv[1])
    names = set(census_surnames(sys.argv[2])[:SURNAMES])
    names |= {n.lower() for n in name_list(os.path.join(ACTORS, "given_names.txt"))}
    for row in name_list(os.path.join(ACTORS, "people.tsv"))[1:]:
        names |= {w.lower() for w in re.findall(r"[A-Za-z]+", row.split("\t")[-1])}
    names -= FUNCTION_WORDS
    ordinary = []
    seen = set()
    for word in ranked[:TOP]:
        if not re.fullmatch(r"[a-z]{2,}", word) or word in names or word in seen:
            continue
        lower_case = total[word] >= MIN_USES and lower[word] >= LOWER_SHARE * total[word]
        if lower_case or word in FUNCTION_WORDS:
            seen.add(word)
            ordinary.append(word)
    out = os.path.join(ACTORS, "ordinary_words.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write(
            "# Frequent English words that are rarely surnames: after a given name they\n"
            "# end a name instead of continuing it (\"Royal Fried Chicken\", \"Young America\").\n"
            f"# Of the {TOP:,} most frequent English words of wordfreq 3.1.1 (CC BY-SA 4.0 data),\n"
            f"# those written in lower case in {LOWER_SHARE:.0%} or more of their uses inside\n"
            "# sentences of the allsides and Reuters-21578 news bodies,\n"
            f"# less the {SURNAMES:,} most frequent US surnames (Census 1990, PyPI `names` 0.3.0),\n"
            "# the given names and the words of dictionary people's names. Generated by\n"
            "# index-schema/tools/build_ordinary_words.py; see index-schema/NOTICE.\n"
        )
        for word in sorted(ordinary):
            f.write(word + "\n")
    print(f"{len(ordinary)} ordinary words -> {out}")


if __name__ == "__main__":
    main()
