"""Writes the text-vectorizer benchmark corpus: every paragraph of data/austen-chapters.tsv (chapters split at
runs of two or more spaces), the whole list repeated until at least 100,000 documents, one document a line.

usage: python3 bench/text/make_corpus.py data/austen-chapters.tsv /tmp/austen-paragraphs.txt"""
import re
import sys

source, target = sys.argv[1], sys.argv[2]
paragraphs = []
with open(source, encoding="utf-8") as f:
    next(f)
    for line in f:
        text = line.rstrip("\n").split("\t")[2]
        paragraphs.extend(p for p in re.split(r"\s{2,}", text) if p.strip())
documents = []
while len(documents) < 100_000:
    documents.extend(paragraphs)
with open(target, "w", encoding="utf-8") as f:
    f.write("\n".join(documents) + "\n")
print(len(documents), "documents")
