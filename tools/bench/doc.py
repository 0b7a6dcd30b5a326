"""Puts the benchmark's results into doc/benchmarks.rst, between its two
marker comments; the prose around them is the doc's own."""

import os

BEGIN = '.. benchmark results begin (tools/benchmark --write-doc)'
END = '.. benchmark results end'


class NoMarkers(RuntimeError):
    """The doc lacks the marker comments that frame the results."""


def write_results(path, report_text, begin=BEGIN, end=END):
    """Replace what is between the lines ``begin`` and ``end`` (each
    benchmark has its own pair)."""
    with open(path) as doc:
        text = doc.read()
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        raise NoMarkers('%s has no lines "%s" and "%s"' % (path, begin, end))
    text = '%s%s\n\n%s\n%s' % (text[:start], begin, report_text,
                               text[stop:])
    with open(path + '.tmp', 'w') as doc:
        doc.write(text)
    os.replace(path + '.tmp', path)
