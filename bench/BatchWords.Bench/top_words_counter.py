#!/usr/bin/env python3
"""The bench's Python baseline: the worker's tutorial rule with collections.Counter, as a Python user would write it.

Same rule as the worker (src/BatchWords.Worker/TokenRules.cs): decode UTF-8 with U+FFFD for ill-formed bytes, drop one
leading BOM, split on the Unicode White_Space characters, strip ASCII punctuation (string.punctuation) from both ends,
drop empty tokens, count case-sensitively, most common first with ties in first-seen order. It reads the file in
chunks so that a 1 GB input does not need tens of GB of memory, and writes the tutorial's output format.

str.split() is the fast way to split in Python; it also splits on U+001C..U+001F, which are not White_Space, so a chunk
that holds any of those is split with an exact regular expression instead.
"""
import argparse
import collections
import os
import re
import string
import sys

WHITE_SPACE = ('\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a'
               '\u2028\u2029\u202f\u205f\u3000')
WHITE_SPACE_SET = frozenset(WHITE_SPACE)
EXACT_SPLIT = re.compile('[' + re.escape(WHITE_SPACE) + ']+')
SPLIT_ONLY_BY_STR_SPLIT = '\x1c\x1d\x1e\x1f'
CHUNK_CHARS = 1 << 20


def split(text):
    if any(c in text for c in SPLIT_ONLY_BY_STR_SPLIT):
        return EXACT_SPLIT.split(text)
    return text.split()


def count_words(path):
    counter = collections.Counter()
    punctuation = string.punctuation
    with open(path, encoding='utf-8-sig', errors='replace', newline='') as f:
        carry = ''
        while True:
            chunk = f.read(CHUNK_CHARS)
            if not chunk:
                break
            text = carry + chunk
            parts = split(text)
            # A token that touches the end of the chunk may go on in the next one.
            carry = parts.pop() if parts and text[-1] not in WHITE_SPACE_SET else ''
            counter.update(w.strip(punctuation) for w in parts)
        if carry:
            counter.update([carry.strip(punctuation)])
    counter.pop('', None)
    return counter


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--filepath', required=True)
    parser.add_argument('--numwords', type=int, required=True)
    parser.add_argument('--output', required=True)
    args = parser.parse_args()
    top = count_words(args.filepath).most_common(args.numwords)
    with open(args.output, 'w', encoding='utf-8', newline='\n') as out:
        out.write('Word\tCount\n' + '-' * 30 + '\n')
        for word, count in top:
            out.write(f'{word}:\t{count}\n')
        out.write('-' * 30 + '\n')
        for label, variable in (('Node: ', 'AZ_BATCH_NODE_ID'), ('Task: ', 'AZ_BATCH_TASK_ID'),
                                ('Job:  ', 'AZ_BATCH_JOB_ID'), ('Pool: ', 'AZ_BATCH_POOL_ID')):
            if variable in os.environ:
                out.write(label + os.environ[variable] + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
